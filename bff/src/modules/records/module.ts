import type { ModuleManifest } from '../../kernel/module';
import { RECORDS_MENUS } from './menu-seed';
import { initRecordsModels } from './models';
import { recordsAdminRoutes } from './admin.routes';
import { recordsMpRoutes } from './mp.routes';
import { seedDictionaries } from './dicts';
import { RECORDS_PERMS } from './perms';
import { recordsDocumentAdminRoutes, recordsDocumentMpRoutes } from './documents.routes';
import { initReportModels } from './reports';
import { initTemplateModels } from './templates';
import { seedRecordsDemo } from './demo-seed';

export { RECORDS_PERMS };

/**
 * Medical records: health profiles, visit records (ICD-10 coded, signed and amended with versions), prescriptions
 * (drug dictionary, checks). Clinical content is encrypted at rest; every staff read is audited (kernel audit).
 */
export const recordsModule: ModuleManifest = {
  name: 'records',
  menus: RECORDS_MENUS,
  // demo: today's queue of the demo physician (booked demo patients), so 接诊工作台 opens on real work.
  seed: { base: seedDictionaries, demo: seedRecordsDemo, demoRefreshMs: 6 * 3600_000 },
  initModels: (sequelize) => {
    initRecordsModels(sequelize);
    initReportModels(sequelize);
    initTemplateModels(sequelize);
  },
  mpRoutes: (t) => {
    recordsMpRoutes(t);
    recordsDocumentMpRoutes(t);
  },
  adminRoutes: (t) => {
    recordsAdminRoutes(t);
    recordsDocumentAdminRoutes(t);
  },
  permissions: RECORDS_PERMS,
};
