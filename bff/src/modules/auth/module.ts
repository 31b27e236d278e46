import type { ModuleManifest } from '../../kernel/module';
import { registerSessionControl } from '../system/users';
import { initAuthModels } from './models';
import { mpAuthRoutes } from './mp.routes';
import { adminAuthRoutes } from './admin.routes';
import { endUserSessions, forgetLoginFailures } from './service';
import { watchStaffAccounts } from './authenticate';

/** Logins, tokens and sessions of patients (WeChat) and staff (password), built on system's accounts. */
export const authModule: ModuleManifest = {
  name: 'auth',
  initModels: initAuthModels,
  mpRoutes: mpAuthRoutes,
  adminRoutes: adminAuthRoutes,
  permissions: {},
  setup() {
    registerSessionControl({ endSessions: endUserSessions, forgetLoginFailures });
    watchStaffAccounts();
  },
};
