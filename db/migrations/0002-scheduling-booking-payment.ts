import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const stamps = { created_at: date(false), updated_at: date(false) };
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  // A doctor's clinic session: date × period, with slot_count numbered slots (号源).
  await qi.createTable('schedule', {
    id,
    doctor_id: int(),
    dept_id: int(),
    clinic_date: { type: DataTypes.DATEONLY, allowNull: false },
    period: str(8),
    start_time: str(5),
    end_time: str(5),
    slot_count: int(),
    fee_fen: int(),
    release_at: date(false),
    location: str(100, true),
    status: { ...str(16), defaultValue: 'open' },
    booked_count: { ...int(), defaultValue: 0 },
    stop_reason: str(255, true),
    created_by: int(true),
    ...stamps,
  });
  await qi.addIndex('schedule', ['doctor_id', 'clinic_date', 'period'], {
    unique: true,
    name: 'schedule_doctor_session',
  });
  await qi.addIndex('schedule', ['dept_id', 'clinic_date']);
  await qi.addIndex('schedule', ['clinic_date']);

  // active_seq / active_patient equal seq_no / patient_id while the booking holds its slot and are NULL
  // once released: unique indexes over them are the database's own guard that a slot is never given
  // twice and a person has one live booking per session (MySQL and SQLite both allow many NULLs).
  await qi.createTable('appointment', {
    id,
    no: str(32),
    user_id: int(),
    patient_id: int(),
    schedule_id: int(),
    doctor_id: int(),
    dept_id: int(),
    seq_no: int(),
    active_seq: int(true),
    active_patient: int(true),
    clinic_date: { type: DataTypes.DATEONLY, allowNull: false },
    period: str(8),
    window_start: str(5),
    window_end: str(5),
    fee_fen: int(),
    status: str(20),
    hold_expires_at: date(),
    paid_at: date(),
    cancelled_at: date(),
    cancel_reason: str(255, true),
    visited_at: date(),
    from_waitlist: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    ...stamps,
  });
  await qi.addIndex('appointment', ['no'], { unique: true });
  await qi.addIndex('appointment', ['schedule_id', 'active_seq'], { unique: true, name: 'appointment_slot_once' });
  await qi.addIndex('appointment', ['schedule_id', 'active_patient'], {
    unique: true,
    name: 'appointment_person_once',
  });
  await qi.addIndex('appointment', ['user_id', 'status']);
  await qi.addIndex('appointment', ['patient_id', 'status']);
  await qi.addIndex('appointment', ['status', 'hold_expires_at']);
  await qi.addIndex('appointment', ['dept_id', 'clinic_date']);
  await qi.addIndex('appointment', ['doctor_id', 'clinic_date']);

  await qi.createTable('waitlist_entry', {
    id,
    schedule_id: int(),
    user_id: int(),
    patient_id: int(),
    active_patient: int(true),
    status: str(16),
    appointment_id: int(true),
    offered_at: date(),
    ...stamps,
  });
  await qi.addIndex('waitlist_entry', ['schedule_id', 'active_patient'], {
    unique: true,
    name: 'waitlist_person_once',
  });
  await qi.addIndex('waitlist_entry', ['schedule_id', 'status', 'id']);

  await qi.createTable('follow_up', {
    id,
    appointment_id: int(),
    plan_date: { type: DataTypes.DATEONLY, allowNull: false },
    content: str(500),
    result: str(500, true),
    status: str(16),
    created_by: int(),
    ...stamps,
  });
  await qi.addIndex('follow_up', ['appointment_id']);

  await qi.createTable('patient_notice', {
    id,
    user_id: int(),
    title: str(64),
    content: str(500),
    read_at: date(),
    created_at: date(false),
  });
  await qi.addIndex('patient_notice', ['user_id', 'id']);

  await qi.createTable('pay_order', {
    id,
    out_trade_no: str(32),
    appointment_id: int(),
    user_id: int(),
    openid: str(64),
    amount_fen: int(),
    description: str(127),
    status: str(16),
    prepay_id: str(64, true),
    transaction_id: str(64, true),
    time_expire: date(false),
    paid_at: date(),
    closed_at: date(),
    ...stamps,
  });
  await qi.addIndex('pay_order', ['out_trade_no'], { unique: true });
  await qi.addIndex('pay_order', ['appointment_id']);
  await qi.addIndex('pay_order', ['status', 'time_expire']);

  await qi.createTable('pay_refund', {
    id,
    out_refund_no: str(64),
    order_id: int(),
    amount_fen: int(),
    reason: str(80, true),
    status: str(16),
    refund_id: str(64, true),
    succeeded_at: date(),
    ...stamps,
  });
  await qi.addIndex('pay_refund', ['out_refund_no'], { unique: true });
  await qi.addIndex('pay_refund', ['order_id']);

  // Every WeChat Pay notification we accepted, by its id: a replay is recognised and answered without effect.
  await qi.createTable('pay_notification', {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    event_type: str(32),
    out_no: str(64),
    created_at: date(false),
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const t of [
    'pay_notification',
    'pay_refund',
    'pay_order',
    'patient_notice',
    'follow_up',
    'waitlist_entry',
    'appointment',
    'schedule',
  ]) {
    await qi.dropTable(t);
  }
}
