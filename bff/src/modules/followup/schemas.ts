import { z } from 'zod';
import { PageQuery, pageOf } from '../../http/schemas';
import { FOLLOWUP_STATUSES, FOLLOWUP_TYPES, MAX_FOLLOWUPS_PER_PLAN, QUESTION_TYPES } from '../../shared/followup';

const text = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字`);

// ---- questionnaires ----
export const Question = z
  .strictObject({
    key: z.string().regex(/^[a-z0-9_]{1,20}$/, '题目标识只能是小写字母、数字和下划线'),
    type: z.enum(QUESTION_TYPES),
    title: text(200).min(1, '请填写题目'),
    required: z.boolean().default(true),
    options: z.array(text(50).min(1, '选项不能为空')).max(20).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    unit: text(10).optional(),
  })
  .superRefine((q, ctx) => {
    const choice = q.type === 'single' || q.type === 'multiple';
    if (choice && (!q.options || q.options.length < 2))
      ctx.addIssue({ code: 'custom', path: ['options'], message: '选择题至少需要两个选项' });
    if (choice && q.options && new Set(q.options).size !== q.options.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: '选项不能重复' });
    if (!choice && q.options?.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: '只有选择题可以设置选项' });
    if (q.min !== undefined && q.max !== undefined && q.min > q.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: '最大值不能小于最小值' });
  });
export const QuestionnaireBody = z
  .strictObject({
    title: text(100).min(2, '请填写问卷标题'),
    description: text(500).nullable().default(null),
    questions: z.array(Question).min(1, '至少需要一道题').max(50),
  })
  .refine((v) => new Set(v.questions.map((q) => q.key)).size === v.questions.length, {
    path: ['questions'],
    message: '题目标识不能重复',
  });
export const QuestionnaireStatusBody = z.strictObject({ status: z.enum(['active', 'disabled']) });
const QuestionOut = z.object({
  key: z.string(),
  type: z.enum(QUESTION_TYPES),
  title: z.string(),
  required: z.boolean(),
  options: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  unit: z.string().optional(),
});
export const Questionnaire = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  questions: z.array(QuestionOut),
  deptId: z.number().int().nullable(),
  createdBy: z.number().int(),
  status: z.enum(['active', 'disabled']),
  updatedAt: z.date(),
});
export const QuestionnaireQuery = PageQuery.extend({
  keyword: z.string().trim().max(50).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export const QuestionnairePage = pageOf(Questionnaire);

// ---- plans ----
export const PlanBody = z
  .strictObject({
    appointmentId: z.number().int().positive(),
    type: z.enum(FOLLOWUP_TYPES),
    content: text(500).min(2, '请填写随访内容'),
    questionnaireId: z.number().int().positive().optional(),
    /** Either explicit dates … */
    dates: z.array(z.iso.date()).min(1).max(MAX_FOLLOWUPS_PER_PLAN).optional(),
    /** … or a rule: every `everyDays` days for `months` months, from `startDate` (default: the visit's day). */
    rule: z
      .strictObject({
        everyDays: z.number().int().min(1).max(365),
        months: z.number().int().min(1).max(24),
        startDate: z.iso.date().optional(),
      })
      .optional(),
  })
  .refine((v) => !!v.dates !== !!v.rule, { message: '请指定随访日期或随访规则（二选一）', path: ['dates'] })
  .refine((v) => (v.type === 'questionnaire') === !!v.questionnaireId, {
    message: '问卷随访需要选择问卷（其他类型不需要）',
    path: ['questionnaireId'],
  });

const TaskBase = z.object({
  id: z.number().int(),
  planId: z.number().int(),
  type: z.enum(FOLLOWUP_TYPES),
  dueDate: z.string(),
  status: z.enum(FOLLOWUP_STATUSES),
  questionnaireTitle: z.string().nullable(),
  answeredAt: z.date().nullable(),
  doneAt: z.date().nullable(),
});
export const Plan = z.object({
  id: z.number().int(),
  appointmentId: z.number().int(),
  recordId: z.number().int().nullable(),
  patientId: z.number().int(),
  patientName: z.string(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  deptName: z.string(),
  type: z.enum(FOLLOWUP_TYPES),
  questionnaireId: z.number().int().nullable(),
  schedule: z.string(),
  content: z.string(),
  status: z.enum(['active', 'cancelled']),
  createdAt: z.date(),
  tasks: z.array(TaskBase.extend({ result: z.string().nullable() })),
});

export const TaskView = z.enum(['today', 'overdue', 'planned', 'done', 'all']);
export const TaskQuery = PageQuery.extend({
  view: TaskView.default('all'),
  type: z.enum(FOLLOWUP_TYPES).optional(),
  deptId: z.coerce.number().int().positive().optional(),
  doctorId: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  patientName: z.string().trim().max(20).optional(),
});
export const TaskRow = TaskBase.extend({
  appointmentId: z.number().int(),
  appointmentNo: z.string(),
  clinicDate: z.string(),
  patientId: z.number().int(),
  patientName: z.string(),
  patientPhoneMasked: z.string(),
  doctorId: z.number().int(),
  doctorName: z.string(),
  deptId: z.number().int(),
  deptName: z.string(),
  content: z.string(),
  result: z.string().nullable(),
});
export const TaskPage = pageOf(TaskRow).extend({
  counts: z.object({ today: z.number().int(), overdue: z.number().int(), done: z.number().int() }),
});
export const Answer = z.object({
  key: z.string(),
  title: z.string(),
  type: z.enum(QUESTION_TYPES),
  value: z.union([z.string(), z.number(), z.array(z.string())]).nullable(),
  text: z.string(),
});
export const TaskDetail = TaskRow.extend({
  questions: z.array(QuestionOut),
  answers: z.array(Answer).nullable(),
  doneByName: z.string().nullable(),
});
export const ResultBody = z.strictObject({
  result: text(500).min(2, '请填写随访结果'),
  /** done: the follow-up happened; the result says how it went (电话未接通 can be recorded and left open). */
  done: z.boolean().default(true),
});

// ---- mini-program ----
export const PatientParams = z.object({ patientId: z.coerce.number().int().positive() });
export const MpTask = TaskBase.extend({ answerable: z.boolean() });
export const MpPlan = z.object({
  id: z.number().int(),
  type: z.enum(FOLLOWUP_TYPES),
  doctorName: z.string(),
  deptName: z.string(),
  clinicDate: z.string(),
  schedule: z.string(),
  content: z.string(),
  status: z.enum(['active', 'cancelled']),
  tasks: z.array(MpTask),
});
export const MpTaskDetail = MpTask.extend({
  content: z.string(),
  doctorName: z.string(),
  deptName: z.string(),
  questions: z.array(QuestionOut),
  answers: z.array(Answer).nullable(),
});
export const AnswerBody = z.strictObject({
  answers: z.record(
    z.string().regex(/^[a-z0-9_]{1,20}$/),
    z.union([z.string().max(500), z.number(), z.array(z.string().max(50)).max(20)]).nullable(),
  ),
});

// ---- the old follow-ups of an appointment (booking's API, kept) ----
export const LegacyFollowUp = z.object({
  id: z.number().int(),
  appointmentId: z.number().int(),
  planDate: z.string(),
  content: z.string(),
  result: z.string().nullable(),
  status: z.enum(FOLLOWUP_STATUSES),
  type: z.enum(FOLLOWUP_TYPES),
  createdBy: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const LegacyCreate = z.strictObject({ planDate: z.iso.date(), content: text(500).min(2) });
export const LegacyUpdate = z
  .strictObject({
    planDate: z.iso.date().optional(),
    content: text(500).min(2).optional(),
    result: text(500).nullable().optional(),
    status: z.enum(['planned', 'done', 'cancelled']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export const LegacyQuery = PageQuery.extend({
  status: z.enum(FOLLOWUP_STATUSES).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export const LegacyPage = pageOf(
  LegacyFollowUp.extend({
    appointmentNo: z.string(),
    deptName: z.string(),
    patientName: z.string(),
    doctorName: z.string(),
    clinicDate: z.string(),
  }),
);
