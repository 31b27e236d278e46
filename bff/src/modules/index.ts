import type { Sequelize } from 'sequelize';
import type { ModuleManifest } from '../kernel/module';
import { KERNEL_MODULES } from '../kernel';
import { systemModule } from './system/module';
import { authModule } from './auth/module';
import { patientModule } from './patient/module';
import { privacyModule } from './privacy/module';
import { hospitalModule } from './hospital/module';
import { monitorModule } from './monitor/module';
import { schedulingModule } from './scheduling/module';
import { bookingModule } from './booking/module';
import { paymentModule } from './payment/module';
import { consultModule } from './consult/module';
import { educationModule } from './education/module';
import { learningModule } from './learning/module';
import { recordsModule } from './records/module';
import { followupModule } from './followup/module';

/**
 * Every domain of the BFF (after the kernel services that own tables and routes), the one file that imports them all. app.ts mounts their routes, server.ts defines
 * their models, runs their setup and registers their jobs, in this order. Adding a domain is one line here.
 */
export const MODULES: readonly ModuleManifest[] = [
  ...KERNEL_MODULES,
  systemModule,
  authModule,
  patientModule,
  privacyModule,
  hospitalModule,
  monitorModule,
  schedulingModule,
  bookingModule,
  paymentModule,
  consultModule,
  educationModule,
  learningModule,
  recordsModule,
  followupModule,
];

/** Defines every module's models on the connection (servers, scripts and tests that reach the database). */
export function initModuleModels(sequelize: Sequelize, modules: readonly ModuleManifest[] = MODULES) {
  for (const m of modules) m.initModels(sequelize);
}

let setUp = false;
/** Runs every module's setup once per process: the handlers modules register with each other and the kernel. */
export function setUpModules(modules: readonly ModuleManifest[] = MODULES) {
  if (setUp) return;
  setUp = true;
  for (const m of modules) m.setup?.();
}
