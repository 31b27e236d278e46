import type { ModuleManifest } from '../../kernel/module';
import { LEARNING_MENUS } from './menu-seed';
import { initLearningModels, LearningTaskItem } from './models';
import { registerUsage } from '../../kernel/usage';
import { LEARNING_PERMS, learningAdminRoutes } from './admin.routes';
import { learningMpRoutes } from './mp.routes';
import { remindDueTasks } from './service';

export { LEARNING_PERMS };

/**
 * Learning tasks: a chief physician assigns published education (education's articles and videos) to the
 * physicians of departments in their scope; progress is tracked by the server; completion, export, reminders.
 */
export const learningModule: ModuleManifest = {
  name: 'learning',
  initModels: initLearningModels,
  adminRoutes: learningAdminRoutes,
  // 我的学习 in the mini-program, for staff whose console account is linked to their WeChat user
  mpRoutes: learningMpRoutes,
  menus: LEARNING_MENUS,
  // 09:00 Beijing time: the day before a deadline, those who have not finished are reminded.
  jobs: [{ name: 'learning-deadline-reminder', cron: '0 0 9 * * *', handler: () => remindDueTasks() }],
  permissions: LEARNING_PERMS,
  // an article or video in a learning task is not deleted from under it (education asks before deleting)
  setup: () =>
    registerUsage('edu_content', '学习任务', async (ids, t) =>
      (await LearningTaskItem.findAll({ where: { contentId: ids }, attributes: ['contentId'], transaction: t })).map(
        (i) => i.contentId,
      ),
    ),
};
