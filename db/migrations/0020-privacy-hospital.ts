import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  // Consents of a mini-program user, append-only: each grant or withdrawal is a row with the document version and
  // time (PIPL: consent must be provable; sensitive personal information — ID numbers, health data — needs its own).
  await qi.createTable('mp_consent', {
    id,
    user_id: int(),
    kind: str(32),
    version: str(16),
    granted: { type: DataTypes.BOOLEAN, allowNull: false },
    ip: str(64, true),
    created_at: date(false),
  });
  await qi.addIndex('mp_consent', ['user_id', 'kind', 'id']);

  // 注销账号: the account row stays (appointments, records and orders keep their owner) but is anonymised.
  await qi.addColumn('mp_user', 'deleted_at', date(true));

  // 通知公告 (RuoYi's sys_notice): announcements the hospital publishes on the mini-program's home page.
  await qi.createTable('sys_notice', {
    id,
    title: str(64),
    type: str(16),
    content: { type: DataTypes.TEXT, allowNull: false },
    status: str(16),
    pinned: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    created_by: str(64),
    published_at: date(true),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('sys_notice', ['status', 'pinned', 'published_at']);

  // The day-before visit reminder, once per appointment: the primary key makes a second send impossible.
  await qi.createTable('appointment_reminder', {
    appointment_id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    sent_at: date(false),
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('appointment_reminder');
  await qi.dropTable('sys_notice');
  // Plain SQL (SQLite 3.35+ and MariaDB): Sequelize's SQLite removeColumn rebuilds the table and drops its indexes.
  await qi.sequelize.query('ALTER TABLE mp_user DROP COLUMN deleted_at');
  await qi.dropTable('mp_consent');
}
