import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Failed refunds are retried (issue 15, 收费管理): how WeChat ended a failed refund (CLOSED / ABNORMAL), the refund
 * that retried a closed one, how an abnormal one was re-routed, and where the money landed.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('pay_refund', 'failure', { type: DataTypes.STRING(16), allowNull: true });
  await qi.addColumn('pay_refund', 'retried_by', { type: DataTypes.STRING(64), allowNull: true });
  await qi.addColumn('pay_refund', 'abnormal_type', { type: DataTypes.STRING(24), allowNull: true });
  await qi.addColumn('pay_refund', 'received_account', { type: DataTypes.STRING(64), allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const c of ['failure', 'retried_by', 'abnormal_type', 'received_account'])
    await qi.sequelize.query(`ALTER TABLE pay_refund DROP COLUMN ${c}`);
}
