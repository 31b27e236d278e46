import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const counter = () => ({ ...int(), defaultValue: 0 });
const text = () => ({ type: DataTypes.TEXT('medium'), allowNull: false });

export async function up({ context: qi }: { context: QueryInterface }) {
  // Uploads (kernel files): the row says what the bytes under DATA_DIR/uploads are; the id is the public name.
  await qi.createTable('stored_file', {
    id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
    kind: str(16),
    mime: str(64),
    ext: str(16),
    size: { type: DataTypes.BIGINT, allowNull: false },
    original_name: str(255, true),
    uploader_id: int(),
    created_at: date(false),
  });

  await qi.createTable('edu_content', {
    id,
    kind: str(16),
    title: str(100),
    summary: { ...str(300), defaultValue: '' },
    cover_url: str(255, true),
    body: text(),
    video_url: str(500, true),
    duration_sec: int(true),
    dept_id: int(),
    tags: { ...str(255), defaultValue: '' },
    status: { ...str(16), defaultValue: 'draft' },
    author_id: int(),
    reviewer_id: int(true),
    reviewed_at: date(),
    published_at: date(),
    version: { ...int(), defaultValue: 1 },
    read_count: counter(),
    like_count: counter(),
    comment_count: counter(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('edu_content', ['status', 'published_at']);
  await qi.addIndex('edu_content', ['dept_id', 'status']);
  await qi.addIndex('edu_content', ['author_id']);

  await qi.createTable('edu_revision', {
    id,
    content_id: int(),
    version: int(),
    action: str(16),
    title: str(100),
    summary: { ...str(300), defaultValue: '' },
    body: text(),
    editor_id: int(),
    created_at: date(false),
  });
  await qi.addIndex('edu_revision', ['content_id', 'version']);

  // One like per patient and item: the unique key holds it when two taps race.
  await qi.createTable('edu_like', { id, content_id: int(), user_id: int(), created_at: date(false) });
  await qi.addIndex('edu_like', ['content_id', 'user_id'], { unique: true, name: 'edu_like_content_user' });

  await qi.createTable('edu_comment', {
    id,
    content_id: int(),
    user_id: int(),
    text: str(500),
    status: str(16),
    held_for: str(255, true),
    reply: str(500, true),
    replied_by: int(true),
    replied_at: date(),
    deleted_at: date(),
    deleted_by: int(true),
    created_at: date(false),
  });
  await qi.addIndex('edu_comment', ['content_id', 'status', 'created_at']);
  await qi.addIndex('edu_comment', ['created_at']);

  await qi.createTable('edu_sensitive_word', {
    id,
    word: str(64),
    action: str(16),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('edu_sensitive_word', ['word'], { unique: true, name: 'edu_sensitive_word_word' });

  await qi.createTable('edu_prescription', {
    id,
    appointment_id: int(),
    user_id: int(),
    patient_id: int(),
    content_id: int(),
    doctor_id: int(),
    read_at: date(),
    created_at: date(false),
  });
  await qi.addIndex('edu_prescription', ['appointment_id', 'content_id'], {
    unique: true,
    name: 'edu_prescription_appointment_content',
  });
  await qi.addIndex('edu_prescription', ['user_id', 'created_at']);

  await qi.createTable('learning_task', {
    id,
    title: str(100),
    description: { ...str(1000), defaultValue: '' },
    deadline: { type: DataTypes.DATEONLY, allowNull: false },
    creator_id: int(),
    creator_dept_id: int(true),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.createTable('learning_task_dept', {
    task_id: { ...int(), primaryKey: true },
    dept_id: { ...int(), primaryKey: true },
  });
  await qi.addIndex('learning_task_dept', ['dept_id']);
  await qi.createTable('learning_task_item', {
    task_id: { ...int(), primaryKey: true },
    content_id: { ...int(), primaryKey: true },
    order_num: int(),
  });
  await qi.createTable('learning_progress', {
    id,
    user_id: int(),
    content_id: int(),
    opened_at: date(false),
    last_position: counter(),
    last_report_at: date(),
    watched: { ...str(1000), defaultValue: '' },
    percent: counter(),
    completed_at: date(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('learning_progress', ['user_id', 'content_id'], {
    unique: true,
    name: 'learning_progress_user_content',
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const t of [
    'learning_progress',
    'learning_task_item',
    'learning_task_dept',
    'learning_task',
    'edu_prescription',
    'edu_sensitive_word',
    'edu_comment',
    'edu_like',
    'edu_revision',
    'edu_content',
    'stored_file',
  ])
    await qi.dropTable(t);
}
