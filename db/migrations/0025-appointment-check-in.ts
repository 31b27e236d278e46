import { DataTypes, type QueryInterface } from 'sequelize';

/** E-ticket check-in (issue 15): when the patient's ticket was scanned at the clinic, and by whom. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('appointment', 'checked_in_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('appointment', 'checked_in_by', { type: DataTypes.INTEGER, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.query('ALTER TABLE appointment DROP COLUMN checked_in_at');
  await qi.sequelize.query('ALTER TABLE appointment DROP COLUMN checked_in_by');
}
