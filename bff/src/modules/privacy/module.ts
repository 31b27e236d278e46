import type { ModuleManifest } from '../../kernel/module';
import { guardPatientAddition } from '../patient/service';
import { initPrivacyModels } from './models';
import { privacyAdminRoutes } from './admin.routes';
import { seedDocuments } from './library';
import { PRIVACY_MENUS } from './menu-seed';
import { privacyMpRoutes } from './mp.routes';
import { PRIVACY_PERMS } from './perms';
import { requireConsent } from './service';

/**
 * Patients' privacy: the policy and agreement texts with versions (edited and published in 系统管理 › 协议管理), consents (separate ones for ID numbers and health
 * data, PIPL's sensitive personal information) recorded with version and time, and 注销账号.
 */
export const privacyModule: ModuleManifest = {
  name: 'privacy',
  initModels: initPrivacyModels,
  mpRoutes: privacyMpRoutes,
  adminRoutes: privacyAdminRoutes,
  menus: PRIVACY_MENUS,
  permissions: PRIVACY_PERMS,
  // the texts the product shipped with are version 1 of each document; the console publishes later ones
  seed: { base: seedDocuments },
  setup() {
    // A family member is an ID number plus the health data of their visits: both separate consents first, and the
    // current privacy policy (a new version published in 协议管理 is agreed to again before more is collected).
    guardPatientAddition((userId, t) => requireConsent(userId, ['privacy_policy', 'id_number', 'health_data'], t));
  },
};
