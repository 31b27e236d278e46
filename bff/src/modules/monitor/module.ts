import type { ModuleManifest } from '../../kernel/module';
import { MONITOR_MENUS } from './menu-seed';
import { initMonitorModels } from './models';
import { monitorRoutes } from './admin.routes';
import { pruneLogs } from './service';

export const MONITOR_PERMS = {
  operlogList: 'monitor:operlog:list',
  logininforList: 'monitor:logininfor:list',
  onlineList: 'monitor:online:list',
  onlineForceLogout: 'monitor:online:forceLogout',
} as const;

/** Operation and login logs, online sessions. */
export const monitorModule: ModuleManifest = {
  menus: MONITOR_MENUS,
  name: 'monitor',
  initModels: initMonitorModels,
  adminRoutes: monitorRoutes,
  jobs: [{ name: 'log-retention', everyMs: 6 * 3600_000, handler: pruneLogs }],
  permissions: MONITOR_PERMS,
};
