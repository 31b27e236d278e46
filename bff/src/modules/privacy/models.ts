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

export type DocumentStatus = 'draft' | 'published' | 'superseded';

/**
 * One version of a document patients agree to (协议管理). `seq` counts a kind's versions (1 is the text the product
 * shipped with); `version` is what consents record, set when the version is published; at most one draft and one
 * published version per kind, earlier published ones superseded.
 */
export class PrivacyDocument extends Model<InferAttributes<PrivacyDocument>, InferCreationAttributes<PrivacyDocument>> {
  declare id: CreationOptional<number>;
  declare kind: ConsentKind;
  declare seq: number;
  declare version: string;
  declare title: string;
  declare purpose: string;
  /** Plain text: a line starting with "## " is a heading, every other non-empty line a paragraph. */
  declare body: string;
  declare status: DocumentStatus;
  declare createdBy: string;
  declare publishedBy: string | null;
  declare publishedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initPrivacyModels(sequelize: Sequelize) {
  PrivacyDocument.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      version: { type: DataTypes.STRING(16), allowNull: false },
      title: { type: DataTypes.STRING(64), allowNull: false },
      purpose: { type: DataTypes.STRING(128), allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      createdBy: { type: DataTypes.STRING(64), allowNull: false },
      publishedBy: DataTypes.STRING(64),
      publishedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'privacy_document', underscored: true },
  );
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
