import type { ModuleManifest } from '../../kernel/module';
import { registerFollowUpCounter } from '../booking/console';
import { FOLLOWUP_MENUS } from './menu-seed';
import { initFollowupModels } from './models';
import { followupAdminRoutes } from './admin.routes';
import { followupMpRoutes } from './mp.routes';
import { followUpCounts, sealLegacyFollowUps } from './legacy';
import { markOverdueFollowups, remindDueFollowups } from './service';
import { FOLLOWUP_PERMS } from './perms';
import { seedDemoFollowup } from './demo-seed';

export { FOLLOWUP_PERMS };

/**
 * Follow-up plans (随访): made from a visit (booking's appointment, records' visit record), one follow-up per day;
 * questionnaires; reminders through the kernel's notifications; 随访管理 in the console; the patient's plans and
 * questionnaires in the mini-program. Booking's old follow-ups are part of it (legacy.ts keeps their API).
 */
export const followupModule: ModuleManifest = {
  name: 'followup',
  menus: FOLLOWUP_MENUS,
  // Seals the follow-ups migration 0012 carried over from booking in clear (nothing to do once they are sealed).
  seed: { base: async () => void (await sealLegacyFollowUps()), demo: seedDemoFollowup },
  initModels: initFollowupModels,
  mpRoutes: followupMpRoutes,
  adminRoutes: followupAdminRoutes,
  jobs: [
    // 00:05 Beijing time: yesterday's unfinished follow-ups become 已逾期.
    { name: 'followup-overdue', cron: '0 5 0 * * *', handler: () => markOverdueFollowups() },
    // 08:00 Beijing time: the patients whose follow-up is due today are told (notice + WeChat subscribe message).
    { name: 'followup-due-reminder', cron: '0 0 8 * * *', handler: () => remindDueFollowups() },
  ],
  permissions: FOLLOWUP_PERMS,
  setup() {
    registerFollowUpCounter(followUpCounts);
  },
};
