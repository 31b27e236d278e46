import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * pending_payment → open → closed; pending_payment → cancelled (never paid). A consultation holds its patient–doctor
 * pair (active_pair) while pending or open, so one family member has one live conversation per doctor.
 */
export type ConsultationStatus = 'pending_payment' | 'open' | 'closed' | 'cancelled';
export const LIVE: ConsultationStatus[] = ['pending_payment', 'open'];
/** Why it closed: the doctor closed it, it sat idle, the doctor did not answer a paid question in time (refunded). */
export type CloseReason = 'doctor' | 'idle' | 'unanswered' | 'unpaid';
export type Side = 'patient' | 'doctor';
export type MessageKind = 'text' | 'image' | 'system';

export class Consultation extends Model<InferAttributes<Consultation>, InferCreationAttributes<Consultation>> {
  declare id: CreationOptional<number>;
  declare no: string;
  /** The mini-program account that asks, and the family member it asks for. */
  declare userId: number;
  declare patientId: number;
  declare doctorId: number;
  declare deptId: number;
  declare appointmentId: number | null;
  /** 'paid' (图文问诊 at the doctor's price), 'free' (the doctor charges nothing) or 'followup' (after a visit). */
  declare kind: 'paid' | 'free' | 'followup';
  declare status: ConsultationStatus;
  declare activePair: string | null;
  declare feeFen: number;
  declare paidAt: CreationOptional<Date | null>;
  declare paidOrderId: CreationOptional<number | null>;
  /** A paid question the doctor has not answered by then is closed and refunded in full. */
  declare answerDeadline: CreationOptional<Date | null>;
  declare firstReplyAt: CreationOptional<Date | null>;
  declare lastSeq: CreationOptional<number>;
  declare lastMessageAt: CreationOptional<Date | null>;
  declare patientReadSeq: CreationOptional<number>;
  declare doctorReadSeq: CreationOptional<number>;
  declare patientDeliveredSeq: CreationOptional<number>;
  declare doctorDeliveredSeq: CreationOptional<number>;
  /** The highest doctor message the patient was told about outside the app (subscribe message). */
  declare patientNotifiedSeq: CreationOptional<number>;
  declare closedAt: CreationOptional<Date | null>;
  declare closeReason: CreationOptional<CloseReason | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** A message is medical record: never deleted, only hidden (hidden_at/by/reason) by staff, with an audit entry. */
export class ConsultMessage extends Model<InferAttributes<ConsultMessage>, InferCreationAttributes<ConsultMessage>> {
  declare id: CreationOptional<number>;
  declare consultationId: number;
  declare seq: number;
  declare sender: Side | 'system';
  /** mp_user id for the patient, sys_user id for the doctor or the staff member who added a system message. */
  declare senderId: number | null;
  declare clientMsgId: string;
  declare kind: MessageKind;
  declare text: string | null;
  /** The stored file's name under DATA_DIR/consult-images (outside every web root). */
  declare imageKey: string | null;
  declare imageType: string | null;
  declare hiddenAt: CreationOptional<Date | null>;
  declare hiddenBy: CreationOptional<number | null>;
  declare hiddenReason: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
}

/** A doctor's 图文问诊 settings: price (fen) and whether they take new questions. */
export class ConsultDoctor extends Model<InferAttributes<ConsultDoctor>, InferCreationAttributes<ConsultDoctor>> {
  declare doctorId: number;
  declare feeFen: number;
  declare accepting: boolean;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
const zero = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });

export function initConsultModels(sequelize: Sequelize) {
  Consultation.init(
    {
      id,
      no: str(32),
      userId: int(),
      patientId: int(),
      doctorId: int(),
      deptId: int(),
      appointmentId: DataTypes.INTEGER,
      kind: str(16),
      status: str(20),
      activePair: DataTypes.STRING(64),
      feeFen: int(),
      paidAt: DataTypes.DATE,
      paidOrderId: DataTypes.INTEGER,
      answerDeadline: DataTypes.DATE,
      firstReplyAt: DataTypes.DATE,
      lastSeq: zero(),
      lastMessageAt: DataTypes.DATE,
      patientReadSeq: zero(),
      doctorReadSeq: zero(),
      patientDeliveredSeq: zero(),
      doctorDeliveredSeq: zero(),
      patientNotifiedSeq: zero(),
      closedAt: DataTypes.DATE,
      closeReason: DataTypes.STRING(16),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'consultation', underscored: true },
  );
  ConsultMessage.init(
    {
      id,
      consultationId: int(),
      seq: int(),
      sender: str(8),
      senderId: DataTypes.INTEGER,
      clientMsgId: str(64),
      kind: str(8),
      text: DataTypes.TEXT,
      imageKey: DataTypes.STRING(64),
      imageType: DataTypes.STRING(32),
      hiddenAt: DataTypes.DATE,
      hiddenBy: DataTypes.INTEGER,
      hiddenReason: DataTypes.STRING(200),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'consult_message', underscored: true, updatedAt: false },
  );
  ConsultDoctor.init(
    {
      doctorId: { type: DataTypes.INTEGER, primaryKey: true },
      feeFen: zero(),
      accepting: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'consult_doctor', underscored: true },
  );
}
