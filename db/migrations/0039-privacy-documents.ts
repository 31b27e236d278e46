import { DataTypes, type QueryInterface } from 'sequelize';

const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });

export async function up({ context: qi }: { context: QueryInterface }) {
  // The privacy policy, user agreement and the two separate consents, edited and published in the console (系统管理 ›
  // 协议管理) rather than in code. Every version is kept; one published per kind; consents name the version agreed to.
  await qi.createTable('privacy_document', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    kind: str(32),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    version: str(16),
    title: str(64),
    purpose: str(128),
    body: { type: DataTypes.TEXT, allowNull: false },
    status: str(16),
    created_by: str(64),
    published_by: str(64, true),
    published_at: date(true),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('privacy_document', ['kind', 'seq'], { unique: true });
  await qi.addIndex('privacy_document', ['kind', 'status']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.dropTable('privacy_document');
}
