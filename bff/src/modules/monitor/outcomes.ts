/**
 * The API calls whose outcome Prometheus counts as a business event (yiyun_booking_outcomes_total,
 * yiyun_payments_total): route patterns as the routers match them. The outcome is 'ok' or the refusal's error code
 * (SLOT_FULL, ALREADY_BOOKED, NOTIFY_STALE …), so "how many bookings failed because the slots ran out" is one query.
 */
export const BUSINESS_OUTCOMES: { method: string; route: string; metric: 'booking' | 'payment'; action: string }[] = [
  { method: 'POST', route: '/api/mp/appointments', metric: 'booking', action: 'book' },
  { method: 'POST', route: '/api/mp/appointments/:id/cancel', metric: 'booking', action: 'cancel' },
  { method: 'POST', route: '/api/mp/waitlist', metric: 'booking', action: 'waitlist' },
  { method: 'POST', route: '/api/mp/appointments/:id/pay', metric: 'payment', action: 'pay' },
  { method: 'POST', route: '/api/pay/notify', metric: 'payment', action: 'notify' },
];
