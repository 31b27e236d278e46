import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type ReconStatus = 'balanced' | 'differences' | 'no_bill' | 'failed';
/**
 * missing_local: WeChat's bill has it, our books don't (or not as paid/refunded); missing_bill: ours, not in WeChat's
 * bill; amount_mismatch: both, different amounts. Each for a payment (trade) or a refund.
 */
export type DiffKind =
  | 'trade_missing_local'
  | 'trade_missing_bill'
  | 'trade_amount_mismatch'
  | 'refund_missing_local'
  | 'refund_missing_bill'
  | 'refund_amount_mismatch';

/** One bill day (Asia/Shanghai): WeChat Pay's trade bill set beside our orders and refunds of that day. */
export class PayReconciliation extends Model<
  InferAttributes<PayReconciliation>,
  InferCreationAttributes<PayReconciliation>
> {
  declare id: CreationOptional<number>;
  declare billDate: string;
  declare status: ReconStatus;
  declare billTrades: number;
  declare billTradeFen: number;
  declare billRefunds: number;
  declare billRefundFen: number;
  declare ourTrades: number;
  declare ourTradeFen: number;
  declare ourRefunds: number;
  declare ourRefundFen: number;
  declare diffCount: number;
  declare error: string | null;
  declare runBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class PayReconciliationDiff extends Model<
  InferAttributes<PayReconciliationDiff>,
  InferCreationAttributes<PayReconciliationDiff>
> {
  declare id: CreationOptional<number>;
  declare reconciliationId: number;
  declare kind: DiffKind;
  declare outTradeNo: string;
  declare outRefundNo: string | null;
  declare ourFen: number | null;
  declare billFen: number | null;
  declare ourStatus: string | null;
  declare billStatus: string | null;
  declare createdAt: CreationOptional<Date>;
}

export function initReconModels(sequelize: Sequelize) {
  const int = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  // BIGINT comes back as a string from mysql2: read it as a number (fen sums stay far below 2^53)
  const big = (key: string) => ({
    type: DataTypes.BIGINT,
    allowNull: false,
    defaultValue: 0,
    get(this: Model) {
      return Number(this.getDataValue(key as never));
    },
  });
  PayReconciliation.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      billDate: { type: DataTypes.DATEONLY, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      billTrades: int(),
      billTradeFen: big('billTradeFen'),
      billRefunds: int(),
      billRefundFen: big('billRefundFen'),
      ourTrades: int(),
      ourTradeFen: big('ourTradeFen'),
      ourRefunds: int(),
      ourRefundFen: big('ourRefundFen'),
      diffCount: int(),
      error: DataTypes.STRING(255),
      runBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'pay_reconciliation', underscored: true },
  );
  PayReconciliationDiff.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      reconciliationId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(24), allowNull: false },
      outTradeNo: { type: DataTypes.STRING(32), allowNull: false },
      outRefundNo: DataTypes.STRING(64),
      ourFen: DataTypes.INTEGER,
      billFen: DataTypes.INTEGER,
      ourStatus: DataTypes.STRING(16),
      billStatus: DataTypes.STRING(16),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'pay_reconciliation_diff', underscored: true, updatedAt: false },
  );
}
