import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type NoticeType = 'notice' | 'announcement';
export type NoticeStatus = 'draft' | 'published' | 'closed';

/** 通知公告 (RuoYi's sys_notice): shown on the mini-program's home page while published. */
export class SysNotice extends Model<InferAttributes<SysNotice>, InferCreationAttributes<SysNotice>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare type: NoticeType;
  declare content: string;
  declare status: NoticeStatus;
  declare pinned: boolean;
  declare createdBy: string;
  declare publishedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initHospitalModels(sequelize: Sequelize) {
  SysNotice.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      title: { type: DataTypes.STRING(64), allowNull: false },
      type: { type: DataTypes.STRING(16), allowNull: false },
      content: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      pinned: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdBy: { type: DataTypes.STRING(64), allowNull: false },
      publishedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'sys_notice', underscored: true },
  );
}
