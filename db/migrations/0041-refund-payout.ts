import { DataTypes, type QueryInterface } from 'sequelize';

const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });

/**
 * 收费管理 › 登记线下支付: an abnormal refund re-routed to the hospital's own merchant account (发起异常退款
 * MERCHANT_BANK_CARD) is paid to the patient by hand, and that payout is recorded here — once per refund (the unique
 * index is what makes two staff recording it at the same moment end with one record), with how, its reference, a
 * note, who recorded it and when.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('pay_refund_payout', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    refund_id: int(),
    order_id: int(),
    amount_fen: int(),
    method: str(16),
    reference: str(64, true),
    note: str(200, true),
    recorded_by: int(),
    recorded_by_name: str(64),
    recorded_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('pay_refund_payout', ['refund_id'], { unique: true, name: 'pay_refund_payout_refund' });
  await qi.addIndex('pay_refund_payout', ['order_id'], { name: 'pay_refund_payout_order' });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('pay_refund_payout');
}
