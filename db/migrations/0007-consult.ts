import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const zero = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('consultation', {
    id,
    no: str(32),
    user_id: int(),
    patient_id: int(),
    doctor_id: int(),
    dept_id: int(),
    appointment_id: int(true),
    kind: str(16),
    status: str(20),
    active_pair: str(64, true),
    fee_fen: int(),
    paid_at: date(),
    paid_order_id: int(true),
    answer_deadline: date(),
    first_reply_at: date(),
    last_seq: zero(),
    last_message_at: date(),
    patient_read_seq: zero(),
    doctor_read_seq: zero(),
    patient_delivered_seq: zero(),
    doctor_delivered_seq: zero(),
    patient_notified_seq: zero(),
    closed_at: date(),
    close_reason: str(16, true),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('consultation', ['no'], { unique: true, name: 'consultation_no' });
  // One live conversation per family member and doctor (NULL once closed, so any number of closed ones).
  await qi.addIndex('consultation', ['active_pair'], { unique: true, name: 'consultation_active_pair' });
  await qi.addIndex('consultation', ['user_id', 'updated_at']);
  await qi.addIndex('consultation', ['doctor_id', 'status', 'last_message_at']);
  await qi.addIndex('consultation', ['status', 'last_message_at']);

  await qi.createTable('consult_message', {
    id,
    consultation_id: int(),
    seq: int(),
    sender: str(8),
    sender_id: int(true),
    client_msg_id: str(64),
    kind: str(8),
    text: { type: DataTypes.TEXT, allowNull: true },
    image_key: str(64, true),
    image_type: str(32, true),
    hidden_at: date(),
    hidden_by: int(true),
    hidden_reason: str(200, true),
    created_at: date(false),
  });
  // The per-conversation sequence is gap-free and unique; a resend of the same client id is the same message.
  await qi.addIndex('consult_message', ['consultation_id', 'seq'], { unique: true, name: 'consult_message_seq' });
  await qi.addIndex('consult_message', ['consultation_id', 'sender', 'client_msg_id'], {
    unique: true,
    name: 'consult_message_client_id',
  });
  await qi.addIndex('consult_message', ['created_at']);

  await qi.createTable('consult_doctor', {
    doctor_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    fee_fen: zero(),
    accepting: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    created_at: date(false),
    updated_at: date(false),
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('consult_doctor');
  await qi.dropTable('consult_message');
  await qi.dropTable('consultation');
}
