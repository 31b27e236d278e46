import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A staff read of a patient's medical data. Append-only: nothing in the application updates or deletes a row. */
export class DataAccessLog extends Model<InferAttributes<DataAccessLog>, InferCreationAttributes<DataAccessLog>> {
  declare id: CreationOptional<number>;
  declare requestId: string;
  declare actorId: number;
  declare actorName: string;
  declare actorRoles: string;
  declare what: string;
  declare patientId: number | null;
  declare subjectType: string;
  declare subjectIds: string;
  declare ip: string | null;
  declare createdAt: CreationOptional<Date>;
}

export function initAuditModels(sequelize: Sequelize) {
  const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });
  DataAccessLog.init(
    {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      requestId: str(64),
      actorId: { type: DataTypes.INTEGER, allowNull: false },
      actorName: str(64),
      actorRoles: str(255),
      what: str(64),
      patientId: DataTypes.INTEGER,
      subjectType: str(32),
      subjectIds: { type: DataTypes.TEXT, allowNull: false },
      ip: DataTypes.STRING(64),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'data_access_log', underscored: true, updatedAt: false },
  );
}
