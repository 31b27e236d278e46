import type { ModuleManifest } from '../../kernel/module';
import { RECORDS_MENUS } from './menu-seed';
import { initRecordsModels } from './models';
import { recordsAdminRoutes } from './admin.routes';
import { recordsMpRoutes } from './mp.routes';
import { seedDictionaries } from './dicts';
import { RECORDS_PERMS } from './perms';

export { RECORDS_PERMS };

/**
 * Medical records: health profiles, visit records (ICD-10 coded, signed and amended with versions), prescriptions
 * (drug dictionary, checks). Clinical content is encrypted at rest; every staff read is audited (kernel audit).
 */
export const recordsModule: ModuleManifest = {
  name: 'records',
  menus: RECORDS_MENUS,
  seed: { base: seedDictionaries },
  initModels: initRecordsModels,
  mpRoutes: recordsMpRoutes,
  adminRoutes: recordsAdminRoutes,
  permissions: RECORDS_PERMS,
};
