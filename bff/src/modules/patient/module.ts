import type { ModuleManifest } from '../../kernel/module';
import { initPatientModels } from './models';
import { patientRoutes } from './mp.routes';
import { seedPatientBase } from './seed';

/** A WeChat user's patients (就诊人). */
export const patientModule: ModuleManifest = {
  name: 'patient',
  initModels: initPatientModels,
  mpRoutes: patientRoutes,
  permissions: {},
  seed: { base: seedPatientBase },
};
