import { DataTypes, type QueryInterface } from 'sequelize';

// Written against QueryInterface only, so it runs the same on MySQL/MariaDB and SQLite.
const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const createdAt = { type: DataTypes.DATE, allowNull: false };
const stamps = { created_at: createdAt, updated_at: { type: DataTypes.DATE, allowNull: false } };
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const status = { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' };
const order_num = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };
const bool = (d: boolean) => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue: d });

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('sys_dept', {
    id,
    parent_id: int(true),
    path: str(500),
    name: str(50),
    type: str(16),
    order_num,
    leader: str(32, true),
    phone: str(32, true),
    status,
    ...stamps,
  });
  await qi.addIndex('sys_dept', ['parent_id']);
  await qi.addIndex('sys_dept', ['path']);

  await qi.createTable('sys_post', { id, code: str(32), name: str(50), order_num, status, ...stamps });
  await qi.addIndex('sys_post', ['code'], { unique: true });

  await qi.createTable('sys_user', {
    id,
    username: str(32),
    name: str(32),
    dept_id: int(true),
    post_id: int(true),
    phone_enc: { type: DataTypes.TEXT, allowNull: true },
    phone_hash: str(64, true),
    email: str(128, true),
    password_hash: str(255),
    status: str(16),
    failed_logins: { ...int(), defaultValue: 0 },
    locked_until: { type: DataTypes.DATE, allowNull: true },
    must_change_password: bool(false),
    mp_user_id: int(true),
    ...stamps,
  });
  await qi.addIndex('sys_user', ['username'], { unique: true });
  await qi.addIndex('sys_user', ['dept_id']);
  await qi.addIndex('sys_user', ['phone_hash']);
  await qi.addIndex('sys_user', ['mp_user_id']);

  await qi.createTable('doctor_profile', {
    user_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    specialty: str(200, true),
    intro: { type: DataTypes.TEXT, allowNull: true },
    avatar_url: str(512, true),
    ...stamps,
  });

  await qi.createTable('sys_role', {
    id,
    key: str(32),
    name: str(32),
    order_num,
    data_scope: str(24),
    status,
    builtin: bool(false),
    ...stamps,
  });
  await qi.addIndex('sys_role', ['key'], { unique: true });

  await qi.createTable('sys_menu', {
    id,
    parent_id: int(true),
    name: str(50),
    type: str(1),
    path: str(200, true),
    component: str(200, true),
    perms: str(100, true),
    icon: str(64, true),
    order_num,
    visible: bool(true),
    status,
    ...stamps,
  });
  await qi.addIndex('sys_menu', ['parent_id']);

  for (const [table, a, b] of [
    ['sys_role_menu', 'role_id', 'menu_id'],
    ['sys_role_dept', 'role_id', 'dept_id'],
    ['sys_user_role', 'user_id', 'role_id'],
  ] as const) {
    await qi.createTable(table, {
      [a]: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      [b]: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
    });
    await qi.addIndex(table, [b]);
  }

  await qi.createTable('sys_dict_type', {
    id,
    type: str(64),
    name: str(64),
    status,
    remark: str(255, true),
    ...stamps,
  });
  await qi.addIndex('sys_dict_type', ['type'], { unique: true });
  await qi.createTable('sys_dict_item', {
    id,
    dict_type: str(64),
    label: str(64),
    value: str(64),
    order_num,
    css_class: str(32, true),
    status,
    ...stamps,
  });
  await qi.addIndex('sys_dict_item', ['dict_type', 'value'], { unique: true });

  await qi.createTable('sys_staff_application', {
    id,
    mp_user_id: int(),
    user_id: int(true),
    username: str(32),
    name: str(32),
    dept_id: int(),
    post_id: int(true),
    status: str(16),
    reason: str(255, true),
    reviewed_by: int(true),
    reviewed_at: { type: DataTypes.DATE, allowNull: true },
    ...stamps,
  });
  await qi.addIndex('sys_staff_application', ['mp_user_id']);
  await qi.addIndex('sys_staff_application', ['status']);

  await qi.createTable('sys_session', {
    id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    user_id: int(),
    ip: str(64, true),
    user_agent: str(255, true),
    created_at: createdAt,
    last_seen_at: { type: DataTypes.DATE, allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    revoked_at: { type: DataTypes.DATE, allowNull: true },
    revoke_reason: str(32, true),
  });
  await qi.addIndex('sys_session', ['user_id']);
  await qi.addIndex('sys_session', ['revoked_at', 'expires_at']);

  await qi.createTable('auth_refresh_token', {
    id,
    token_hash: str(64),
    subject_type: str(8),
    subject_id: int(),
    family_id: str(36),
    expires_at: { type: DataTypes.DATE, allowNull: false },
    used_at: { type: DataTypes.DATE, allowNull: true },
    revoked_at: { type: DataTypes.DATE, allowNull: true },
    created_at: createdAt,
  });
  await qi.addIndex('auth_refresh_token', ['token_hash'], { unique: true });
  await qi.addIndex('auth_refresh_token', ['family_id']);

  await qi.createTable('sys_login_log', {
    id,
    username: str(64),
    user_id: int(true),
    ip: str(64, true),
    user_agent: str(255, true),
    status: str(16),
    message: str(255),
    created_at: createdAt,
  });
  await qi.addIndex('sys_login_log', ['username', 'created_at']);
  await qi.addIndex('sys_login_log', ['created_at']);

  await qi.createTable('sys_oper_log', {
    id,
    user_id: int(true),
    username: str(64, true),
    module: str(32),
    action: str(64),
    method: str(8),
    path: str(255),
    target: str(128, true),
    params: { type: DataTypes.TEXT, allowNull: true },
    status: str(8),
    error_code: str(64, true),
    ip: str(64, true),
    duration_ms: int(),
    created_at: createdAt,
  });
  await qi.addIndex('sys_oper_log', ['created_at']);
  await qi.addIndex('sys_oper_log', ['user_id']);

  await qi.createTable('mp_user', {
    id,
    openid: str(64),
    unionid: str(64, true),
    session_key_enc: { type: DataTypes.TEXT, allowNull: true },
    nickname: str(64, true),
    avatar_url: str(512, true),
    phone_enc: { type: DataTypes.TEXT, allowNull: true },
    phone_hash: str(64, true),
    ...stamps,
  });
  await qi.addIndex('mp_user', ['openid'], { unique: true });

  await qi.createTable('mp_patient', {
    id,
    user_id: int(),
    name: str(32),
    id_card_enc: { type: DataTypes.TEXT, allowNull: false },
    id_card_hash: str(64),
    phone_enc: { type: DataTypes.TEXT, allowNull: false },
    phone_hash: str(64),
    relation: str(16),
    gender: str(1),
    birth_date: { type: DataTypes.DATEONLY, allowNull: false },
    is_default: bool(false),
    ...stamps,
  });
  await qi.addIndex('mp_patient', ['user_id', 'id_card_hash'], { unique: true });
  await qi.addIndex('mp_patient', ['id_card_hash']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const t of [
    'mp_patient',
    'mp_user',
    'sys_oper_log',
    'sys_login_log',
    'auth_refresh_token',
    'sys_session',
    'sys_staff_application',
    'sys_dict_item',
    'sys_dict_type',
    'sys_user_role',
    'sys_role_dept',
    'sys_role_menu',
    'sys_menu',
    'sys_role',
    'sys_user',
    'doctor_profile',
    'sys_post',
    'sys_dept',
  ])
    await qi.dropTable(t);
}
