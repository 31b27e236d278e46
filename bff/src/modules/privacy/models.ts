import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { ConsentKind } from './documents';

/** One grant or withdrawal of a consent, never changed afterwards: the latest row of a kind is the user's answer. */
export class MpConsent extends Model<InferAttributes<MpConsent>, InferCreationAttributes<MpConsent>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare kind: ConsentKind;
  declare version: string;
  declare granted: boolean;
  declare ip: string | null;
  declare createdAt: CreationOptional<Date>;
}

export function initPrivacyModels(sequelize: Sequelize) {
  MpConsent.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      version: { type: DataTypes.STRING(16), allowNull: false },
      granted: { type: DataTypes.BOOLEAN, allowNull: false },
      ip: DataTypes.STRING(64),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'mp_consent', underscored: true, updatedAt: false },
  );
}
