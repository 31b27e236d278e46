import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

/** Records, issue 14 continued: test and examination reports of a visit, and visit record templates per department. */
export async function up({ context: qi }: { context: QueryInterface }) {
  // A report is medical data: its title, values and conclusion are one encrypted JSON document (data_enc); a file
  // it carries is a private stored_file (never served by the public /files route).
  await qi.createTable('visit_report', {
    id,
    record_id: int(),
    patient_id: int(),
    kind: str(16),
    data_enc: { type: DataTypes.TEXT, allowNull: false },
    file_id: str(36, true),
    created_by: int(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('visit_report', ['record_id']);
  await qi.addIndex('visit_report', ['patient_id']);

  // Templates hold no patient's data: plain JSON, one name per department.
  await qi.createTable('visit_template', {
    id,
    dept_id: int(),
    name: str(64),
    content: { type: DataTypes.TEXT, allowNull: false },
    created_by: int(),
    updated_by: int(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('visit_template', ['dept_id', 'name'], { unique: true, name: 'visit_template_dept_name' });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('visit_template');
  await qi.dropTable('visit_report');
}
