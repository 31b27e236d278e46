import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** Audit trail of every console write. Append-only: no route updates or deletes it; only retention prunes. */
export class OperLog extends Model<InferAttributes<OperLog>, InferCreationAttributes<OperLog>> {
  declare id: CreationOptional<number>;
  declare userId: number | null;
  declare username: string | null;
  declare module: string;
  declare action: string;
  declare method: string;
  declare path: string;
  declare target: string | null;
  declare params: string | null;
  declare status: 'success' | 'fail';
  declare errorCode: string | null;
  declare ip: string | null;
  declare durationMs: number;
  declare createdAt: CreationOptional<Date>;
}

export function initMonitorModels(sequelize: Sequelize) {
  OperLog.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: DataTypes.INTEGER,
      username: DataTypes.STRING(64),
      module: { type: DataTypes.STRING(32), allowNull: false },
      action: { type: DataTypes.STRING(64), allowNull: false },
      method: { type: DataTypes.STRING(8), allowNull: false },
      path: { type: DataTypes.STRING(255), allowNull: false },
      target: DataTypes.STRING(128),
      params: DataTypes.TEXT,
      status: { type: DataTypes.STRING(8), allowNull: false },
      errorCode: DataTypes.STRING(64),
      ip: DataTypes.STRING(64),
      durationMs: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'sys_oper_log', underscored: true, updatedAt: false },
  );
}
