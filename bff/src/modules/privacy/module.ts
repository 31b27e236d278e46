import type { ModuleManifest } from '../../kernel/module';
import { guardPatientAddition } from '../patient/service';
import { initPrivacyModels } from './models';
import { privacyMpRoutes } from './mp.routes';
import { requireConsent } from './service';

/**
 * Patients' privacy: the policy and agreement texts with versions, consents (separate ones for ID numbers and health
 * data, PIPL's sensitive personal information) recorded with version and time, and 注销账号.
 */
export const privacyModule: ModuleManifest = {
  name: 'privacy',
  initModels: initPrivacyModels,
  mpRoutes: privacyMpRoutes,
  permissions: {},
  setup() {
    // A family member is an ID number plus the health data of their visits: both separate consents first.
    guardPatientAddition((userId, t) => requireConsent(userId, ['id_number', 'health_data'], t));
  },
};
