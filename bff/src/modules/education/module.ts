import type { ModuleManifest } from '../../kernel/module';
import { initEducationModels } from './models';
import { EDU_PERMS, educationAdminRoutes } from './admin.routes';
import { educationMpRoutes } from './mp.routes';
import { EDUCATION_MENUS } from './menu-seed';
import { seedDemoEducation } from './demo-seed';
import { registerEducationStats } from './stats';

export { EDU_PERMS };

/**
 * 健康宣教: articles and videos (draft → published → offline, with history and review dates), patients' reading,
 * likes and comments, the sensitive-word list, and 宣教处方 sent from an appointment (booking).
 */
export const educationModule: ModuleManifest = {
  name: 'education',
  initModels: initEducationModels,
  mpRoutes: educationMpRoutes,
  adminRoutes: educationAdminRoutes,
  menus: EDUCATION_MENUS,
  // Demo articles and videos, and a starter sensitive-word list.
  seed: { demo: seedDemoEducation },
  permissions: EDU_PERMS,
  // 统计分析's 宣教阅读 (kernel/stats: monitor may not import education)
  setup: registerEducationStats,
};
