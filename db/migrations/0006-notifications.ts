import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  // A notice deep-links to its subject (an appointment today; a consultation or a record next).
  await qi.addColumn('patient_notice', 'link_type', str(32, true));
  await qi.addColumn('patient_notice', 'link_id', str(64, true));

  // One-time subscribe messages are a quota: one row per patient and template, spent with a conditional decrement.
  await qi.createTable('notification_subscription', {
    id,
    user_id: int(),
    template_id: str(64),
    remaining: { ...int(), defaultValue: 0 },
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('notification_subscription', ['user_id', 'template_id'], {
    unique: true,
    name: 'notification_subscription_user_template',
  });

  // Reads of patients' medical data by staff: append-only (the application never updates or deletes a row). One row
  // per patient per request: "who saw patient X" is an index lookup; request_id groups the rows of one list page.
  await qi.createTable('data_access_log', {
    id: { ...id, type: DataTypes.BIGINT },
    request_id: str(64),
    actor_id: int(),
    actor_name: str(64),
    actor_roles: str(255),
    what: str(64),
    patient_id: int(true),
    subject_type: str(32),
    subject_ids: { type: DataTypes.TEXT, allowNull: false },
    ip: str(64, true),
    created_at: date(false),
  });
  await qi.addIndex('data_access_log', ['created_at']);
  await qi.addIndex('data_access_log', ['patient_id', 'created_at']);
  await qi.addIndex('data_access_log', ['actor_id', 'created_at']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('data_access_log');
  await qi.dropTable('notification_subscription');
  // Plain SQL (SQLite 3.35+ and MariaDB): Sequelize's SQLite removeColumn rebuilds the table and drops its indexes.
  await qi.sequelize.query('ALTER TABLE patient_notice DROP COLUMN link_type');
  await qi.sequelize.query('ALTER TABLE patient_notice DROP COLUMN link_id');
}
