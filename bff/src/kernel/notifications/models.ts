import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** 我的消息: what a patient is told in the mini-program, with an optional deep link to its subject. */
export class PatientNotice extends Model<InferAttributes<PatientNotice>, InferCreationAttributes<PatientNotice>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare title: string;
  declare content: string;
  declare linkType: CreationOptional<string | null>;
  declare linkId: CreationOptional<string | null>;
  declare readAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
}

/**
 * One-time subscribe-message quota of a patient for a template: each acceptance of wx.requestSubscribeMessage allows
 * WeChat to deliver one message, so `remaining` counts acceptances not yet spent.
 */
export class NotificationSubscription extends Model<
  InferAttributes<NotificationSubscription>,
  InferCreationAttributes<NotificationSubscription>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare templateId: string;
  declare remaining: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };

export function initNotificationModels(sequelize: Sequelize) {
  PatientNotice.init(
    {
      id,
      userId: { type: DataTypes.INTEGER, allowNull: false },
      title: { type: DataTypes.STRING(64), allowNull: false },
      content: { type: DataTypes.STRING(500), allowNull: false },
      linkType: DataTypes.STRING(32),
      linkId: DataTypes.STRING(64),
      readAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'patient_notice', underscored: true, updatedAt: false },
  );
  NotificationSubscription.init(
    {
      id,
      userId: { type: DataTypes.INTEGER, allowNull: false },
      templateId: { type: DataTypes.STRING(64), allowNull: false },
      remaining: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'notification_subscription', underscored: true },
  );
}
