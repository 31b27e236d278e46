import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Reports are corrected and withdrawn, never erased (medical data): a correction makes the report's next version and
 * keeps the one it replaces in visit_report_version (its document, its file, who wrote it, when, and why); a
 * withdrawal hides the report with who, when and why, the row and its file kept.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.addColumn('visit_report', 'version', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.addColumn('visit_report', 'updated_by', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('visit_report', 'reason', { type: DataTypes.STRING(500), allowNull: true });
  await qi.addColumn('visit_report', 'deleted_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('visit_report', 'deleted_by', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addColumn('visit_report', 'delete_reason', { type: DataTypes.STRING(500), allowNull: true });
  await qi.createTable('visit_report_version', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    report_id: { type: DataTypes.INTEGER, allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    data_enc: { type: DataTypes.TEXT, allowNull: false },
    file_id: { type: DataTypes.STRING(36), allowNull: true },
    written_by: { type: DataTypes.INTEGER, allowNull: false },
    written_at: { type: DataTypes.DATE, allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('visit_report_version', ['report_id', 'version'], {
    unique: true,
    name: 'visit_report_version_report_version',
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('visit_report_version');
  for (const c of ['delete_reason', 'deleted_by', 'deleted_at', 'reason', 'updated_by', 'version'])
    await qi.removeColumn('visit_report', c);
}
