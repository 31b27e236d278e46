/** Clinic vocabulary: the codes on the wire and the words people read for them. */

export const PERIODS = ['am', 'pm', 'eve'] as const;
export type Period = (typeof PERIODS)[number];
export const PERIOD_LABEL: Record<Period, string> = { am: '上午', pm: '下午', eve: '晚上' };

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
