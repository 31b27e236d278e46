import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { OfflinePayoutMethod } from '../../shared/refund-banks';

/** created → paid → refunding → refunded; created → closed. States only move forward. */
export type PayOrderStatus = 'created' | 'paid' | 'closed' | 'refunding' | 'refunded';

export class PayOrder extends Model<InferAttributes<PayOrder>, InferCreationAttributes<PayOrder>> {
  declare id: CreationOptional<number>;
  declare outTradeNo: string;
  /** What the order pays for: ('appointment', id) today; the owning domain registers what a payment does to it. */
  declare subjectType: string;
  declare subjectId: number;
  declare userId: number;
  declare openid: string;
  declare amountFen: number;
  declare description: string;
  declare status: PayOrderStatus;
  declare prepayId: CreationOptional<string | null>;
  declare transactionId: CreationOptional<string | null>;
  declare timeExpire: Date;
  declare paidAt: CreationOptional<Date | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class PayRefund extends Model<InferAttributes<PayRefund>, InferCreationAttributes<PayRefund>> {
  declare id: CreationOptional<number>;
  declare outRefundNo: string;
  declare orderId: number;
  declare amountFen: number;
  declare reason: string | null;
  declare status: 'processing' | 'success' | 'failed';
  /**
   * How WeChat ended it when it failed, kept after a retry: 'closed' (the refund is over, the money stayed with the
   * merchant — retried under a new out_refund_no) or 'abnormal' (the money waits in WeChat's refund account for
   * 发起异常退款; it still counts as refunded).
   */
  declare failure: CreationOptional<'closed' | 'abnormal' | null>;
  /** A closed refund's retry: the out_refund_no that refunds its money again. */
  declare retriedBy: CreationOptional<string | null>;
  /**
   * An abnormal refund re-routed by 发起异常退款: USER_BANK_CARD (the payer's debit card) or MERCHANT_BANK_CARD (the
   * hospital's merchant account; staff then pay the patient by hand — see PayRefundPayout).
   */
  declare abnormalType: CreationOptional<'USER_BANK_CARD' | 'MERCHANT_BANK_CARD' | null>;
  /** WeChat's user_received_account once known (支付用户零钱, 招商银行借记卡0403 …). */
  declare receivedAccount: CreationOptional<string | null>;
  declare refundId: CreationOptional<string | null>;
  declare succeededAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/**
 * 登记线下支付: how a MERCHANT_BANK_CARD refund (its money back in the hospital's merchant account) was paid to the
 * patient by hand. One per refund (unique refund_id): the money of one refund is paid out once.
 */
export class PayRefundPayout extends Model<InferAttributes<PayRefundPayout>, InferCreationAttributes<PayRefundPayout>> {
  declare id: CreationOptional<number>;
  declare refundId: number;
  declare orderId: number;
  /** The refund's amount: what was paid out is all of it, never a part or more. */
  declare amountFen: number;
  declare method: OfflinePayoutMethod;
  /** The transfer's serial number, a receipt number … */
  declare reference: string | null;
  declare note: string | null;
  declare recordedBy: number;
  /** The staff member's name when recording (the log stays readable after an account is renamed or removed). */
  declare recordedByName: string;
  declare recordedAt: Date;
  /** 1 when recorded, +1 per 更正: a correction names the version it corrects (optimistic concurrency). */
  declare version: CreationOptional<number>;
}

/**
 * 更正 of an offline payout: the values it replaced and the ones it set (method, reference, note), why, who and when.
 * One per version of the payout (unique payout_id + version).
 */
export class PayRefundPayoutChange extends Model<
  InferAttributes<PayRefundPayoutChange>,
  InferCreationAttributes<PayRefundPayoutChange>
> {
  declare id: CreationOptional<number>;
  declare payoutId: number;
  declare refundId: number;
  /** The payout's version this correction made. */
  declare version: number;
  declare oldMethod: OfflinePayoutMethod;
  declare oldReference: string | null;
  declare oldNote: string | null;
  declare newMethod: OfflinePayoutMethod;
  declare newReference: string | null;
  declare newNote: string | null;
  declare reason: string;
  declare changedBy: number;
  declare changedByName: string;
  declare changedAt: Date;
}

export class PayNotification extends Model<InferAttributes<PayNotification>, InferCreationAttributes<PayNotification>> {
  declare id: string;
  declare eventType: string;
  declare outNo: string;
  declare createdAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
// Fresh objects per attribute: Sequelize writes the column name into the definition it is given.
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });

export function initPaymentModels(sequelize: Sequelize) {
  PayOrder.init(
    {
      id,
      outTradeNo: str(32),
      subjectType: { type: DataTypes.STRING(32), allowNull: false },
      subjectId: int(),
      userId: int(),
      openid: str(64),
      amountFen: int(),
      description: str(127),
      status: str(16),
      prepayId: DataTypes.STRING(64),
      transactionId: DataTypes.STRING(64),
      timeExpire: { type: DataTypes.DATE, allowNull: false },
      paidAt: DataTypes.DATE,
      closedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'pay_order', underscored: true },
  );
  PayRefund.init(
    {
      id,
      outRefundNo: str(64),
      orderId: int(),
      amountFen: int(),
      reason: DataTypes.STRING(80),
      status: str(16),
      failure: DataTypes.STRING(16),
      retriedBy: DataTypes.STRING(64),
      abnormalType: DataTypes.STRING(24),
      receivedAccount: DataTypes.STRING(64),
      refundId: DataTypes.STRING(64),
      succeededAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'pay_refund', underscored: true },
  );
  PayRefundPayout.init(
    {
      id,
      refundId: int(),
      orderId: int(),
      amountFen: int(),
      method: str(16),
      reference: DataTypes.STRING(64),
      note: DataTypes.STRING(200),
      recordedBy: int(),
      recordedByName: str(64),
      recordedAt: { type: DataTypes.DATE, allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    },
    { sequelize, tableName: 'pay_refund_payout', underscored: true, timestamps: false },
  );
  PayRefundPayoutChange.init(
    {
      id,
      payoutId: int(),
      refundId: int(),
      version: int(),
      oldMethod: str(16),
      oldReference: DataTypes.STRING(64),
      oldNote: DataTypes.STRING(200),
      newMethod: str(16),
      newReference: DataTypes.STRING(64),
      newNote: DataTypes.STRING(200),
      reason: str(60),
      changedBy: int(),
      changedByName: str(64),
      changedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'pay_refund_payout_change', underscored: true, timestamps: false },
  );
  PayNotification.init(
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      eventType: str(32),
      outNo: str(64),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'pay_notification', underscored: true, updatedAt: false },
  );
}
