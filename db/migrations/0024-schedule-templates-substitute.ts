import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

/**
 * Scheduling (issue 15): a doctor's weekly template (one row per weekday and period, applied to a week through the
 * import's preview and commit), and 替诊 — a session handed to a substitute keeps its bookings and remembers whose it
 * was.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('schedule_template', {
    id,
    doctor_id: int(),
    dept_id: int(),
    /** ISO weekday, 1 Monday … 7 Sunday. */
    weekday: int(),
    period: str(8),
    start_time: str(5),
    end_time: str(5),
    slot_count: int(),
    fee_fen: int(),
    /** Released this many days before the clinic day, at release_time (China). */
    release_days_before: { ...int(), defaultValue: 7 },
    release_time: { ...str(5), defaultValue: '08:00' },
    location: str(100, true),
    created_by: int(true),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('schedule_template', ['doctor_id', 'weekday', 'period'], {
    unique: true,
    name: 'schedule_template_doctor_session',
  });
  await qi.addIndex('schedule_template', ['dept_id']);

  await qi.addColumn('schedule', 'substitute_for', int(true));
  await qi.addColumn('schedule', 'substitute_reason', str(255, true));
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('schedule_template');
  await qi.sequelize.query('ALTER TABLE schedule DROP COLUMN substitute_for');
  await qi.sequelize.query('ALTER TABLE schedule DROP COLUMN substitute_reason');
}
