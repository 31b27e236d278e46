import type { ModuleManifest } from '../../kernel/module';
import { LEARNING_MENUS } from './menu-seed';
import { initLearningModels } from './models';
import { LEARNING_PERMS, learningAdminRoutes } from './admin.routes';

export { LEARNING_PERMS };

/**
 * Learning tasks: a chief physician assigns published education (education's articles and videos) to the
 * physicians of departments in their scope; progress is tracked by the server; completion, export, reminders.
 */
export const learningModule: ModuleManifest = {
  name: 'learning',
  initModels: initLearningModels,
  adminRoutes: learningAdminRoutes,
  menus: LEARNING_MENUS,
  permissions: LEARNING_PERMS,
};
