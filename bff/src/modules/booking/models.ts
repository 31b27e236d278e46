import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Period } from '../scheduling/models';

/**
 * pending_payment → booked → visited | no_show; pending_payment → expired; pending/booked → cancelled;
 * pending/booked → stopped (the doctor's session was called off). Only pending_payment and booked hold a slot.
 */
export type AppointmentStatus =
  'pending_payment' | 'booked' | 'visited' | 'no_show' | 'cancelled' | 'expired' | 'stopped';
export const HOLDING: AppointmentStatus[] = ['pending_payment', 'booked'];

export class Appointment extends Model<InferAttributes<Appointment>, InferCreationAttributes<Appointment>> {
  declare id: CreationOptional<number>;
  declare no: string;
  declare userId: number;
  declare patientId: number;
  declare scheduleId: number;
  declare doctorId: number;
  declare deptId: number;
  declare seqNo: number;
  declare activeSeq: number | null;
  /** The family member's ID blind index while the booking holds its seat: one live booking per person and session. */
  declare activePerson: string | null;
  declare clinicDate: string;
  declare period: Period;
  declare windowStart: string;
  declare windowEnd: string;
  declare feeFen: number;
  declare status: AppointmentStatus;
  declare holdExpiresAt: Date | null;
  declare paidAt: CreationOptional<Date | null>;
  /** The order whose payment the booking stands on; any other paid order of it is a duplicate, refunded in full. */
  declare paidOrderId: CreationOptional<number | null>;
  declare cancelledAt: CreationOptional<Date | null>;
  declare cancelReason: CreationOptional<string | null>;
  declare visitedAt: CreationOptional<Date | null>;
  /** When the e-ticket was scanned (or typed) at the clinic, and by which staff member. */
  declare checkedInAt: CreationOptional<Date | null>;
  declare checkedInBy: CreationOptional<number | null>;
  declare fromWaitlist: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class WaitlistEntry extends Model<InferAttributes<WaitlistEntry>, InferCreationAttributes<WaitlistEntry>> {
  declare id: CreationOptional<number>;
  declare scheduleId: number;
  declare userId: number;
  declare patientId: number;
  /** The ID blind index while the entry waits: one place per person and session. */
  declare activePerson: string | null;
  declare status: 'waiting' | 'offered' | 'cancelled' | 'closed';
  declare appointmentId: CreationOptional<number | null>;
  declare offeredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
// Fresh objects per attribute: Sequelize writes the column name into the definition it is given.
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });

export function initBookingModels(sequelize: Sequelize) {
  Appointment.init(
    {
      id,
      no: str(32),
      userId: int(),
      patientId: int(),
      scheduleId: int(),
      doctorId: int(),
      deptId: int(),
      seqNo: int(),
      activeSeq: DataTypes.INTEGER,
      activePerson: DataTypes.STRING(64),
      clinicDate: { type: DataTypes.DATEONLY, allowNull: false },
      period: str(8),
      windowStart: str(5),
      windowEnd: str(5),
      feeFen: int(),
      status: str(20),
      holdExpiresAt: DataTypes.DATE,
      paidAt: DataTypes.DATE,
      paidOrderId: DataTypes.INTEGER,
      cancelledAt: DataTypes.DATE,
      cancelReason: DataTypes.STRING(255),
      visitedAt: DataTypes.DATE,
      checkedInAt: DataTypes.DATE,
      checkedInBy: DataTypes.INTEGER,
      fromWaitlist: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'appointment', underscored: true },
  );
  WaitlistEntry.init(
    {
      id,
      scheduleId: int(),
      userId: int(),
      patientId: int(),
      activePerson: DataTypes.STRING(64),
      status: str(16),
      appointmentId: DataTypes.INTEGER,
      offeredAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'waitlist_entry', underscored: true },
  );
}
