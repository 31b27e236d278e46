import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const fen = (allowNull = false) => ({ type: DataTypes.BIGINT, allowNull, ...(allowNull ? {} : { defaultValue: 0 }) });

/**
 * Console features a hospital expects (issue 15): doctor profiles with their 号别, lifting a no-show suspension, and
 * the daily WeChat Pay bill reconciliation.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  // 职称 shown to patients, and the 号别 (ordinary / expert / special) whose fee prices the doctor's sessions.
  await qi.addColumn('doctor_profile', 'title', str(32, true));
  await qi.addColumn('doctor_profile', 'level', str(16, true));
  // The hospital's 号别 and their registration fees (seeded by scheduling's base seed, fees edited in the console).
  await qi.createTable('clinic_level', {
    code: { ...str(16), primaryKey: true },
    name: str(16),
    fee_fen: int(),
    order_num: { ...int(), defaultValue: 0 },
    created_at: date(false),
    updated_at: date(false),
  });

  // A staff member lifted an account's no-show suspension: no-shows up to that day no longer count.
  await qi.createTable('booking_suspension_lift', {
    id,
    user_id: int(),
    lifted_by: int(),
    reason: str(200),
    created_at: date(false),
  });
  await qi.addIndex('booking_suspension_lift', ['user_id', 'id']);

  // One row per bill day (Asia/Shanghai): WeChat Pay's trade bill set beside our orders and refunds.
  await qi.createTable('pay_reconciliation', {
    id,
    bill_date: { type: DataTypes.DATEONLY, allowNull: false },
    status: str(16),
    bill_trades: { ...int(), defaultValue: 0 },
    bill_trade_fen: fen(),
    bill_refunds: { ...int(), defaultValue: 0 },
    bill_refund_fen: fen(),
    our_trades: { ...int(), defaultValue: 0 },
    our_trade_fen: fen(),
    our_refunds: { ...int(), defaultValue: 0 },
    our_refund_fen: fen(),
    diff_count: { ...int(), defaultValue: 0 },
    error: str(255, true),
    run_by: int(true),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('pay_reconciliation', ['bill_date'], { unique: true, name: 'pay_reconciliation_day' });
  await qi.createTable('pay_reconciliation_diff', {
    id,
    reconciliation_id: int(),
    kind: str(24),
    out_trade_no: str(32),
    out_refund_no: str(64, true),
    our_fen: int(true),
    bill_fen: int(true),
    our_status: str(16, true),
    bill_status: str(16, true),
    created_at: date(false),
  });
  await qi.addIndex('pay_reconciliation_diff', ['reconciliation_id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const t of ['pay_reconciliation_diff', 'pay_reconciliation', 'booking_suspension_lift', 'clinic_level'])
    await qi.dropTable(t);
  await qi.removeColumn('doctor_profile', 'level');
  await qi.removeColumn('doctor_profile', 'title');
}
