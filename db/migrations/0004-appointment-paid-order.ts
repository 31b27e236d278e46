import { DataTypes, type QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }) {
  // The order whose payment the booking stands on. Any other paid order of the appointment is a duplicate
  // payment and is refunded in full. Existing paid appointments stand on their first paid order; a second one
  // (possible before one live order per appointment) is then found and refunded by the reconciliation job.
  await qi.addColumn('appointment', 'paid_order_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.sequelize.query(
    `UPDATE appointment SET paid_order_id = (SELECT MIN(o.id) FROM pay_order o WHERE o.appointment_id = appointment.id AND o.status IN ('paid', 'refunding', 'refunded'))
     WHERE paid_at IS NOT NULL`,
  );
}

export async function down({ context: qi }: { context: QueryInterface }) {
  // Plain SQL (SQLite 3.35+ and MariaDB): Sequelize's SQLite removeColumn rebuilds the table and drops its indexes.
  await qi.sequelize.query('ALTER TABLE appointment DROP COLUMN paid_order_id');
}
