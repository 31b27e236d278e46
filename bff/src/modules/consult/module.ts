import type { ModuleManifest } from '../../kernel/module';
import { initConsultModels } from './models';
import { consultMpRoutes } from './mp.routes';
import { consultAdminRoutes } from './admin.routes';
import { closeLapsedConsultations, notifyUndeliveredReplies, registerConsultPayments } from './service';
import { registerConsultRealtime } from './realtime';
import { CONSULT_PERMS } from './perms';
import { CONSULT_MENUS } from './menu-seed';
import { registerConsultStats } from './stats';

export { CONSULT_PERMS };

/**
 * Consultation chat between a patient (for a family member) and a doctor: sessions opened from a doctor or an
 * appointment, messages with a per-session seq stored before they are acknowledged, the kernel's socket for live
 * delivery (fan-out through pub/sub), fees through payment (subject type 'consultation').
 */
export const consultModule: ModuleManifest = {
  name: 'consult',
  initModels: initConsultModels,
  mpRoutes: consultMpRoutes,
  adminRoutes: consultAdminRoutes,
  jobs: [
    { name: 'consult-lapse', everyMs: 60_000, handler: () => closeLapsedConsultations() },
    { name: 'consult-reply-notice', everyMs: 15_000, handler: () => notifyUndeliveredReplies() },
  ],
  menus: CONSULT_MENUS,
  permissions: CONSULT_PERMS,
  setup() {
    registerConsultPayments();
    registerConsultRealtime();
    registerConsultStats();
  },
};
