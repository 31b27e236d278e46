import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type Relation = 'self' | 'spouse' | 'parent' | 'child' | 'sibling' | 'other';

/**
 * A family member (就诊人) of a mini-program user. ID number and phone are encrypted at rest. Deleting one is a soft
 * delete (paranoid): their past appointments stay readable, and queries skip deleted members unless told otherwise.
 */
export class Patient extends Model<InferAttributes<Patient>, InferCreationAttributes<Patient>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare name: string;
  declare idCardEnc: string;
  declare idCardHash: string;
  declare phoneEnc: string;
  declare phoneHash: string;
  declare relation: Relation;
  declare gender: 'M' | 'F';
  declare birthDate: string;
  declare isDefault: boolean;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare deletedAt: CreationOptional<Date | null>;
}

export function initPatientModels(sequelize: Sequelize) {
  Patient.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(32), allowNull: false },
      idCardEnc: { type: DataTypes.TEXT, allowNull: false },
      idCardHash: { type: DataTypes.STRING(64), allowNull: false },
      phoneEnc: { type: DataTypes.TEXT, allowNull: false },
      phoneHash: { type: DataTypes.STRING(64), allowNull: false },
      relation: { type: DataTypes.STRING(16), allowNull: false },
      gender: { type: DataTypes.STRING(1), allowNull: false },
      birthDate: { type: DataTypes.DATEONLY, allowNull: false },
      isDefault: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
      deletedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'mp_patient', underscored: true, paranoid: true },
  );
}
