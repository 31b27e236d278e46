import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * 统计分析 gains consultations and education reads (issue 13): two columns of the roll-up, an index for counting
 * consultations by day, and education's per-day read counter (a read was only a running total per item before,
 * which no day can be taken from). Also: the job-run sweep finds runs still `running` by status.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  const count = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
  await qi.addColumn('stats_daily', 'consultations', count);
  await qi.addColumn('stats_daily', 'edu_reads', count);
  await qi.addIndex('consultation', ['created_at'], { name: 'consultation_created_at_stats' });
  await qi.createTable('edu_read_daily', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    day: { type: DataTypes.DATEONLY, allowNull: false },
    content_id: { type: DataTypes.INTEGER, allowNull: false },
    dept_id: { type: DataTypes.INTEGER, allowNull: false },
    read_count: count,
  });
  await qi.addIndex('edu_read_daily', ['day', 'content_id'], { unique: true, name: 'edu_read_daily_day_content' });
  await qi.addIndex('sys_job_run', ['status'], { name: 'sys_job_run_status' });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('sys_job_run', 'sys_job_run_status');
  await qi.dropTable('edu_read_daily');
  await qi.removeIndex('consultation', 'consultation_created_at_stats');
  await qi.removeColumn('stats_daily', 'edu_reads');
  await qi.removeColumn('stats_daily', 'consultations');
}
