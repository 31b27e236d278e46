import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  // One row per job registered in code: what the console may change (cron, paused, concurrency) and the counts.
  // A row is never a way to name code: a name with no handler in the running code is shown as unknown and never run.
  await qi.createTable('sys_job', {
    name: { ...str(64), primaryKey: true },
    cron: str(128, true),
    paused: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    concurrency: { ...str(8), defaultValue: 'forbid' },
    run_count: { ...int(), defaultValue: 0 },
    fail_count: { ...int(), defaultValue: 0 },
    last_run_at: date(),
    last_status: str(8, true),
    last_duration_ms: int(true),
    created_at: date(false),
    updated_at: date(false),
  });
  // Every run: scheduled (with the time it was due, which tells a double run apart) or run once by hand.
  await qi.createTable('sys_job_run', {
    id,
    job_name: str(64),
    run_trigger: str(8),
    scheduled_at: date(),
    started_at: date(false),
    duration_ms: int(true),
    status: str(8),
    result: { type: DataTypes.TEXT, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    instance: str(128),
  });
  await qi.addIndex('sys_job_run', ['job_name', 'id']);
  await qi.addIndex('sys_job_run', ['started_at']);

  // Statistics roll-ups kept by the stats-rollup job: one row per day (Asia/Shanghai) and department; dept_id 0
  // holds what belongs to no department (new patients). The dashboard and 统计分析 read these, never the live tables.
  await qi.createTable('stats_daily', {
    id,
    day: { type: DataTypes.DATEONLY, allowNull: false },
    dept_id: int(),
    new_patients: { ...int(), defaultValue: 0 },
    bookings: { ...int(), defaultValue: 0 },
    cancellations: { ...int(), defaultValue: 0 },
    payments: { ...int(), defaultValue: 0 },
    paid_fen: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    refunds: { ...int(), defaultValue: 0 },
    refunded_fen: { type: DataTypes.BIGINT, allowNull: false, defaultValue: 0 },
    updated_at: date(false),
  });
  await qi.addIndex('stats_daily', ['day', 'dept_id'], { unique: true, name: 'stats_daily_day_dept' });
  // The roll-up reads a day's rows by these timestamps.
  await qi.addIndex('appointment', ['created_at'], { name: 'appointment_created_at_stats' });
  await qi.addIndex('appointment', ['cancelled_at'], { name: 'appointment_cancelled_at_stats' });
  await qi.addIndex('pay_order', ['paid_at'], { name: 'pay_order_paid_at_stats' });
  await qi.addIndex('pay_refund', ['succeeded_at'], { name: 'pay_refund_succeeded_at_stats' });
  await qi.addIndex('mp_patient', ['created_at'], { name: 'mp_patient_created_at_stats' });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.removeIndex('mp_patient', 'mp_patient_created_at_stats');
  await qi.removeIndex('pay_refund', 'pay_refund_succeeded_at_stats');
  await qi.removeIndex('pay_order', 'pay_order_paid_at_stats');
  await qi.removeIndex('appointment', 'appointment_cancelled_at_stats');
  await qi.removeIndex('appointment', 'appointment_created_at_stats');
  await qi.dropTable('stats_daily');
  await qi.dropTable('sys_job_run');
  await qi.dropTable('sys_job');
}
