import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

import type { Period } from '../../shared/clinic';

export type { Period } from '../../shared/clinic';

export class Schedule extends Model<InferAttributes<Schedule>, InferCreationAttributes<Schedule>> {
  declare id: CreationOptional<number>;
  declare doctorId: number;
  declare deptId: number;
  /** The clinic day in Asia/Shanghai, YYYY-MM-DD. */
  declare clinicDate: string;
  declare period: Period;
  declare startTime: string;
  declare endTime: string;
  declare slotCount: number;
  declare feeFen: number;
  declare releaseAt: Date;
  declare location: string | null;
  declare status: CreationOptional<'open' | 'stopped'>;
  /** Live bookings holding a slot; kept in step inside the booking transaction for fast listings. */
  declare bookedCount: CreationOptional<number>;
  declare stopReason: CreationOptional<string | null>;
  /** 替诊: the doctor whose session this was before a substitute took it over (bookings kept). */
  declare substituteFor: CreationOptional<number | null>;
  declare substituteReason: CreationOptional<string | null>;
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** A doctor's weekly template: one row per weekday and period, applied to a week through the import's preview. */
export class ScheduleTemplate extends Model<
  InferAttributes<ScheduleTemplate>,
  InferCreationAttributes<ScheduleTemplate>
> {
  declare id: CreationOptional<number>;
  declare doctorId: number;
  declare deptId: number;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  declare weekday: number;
  declare period: Period;
  declare startTime: string;
  declare endTime: string;
  declare slotCount: number;
  declare feeFen: number;
  declare releaseDaysBefore: number;
  declare releaseTime: string;
  declare location: string | null;
  declare createdBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initSchedulingModels(sequelize: Sequelize) {
  Schedule.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      doctorId: { type: DataTypes.INTEGER, allowNull: false },
      deptId: { type: DataTypes.INTEGER, allowNull: false },
      clinicDate: { type: DataTypes.DATEONLY, allowNull: false },
      period: { type: DataTypes.STRING(8), allowNull: false },
      startTime: { type: DataTypes.STRING(5), allowNull: false },
      endTime: { type: DataTypes.STRING(5), allowNull: false },
      slotCount: { type: DataTypes.INTEGER, allowNull: false },
      feeFen: { type: DataTypes.INTEGER, allowNull: false },
      releaseAt: { type: DataTypes.DATE, allowNull: false },
      location: DataTypes.STRING(100),
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
      bookedCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      stopReason: DataTypes.STRING(255),
      substituteFor: DataTypes.INTEGER,
      substituteReason: DataTypes.STRING(255),
      createdBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'schedule', underscored: true },
  );
  ScheduleTemplate.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      doctorId: { type: DataTypes.INTEGER, allowNull: false },
      deptId: { type: DataTypes.INTEGER, allowNull: false },
      weekday: { type: DataTypes.INTEGER, allowNull: false },
      period: { type: DataTypes.STRING(8), allowNull: false },
      startTime: { type: DataTypes.STRING(5), allowNull: false },
      endTime: { type: DataTypes.STRING(5), allowNull: false },
      slotCount: { type: DataTypes.INTEGER, allowNull: false },
      feeFen: { type: DataTypes.INTEGER, allowNull: false },
      releaseDaysBefore: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 7 },
      releaseTime: { type: DataTypes.STRING(5), allowNull: false, defaultValue: '08:00' },
      location: DataTypes.STRING(100),
      createdBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'schedule_template', underscored: true },
  );
}
