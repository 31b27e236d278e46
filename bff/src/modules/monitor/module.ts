import type { ModuleManifest } from '../../kernel/module';
import { MONITOR_MENUS } from './menu-seed';
import { initMonitorModels } from './models';
import { monitorRoutes } from './admin.routes';
import { pruneLogs } from './service';
import { MONITOR_PERMS } from './perms';
import { rollUpRecent } from './stats';

export { MONITOR_PERMS };

/** Operation and login logs, online sessions, scheduled jobs. */
export const monitorModule: ModuleManifest = {
  menus: MONITOR_MENUS,
  name: 'monitor',
  initModels: initMonitorModels,
  adminRoutes: monitorRoutes,
  // Daily at 03:30 Beijing time, when the clinic is closed.
  jobs: [
    { name: 'log-retention', cron: '0 30 3 * * *', handler: pruneLogs },
    // Every ten minutes: the dashboard's "today" is at most ten minutes behind.
    { name: 'stats-rollup', cron: '0 */10 * * * *', handler: rollUpRecent },
  ],
  permissions: MONITOR_PERMS,
};
