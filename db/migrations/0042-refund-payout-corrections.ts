import { DataTypes, type QueryInterface } from 'sequelize';

const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });

/**
 * 收费管理 › 登记线下支付 › 更正: a recorded offline payout is corrected, never overwritten silently. The record gets a
 * version (a correction names the version it corrects; one made on an older version is refused, so of two staff
 * correcting at once neither loses the other's change unseen), and each correction is kept with the values it replaced
 * and the ones it set, why, who and when. Unique (payout, version): one correction per version, whatever races.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('pay_refund_payout', 'version', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.createTable('pay_refund_payout_change', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    payout_id: int(),
    refund_id: int(),
    /** the version this correction made (the one it corrected + 1) */
    version: int(),
    old_method: str(16),
    old_reference: str(64, true),
    old_note: str(200, true),
    new_method: str(16),
    new_reference: str(64, true),
    new_note: str(200, true),
    reason: str(60),
    changed_by: int(),
    changed_by_name: str(64),
    changed_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('pay_refund_payout_change', ['payout_id', 'version'], {
    unique: true,
    name: 'pay_refund_payout_change_version',
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('pay_refund_payout_change');
  await qi.removeColumn('pay_refund_payout', 'version');
}
