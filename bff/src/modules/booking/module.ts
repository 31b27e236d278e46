import type { ModuleManifest } from '../../kernel/module';
import { BOOKING_MENUS } from './menu-seed';
import { registerScheduleBookings } from '../scheduling/service';
import { initBookingModels } from './models';
import { bookingMpRoutes } from './mp.routes';
import { bookingAdminRoutes } from './admin.routes';
import { expireHolds, highestHeldSeat, offerFreedSlots, registerAppointmentPayments, stopSchedule } from './service';
import { substituteSchedule } from './substitute';

export const BOOKING_PERMS = {
  appointmentList: 'booking:appointment:list',
  appointmentExport: 'booking:appointment:export',
  appointmentMark: 'booking:appointment:mark',
  appointmentCheckIn: 'booking:appointment:checkin',
  followupList: 'booking:followup:list',
  followupAdd: 'booking:followup:add',
  followupEdit: 'booking:followup:edit',
} as const;

/** Appointments on scheduling's slots, the waitlist, follow-ups; pays through payment (subject type 'appointment'). */
export const bookingModule: ModuleManifest = {
  menus: BOOKING_MENUS,
  name: 'booking',
  initModels: initBookingModels,
  mpRoutes: bookingMpRoutes,
  adminRoutes: bookingAdminRoutes,
  jobs: [{ name: 'booking-hold-expiry', everyMs: 15_000, handler: () => expireHolds() }],
  permissions: BOOKING_PERMS,
  setup() {
    registerAppointmentPayments();
    registerScheduleBookings({
      highestHeldSeat,
      stop: stopSchedule,
      substitute: substituteSchedule,
      seatsAdded: offerFreedSlots,
    });
  },
};
