import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const text = (allowNull = true) => ({ type: DataTypes.TEXT, allowNull });

/**
 * Follow-up plans (issue 14): questionnaires, plans made from a visit, and one task per follow-up day. The
 * follow-ups of the old model (booking's follow_up: an appointment, a date, a text, a result) become a phone plan
 * with one task each, keeping their ids (so /booking/follow-ups/:id still names the same one). Their text is copied
 * in clear into legacy_* columns: the migrator knows no key, so the followup module encrypts them at start
 * (sealLegacyFollowUps) and clears those columns.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('followup_questionnaire', {
    id,
    title: str(100),
    description: str(500, true),
    questions: text(false),
    dept_id: int(true),
    created_by: int(),
    status: str(16),
    created_at: date(false),
    updated_at: date(false),
  });

  await qi.createTable('followup_plan', {
    id,
    appointment_id: int(),
    record_id: int(true),
    patient_id: int(),
    doctor_id: int(),
    dept_id: int(),
    type: str(16),
    questionnaire_id: int(true),
    schedule: str(100),
    content_enc: text(),
    legacy_content: text(),
    status: str(16),
    created_by: int(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('followup_plan', ['appointment_id']);
  await qi.addIndex('followup_plan', ['patient_id']);

  await qi.createTable('followup_task', {
    id,
    plan_id: int(),
    appointment_id: int(),
    patient_id: int(),
    doctor_id: int(),
    dept_id: int(),
    type: str(16),
    due_date: { type: DataTypes.DATEONLY, allowNull: false },
    status: str(16),
    questions: text(),
    questionnaire_title: str(100, true),
    answers_enc: text(),
    answered_at: date(),
    result_enc: text(),
    legacy_result: text(),
    done_at: date(),
    done_by: int(true),
    reminded_at: date(),
    created_at: date(false),
    updated_at: date(false),
  });
  // The console's views (due today, overdue, done) by physician or department, and the daily job's sweep.
  await qi.addIndex('followup_task', ['status', 'due_date']);
  await qi.addIndex('followup_task', ['doctor_id', 'due_date']);
  await qi.addIndex('followup_task', ['dept_id', 'due_date']);
  await qi.addIndex('followup_task', ['patient_id', 'due_date']);
  await qi.addIndex('followup_task', ['plan_id']);
  await qi.addIndex('followup_task', ['appointment_id']);

  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  await qi.sequelize.query(
    `INSERT INTO followup_plan (id, appointment_id, record_id, patient_id, doctor_id, dept_id, type, questionnaire_id,
       schedule, content_enc, legacy_content, status, created_by, created_at, updated_at)
     SELECT f.id, f.appointment_id, (SELECT MIN(v.id) FROM visit_record v WHERE v.appointment_id = f.appointment_id),
       a.patient_id, a.doctor_id, a.dept_id, 'phone', NULL, '指定日期', NULL, f.content,
       CASE WHEN f.status = 'cancelled' THEN 'cancelled' ELSE 'active' END, f.created_by, f.created_at, f.updated_at
     FROM follow_up f JOIN appointment a ON a.id = f.appointment_id`,
  );
  await qi.sequelize.query(
    `INSERT INTO followup_task (id, plan_id, appointment_id, patient_id, doctor_id, dept_id, type, due_date, status,
       legacy_result, done_at, done_by, created_at, updated_at)
     SELECT f.id, f.id, f.appointment_id, a.patient_id, a.doctor_id, a.dept_id, 'phone', f.plan_date,
       CASE WHEN f.status = 'planned' AND f.plan_date < :today THEN 'overdue' ELSE f.status END,
       f.result, CASE WHEN f.status = 'done' THEN f.updated_at END, CASE WHEN f.status = 'done' THEN f.created_by END,
       f.created_at, f.updated_at
     FROM follow_up f JOIN appointment a ON a.id = f.appointment_id`,
    { replacements: { today } },
  );
  await qi.dropTable('follow_up');
  // 随访管理 is now the followup module's page (same menu entry, new component), so the grants admins made stay.
  await qi.sequelize.query(
    `UPDATE sys_menu SET component = 'followup/manage/index' WHERE component = 'booking/followup/index'`,
  );
}

/** Back to booking's follow_up: dates, states and clear-text results survive; text already encrypted does not. */
export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('follow_up', {
    id,
    appointment_id: int(),
    plan_date: { type: DataTypes.DATEONLY, allowNull: false },
    content: str(500),
    result: str(500, true),
    status: str(16),
    created_by: int(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('follow_up', ['appointment_id']);
  const rows = await qi.sequelize.query<Record<string, unknown>>(
    `SELECT t.id, t.appointment_id, t.due_date, p.legacy_content, t.legacy_result, t.status, p.created_by,
       t.created_at, t.updated_at
     FROM followup_task t JOIN followup_plan p ON p.id = t.plan_id`,
    { type: QueryTypes.SELECT },
  );
  if (rows.length)
    await qi.bulkInsert(
      'follow_up',
      rows.map((r) => ({
        id: r.id,
        appointment_id: r.appointment_id,
        plan_date: r.due_date,
        content: ((r.legacy_content as string | null) ?? '（内容已加密，回退后不可读）').slice(0, 500),
        result: (r.legacy_result as string | null)?.slice(0, 500) ?? null,
        status: r.status === 'overdue' ? 'planned' : r.status,
        created_by: r.created_by,
        created_at: r.created_at,
        updated_at: r.updated_at,
      })),
    );
  await qi.sequelize.query(
    `UPDATE sys_menu SET component = 'booking/followup/index' WHERE component = 'followup/manage/index'`,
  );
  for (const t of ['followup_task', 'followup_plan', 'followup_questionnaire']) await qi.dropTable(t);
}
