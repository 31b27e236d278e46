import type { ModuleManifest } from '../../kernel/module';
import { BOOKING_MENUS } from './menu-seed';
import { registerScheduleBookings } from '../scheduling/service';
import { initBookingModels } from './models';
import { bookingMpRoutes } from './mp.routes';
import { bookingAdminRoutes } from './admin.routes';
import { remindTomorrow } from './notices';
import { patientAdminRoutes } from './patient.routes';
import { initLiftModels } from './lift-model';
import {
  expireHolds,
  heldNumbers,
  heldNumbersOf,
  highestHeldSeat,
  offerFreedSlots,
  registerAppointmentPayments,
  stopSchedule,
} from './service';
import { substituteSchedule } from './substitute';
import { recountSeats } from './seat-recount';

export const BOOKING_PERMS = {
  appointmentList: 'booking:appointment:list',
  appointmentExport: 'booking:appointment:export',
  appointmentMark: 'booking:appointment:mark',
  patientList: 'booking:patient:list',
  patientLift: 'booking:patient:lift',
  patientPhone: 'booking:patient:phone',
  appointmentCheckIn: 'booking:appointment:checkin',
} as const;

/** Appointments on scheduling's slots, the waitlist; pays through payment (subject type 'appointment'). */
export const bookingModule: ModuleManifest = {
  menus: BOOKING_MENUS,
  name: 'booking',
  initModels: (sequelize) => {
    initBookingModels(sequelize);
    initLiftModels(sequelize);
  },
  mpRoutes: bookingMpRoutes,
  adminRoutes: (t) => {
    bookingAdminRoutes(t);
    patientAdminRoutes(t);
  },
  jobs: [
    { name: 'booking-hold-expiry', everyMs: 15_000, handler: () => expireHolds() },
    // a seat taken for a booking whose process died before the insert: given back after two looks a minute apart
    { name: 'booking-seat-recount', everyMs: 60_000, handler: () => recountSeats() },
    // the day-before reminder: hourly in the daytime (Beijing), so a booking made later that day is reminded too
    { name: 'booking-visit-reminder', cron: '0 0 8-20 * * *', handler: () => remindTomorrow() },
  ],
  permissions: BOOKING_PERMS,
  setup() {
    registerAppointmentPayments();
    registerScheduleBookings({
      highestHeldSeat,
      heldNumbers,
      heldNumbersOf,
      stop: stopSchedule,
      substitute: substituteSchedule,
      seatsAdded: offerFreedSlots,
    });
  },
};
