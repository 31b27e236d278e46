import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class MpUser extends Model<InferAttributes<MpUser>, InferCreationAttributes<MpUser>> {
  declare id: CreationOptional<number>;
  declare openid: string;
  declare unionid: string | null;
  /** WeChat's session_key, encrypted: it never leaves the server. */
  declare sessionKeyEnc: string | null;
  declare nickname: string | null;
  declare avatarUrl: string | null;
  declare phoneEnc: string | null;
  declare phoneHash: string | null;
  /** Set when the user deleted their account (注销): the row stays, anonymised, for the records that must be kept. */
  declare deletedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** Rotating refresh tokens. A family is one login; reusing a spent token revokes the whole family. */
export class RefreshToken extends Model<InferAttributes<RefreshToken>, InferCreationAttributes<RefreshToken>> {
  declare id: CreationOptional<number>;
  declare tokenHash: string;
  declare subjectType: 'mp' | 'admin';
  declare subjectId: number;
  declare familyId: string;
  declare expiresAt: Date;
  declare usedAt: Date | null;
  declare revokedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
}

/** A console login: listed as an online user, revocable at once (force logout). */
export class AdminSession extends Model<InferAttributes<AdminSession>, InferCreationAttributes<AdminSession>> {
  declare id: string;
  declare userId: number;
  declare ip: string | null;
  declare userAgent: string | null;
  declare createdAt: CreationOptional<Date>;
  declare lastSeenAt: Date;
  declare expiresAt: Date;
  declare revokedAt: Date | null;
  declare revokeReason: string | null;
}

export class LoginLog extends Model<InferAttributes<LoginLog>, InferCreationAttributes<LoginLog>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare userId: number | null;
  declare ip: string | null;
  declare userAgent: string | null;
  declare status: 'success' | 'fail' | 'locked';
  declare message: string;
  declare createdAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };

export function initAuthModels(sequelize: Sequelize) {
  MpUser.init(
    {
      id,
      openid: { type: DataTypes.STRING(64), allowNull: false },
      unionid: DataTypes.STRING(64),
      sessionKeyEnc: DataTypes.TEXT,
      nickname: DataTypes.STRING(64),
      avatarUrl: DataTypes.STRING(512),
      phoneEnc: DataTypes.TEXT,
      phoneHash: DataTypes.STRING(64),
      deletedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'mp_user', underscored: true },
  );
  RefreshToken.init(
    {
      id,
      tokenHash: { type: DataTypes.STRING(64), allowNull: false },
      subjectType: { type: DataTypes.STRING(8), allowNull: false },
      subjectId: { type: DataTypes.INTEGER, allowNull: false },
      familyId: { type: DataTypes.STRING(36), allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      usedAt: DataTypes.DATE,
      revokedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'auth_refresh_token', underscored: true, updatedAt: false },
  );
  AdminSession.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      ip: DataTypes.STRING(64),
      userAgent: DataTypes.STRING(255),
      createdAt: DataTypes.DATE,
      lastSeenAt: { type: DataTypes.DATE, allowNull: false },
      expiresAt: { type: DataTypes.DATE, allowNull: false },
      revokedAt: DataTypes.DATE,
      revokeReason: DataTypes.STRING(32),
    },
    { sequelize, tableName: 'sys_session', underscored: true, updatedAt: false },
  );
  LoginLog.init(
    {
      id,
      username: { type: DataTypes.STRING(64), allowNull: false },
      userId: DataTypes.INTEGER,
      ip: DataTypes.STRING(64),
      userAgent: DataTypes.STRING(255),
      status: { type: DataTypes.STRING(16), allowNull: false },
      message: { type: DataTypes.STRING(255), allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'sys_login_log', underscored: true, updatedAt: false },
  );
}
