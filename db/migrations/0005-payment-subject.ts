import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * A payment order belongs to a subject — (type, id) — rather than to an appointment: consultation fees and service
 * packages are paid through the same orders. Existing orders are all appointment orders. appointment_id is dropped
 * (no code reads it any more), so no second source of truth is left to drift.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('pay_order', 'subject_type', {
    type: DataTypes.STRING(32),
    allowNull: false,
    defaultValue: 'appointment',
  });
  await qi.addColumn('pay_order', 'subject_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.sequelize.query('UPDATE pay_order SET subject_id = appointment_id');
  await qi.addIndex('pay_order', ['subject_type', 'subject_id'], { name: 'pay_order_subject' });
  // Plain SQL (SQLite 3.35+ and MariaDB): Sequelize's SQLite removeColumn rebuilds the table and drops its indexes.
  // SQLite refuses to drop an indexed column, so its index goes first.
  await qi.removeIndex('pay_order', ['appointment_id']);
  await qi.sequelize.query('ALTER TABLE pay_order DROP COLUMN appointment_id');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('pay_order', 'appointment_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.sequelize.query(`UPDATE pay_order SET appointment_id = subject_id WHERE subject_type = 'appointment'`);
  await qi.addIndex('pay_order', ['appointment_id']);
  await qi.removeIndex('pay_order', 'pay_order_subject');
  await qi.sequelize.query('ALTER TABLE pay_order DROP COLUMN subject_id');
  await qi.sequelize.query('ALTER TABLE pay_order DROP COLUMN subject_type');
}
