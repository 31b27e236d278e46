/** Clinic vocabulary: the codes on the wire and the words people read for them. */

export const PERIODS = ['am', 'pm', 'eve'] as const;
export type Period = (typeof PERIODS)[number];
export const PERIOD_LABEL: Record<Period, string> = { am: '上午', pm: '下午', eve: '晚上' };
/** Sorting sessions of one day: 上午 before 下午 before 晚上. */
export const PERIOD_ORDER = Object.fromEntries(PERIODS.map((p, i) => [p, i])) as Record<Period, number>;

/** A family member's relation to the account holder (就诊人 关系). */
export const RELATIONS = ['self', 'spouse', 'parent', 'child', 'sibling', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];
export const RELATION_LABEL: Record<Relation, string> = {
  self: '本人',
  spouse: '配偶',
  parent: '父母',
  child: '子女',
  sibling: '兄弟姐妹',
  other: '其他',
};
export const relationLabel = (r: string) => RELATION_LABEL[r as Relation] ?? '其他';

/** Gender as the ID number gives it: M / F. */
export const genderLabel = (g: string | null | undefined) => (g === 'M' ? '男' : g === 'F' ? '女' : '');

export const APPOINTMENT_STATUSES = [
  'pending_payment',
  'booked',
  'visited',
  'no_show',
  'cancelled',
  'expired',
  'stopped',
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const APPOINTMENT_STATUS_LABEL: Record<AppointmentStatus, string> = {
  pending_payment: '待支付',
  booked: '已预约',
  visited: '已就诊',
  no_show: '爽约',
  cancelled: '已取消',
  expired: '已过期',
  stopped: '已停诊',
};
