import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * A staff member lifted an account's no-show suspension (患者管理). No-shows on or before the day of the latest lift
 * no longer count toward NO_SHOW_LIMIT; the no-shows themselves stay on record. Append-only.
 */
export class SuspensionLift extends Model<InferAttributes<SuspensionLift>, InferCreationAttributes<SuspensionLift>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare liftedBy: number;
  declare reason: string;
  declare createdAt: CreationOptional<Date>;
}

export function initLiftModels(sequelize: Sequelize) {
  SuspensionLift.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      liftedBy: { type: DataTypes.INTEGER, allowNull: false },
      reason: { type: DataTypes.STRING(200), allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'booking_suspension_lift', underscored: true, updatedAt: false },
  );
}
