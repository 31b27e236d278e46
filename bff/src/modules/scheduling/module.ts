import type { ModuleManifest } from '../../kernel/module';
import { SCHEDULING_MENUS } from './menu-seed';
import { seedDemoSchedules } from './demo-seed';
import { initSchedulingModels } from './models';
import { schedulingMpRoutes } from './mp.routes';
import { schedulingRoutes } from './admin.routes';
import { watchBrowseSources } from './service';

export const SCHEDULING_PERMS = {
  scheduleList: 'scheduling:schedule:list',
  scheduleAdd: 'scheduling:schedule:add',
  scheduleEdit: 'scheduling:schedule:edit',
  scheduleStop: 'scheduling:schedule:stop',
  scheduleImport: 'scheduling:schedule:import',
  scheduleAddSlot: 'scheduling:schedule:addslot',
} as const;

/** Doctors' clinic sessions and their slots (号源). */
export const schedulingModule: ModuleManifest = {
  menus: SCHEDULING_MENUS,
  // Demo clinic sessions for every doctor, kept a rolling week ahead.
  seed: {
    demo: async () => {
      await seedDemoSchedules();
    },
    demoRefreshMs: 6 * 3600_000,
  },
  name: 'scheduling',
  initModels: initSchedulingModels,
  mpRoutes: schedulingMpRoutes,
  adminRoutes: schedulingRoutes,
  permissions: SCHEDULING_PERMS,
  setup() {
    watchBrowseSources();
  },
};
