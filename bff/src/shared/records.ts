/**
 * Prescription wording shared by the BFF, the console and the mini-program: frequencies (with how many doses a day
 * each means, for quantity = dose × frequency × days), routes, and the national limit on an ordinary prescription.
 */
export const FREQUENCIES = ['qd', 'bid', 'tid', 'qid', 'qn', 'q8h', 'q12h', 'qw', 'prn'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Doses a day; null for 必要时 (prn), whose quantity the physician states. */
export const DOSES_PER_DAY: Record<Frequency, number | null> = {
  qd: 1,
  bid: 2,
  tid: 3,
  qid: 4,
  qn: 1,
  q8h: 3,
  q12h: 2,
  qw: 1 / 7,
  prn: null,
};

export const FREQUENCY_LABEL: Record<Frequency, string> = {
  qd: '每日一次',
  bid: '每日两次',
  tid: '每日三次',
  qid: '每日四次',
  qn: '每晚一次',
  q8h: '每8小时一次',
  q12h: '每12小时一次',
  qw: '每周一次',
  prn: '必要时',
};

export const ROUTES = [
  '口服',
  '外用',
  '吸入',
  '滴眼',
  '滴耳',
  '滴鼻',
  '舌下含服',
  '含服',
  '含漱',
  '塞肛',
  '阴道给药',
  '皮下注射',
  '肌内注射',
  '静脉滴注',
] as const;

/** 处方管理办法 第十九条: an ordinary prescription covers at most 7 days. */
export const MAX_ORDINARY_DAYS = 7;

/** dose × doses a day × days, rounded up to whole units (null for prn: the physician gives the quantity). */
export function prescribedQuantity(dose: number, frequency: Frequency, days: number): number | null {
  const perDay = DOSES_PER_DAY[frequency];
  if (perDay === null) return null;
  // Round away floating-point noise (0.1 × 3) before rounding up.
  return Math.ceil(Math.round(dose * perDay * days * 1e6) / 1e6);
}

export type RecordQueueState = 'waiting' | 'in_progress' | 'done' | 'missed';
export const QUEUE_STATE_LABEL: Record<RecordQueueState, string> = {
  waiting: '待诊',
  in_progress: '就诊中',
  done: '已完成',
  missed: '过号',
};
