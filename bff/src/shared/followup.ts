/**
 * Follow-up (随访) wording and rules shared by the BFF, the console and the mini-program: the kinds of follow-up,
 * the states of one follow-up, the question types of a questionnaire, the dates a rule gives, and what a valid
 * answer to a question is.
 */
import { addDays } from './time';

export const FOLLOWUP_TYPES = ['phone', 'return_visit', 'questionnaire'] as const;
export type FollowupType = (typeof FOLLOWUP_TYPES)[number];
export const FOLLOWUP_TYPE_LABEL: Record<FollowupType, string> = {
  phone: '电话随访',
  return_visit: '复诊随访',
  questionnaire: '问卷随访',
};

/** planned (not yet due or due today) → done; a planned one whose day has passed is marked overdue by the daily job. */
export const FOLLOWUP_STATUSES = ['planned', 'overdue', 'done', 'cancelled'] as const;
export type FollowupStatus = (typeof FOLLOWUP_STATUSES)[number];
export const FOLLOWUP_STATUS_LABEL: Record<FollowupStatus, string> = {
  planned: '待随访',
  overdue: '已逾期',
  done: '已完成',
  cancelled: '已取消',
};

export const QUESTION_TYPES = ['single', 'multiple', 'number', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const QUESTION_TYPE_LABEL: Record<QuestionType, string> = {
  single: '单选题',
  multiple: '多选题',
  number: '数值题',
  text: '文本题',
};

export interface Question {
  /** Stable within its questionnaire: answers are keyed by it. */
  key: string;
  type: QuestionType;
  title: string;
  required: boolean;
  /** single / multiple: the choices, in order. */
  options?: string[];
  /** number: the accepted range and the unit shown beside the input (mmHg, kg …). */
  min?: number;
  max?: number;
  unit?: string;
}

export type AnswerValue = string | number | string[];

/** At most this many follow-ups come out of one plan (a rule of every 7 days for 24 months stops here). */
export const MAX_FOLLOWUPS_PER_PLAN = 60;

/**
 * The dates of a rule "every `everyDays` days for `months` months" counted from `start` (the visit): the first is
 * `start + everyDays`, the last on or before the same day `months` later.
 */
export function ruleDates(start: string, everyDays: number, months: number): string[] {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const endMonth = m - 1 + months;
  // The same day `months` later, or the month's last day when it has none (31 Jan + 1 month → 28/29 Feb).
  const lastDay = new Date(Date.UTC(y, endMonth + 1, 0)).getUTCDate();
  const end = new Date(Date.UTC(y, endMonth, Math.min(d, lastDay))).toISOString().slice(0, 10);
  const out: string[] = [];
  for (let k = 1; out.length < MAX_FOLLOWUPS_PER_PLAN; k++) {
    const next = addDays(start, k * everyDays);
    if (next > end) break;
    out.push(next);
  }
  return out;
}

/** Why an answer to `q` is not acceptable (Chinese, for the patient), or undefined when it is. */
export function answerProblem(q: Question, v: AnswerValue | undefined | null): string | undefined {
  const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (empty) return q.required ? `请回答“${q.title}”` : undefined;
  switch (q.type) {
    case 'single':
      return typeof v === 'string' && q.options?.includes(v) ? undefined : `“${q.title}”请选择一个选项`;
    case 'multiple':
      return Array.isArray(v) && v.every((x) => q.options?.includes(x)) && new Set(v).size === v.length
        ? undefined
        : `“${q.title}”的选项有误`;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `“${q.title}”请填写数字`;
      if (q.min !== undefined && v < q.min) return `“${q.title}”不能小于 ${q.min}`;
      if (q.max !== undefined && v > q.max) return `“${q.title}”不能大于 ${q.max}`;
      return undefined;
    case 'text':
      return typeof v === 'string' && v.length <= 500 ? undefined : `“${q.title}”最多 500 字`;
  }
}

/** An answer as one line of text (console table, export). */
export function answerText(q: Question, v: AnswerValue | undefined | null): string {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join('、') : '—';
  return q.type === 'number' && q.unit ? `${v} ${q.unit}` : String(v);
}
