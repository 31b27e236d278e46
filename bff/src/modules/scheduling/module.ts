import type { ModuleManifest } from '../../kernel/module';
import { SCHEDULING_MENUS } from './menu-seed';
import { seedDemoSchedules } from './demo-seed';
import { initSchedulingModels } from './models';
import { initLevelModels, seedLevels } from './levels';
import { doctorProfileRoutes } from './profile.routes';
import { schedulingMpRoutes } from './mp.routes';
import { schedulingRoutes } from './admin.routes';
import { watchBrowseSources } from './service';

export const SCHEDULING_PERMS = {
  scheduleList: 'scheduling:schedule:list',
  scheduleAdd: 'scheduling:schedule:add',
  scheduleEdit: 'scheduling:schedule:edit',
  scheduleStop: 'scheduling:schedule:stop',
  scheduleImport: 'scheduling:schedule:import',
  doctorList: 'scheduling:doctor:list',
  doctorEdit: 'scheduling:doctor:edit',
  levelEdit: 'scheduling:level:edit',
  scheduleAddSlot: 'scheduling:schedule:addslot',
} as const;

/** Doctors' clinic sessions and their slots (号源). */
export const schedulingModule: ModuleManifest = {
  menus: SCHEDULING_MENUS,
  // Demo clinic sessions for every doctor, kept a rolling week ahead.
  seed: {
    base: seedLevels,
    demo: async () => {
      await seedDemoSchedules();
    },
    demoRefreshMs: 6 * 3600_000,
  },
  name: 'scheduling',
  initModels: (sequelize) => {
    initSchedulingModels(sequelize);
    initLevelModels(sequelize);
  },
  mpRoutes: schedulingMpRoutes,
  adminRoutes: (t) => {
    schedulingRoutes(t);
    doctorProfileRoutes(t);
  },
  permissions: SCHEDULING_PERMS,
  setup() {
    watchBrowseSources();
  },
};
