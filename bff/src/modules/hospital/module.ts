import type { ModuleManifest } from '../../kernel/module';
import { HOSPITAL_MENUS } from './menu-seed';
import { initHospitalModels, SysNotice } from './models';
import { HOSPITAL_PERMS } from './perms';
import { hospitalAdminRoutes, hospitalMpRoutes } from './routes';

/** The hospital as patients see it: name, address, phone, hours, map position (configuration) and 通知公告. */
export const hospitalModule: ModuleManifest = {
  name: 'hospital',
  initModels: initHospitalModels,
  mpRoutes: hospitalMpRoutes,
  adminRoutes: hospitalAdminRoutes,
  menus: HOSPITAL_MENUS,
  permissions: HOSPITAL_PERMS,
  seed: {
    async demo() {
      if (await SysNotice.count()) return;
      const now = Date.now();
      await SysNotice.bulkCreate([
        {
          title: '元旦假期门诊安排',
          type: 'announcement',
          content: '1 月 1 日上午开放普通门诊和急诊，下午仅开放急诊。请提前在小程序预约，按预约时段到院。',
          status: 'published',
          pinned: true,
          createdBy: '系统管理员',
          publishedAt: new Date(now - 3600_000),
        },
        {
          title: '就诊请携带身份证或医保卡',
          type: 'notice',
          content: '挂号实行实名制，就诊时请携带就诊人的身份证或医保电子凭证，未满 14 周岁的患者须由监护人陪同。',
          status: 'published',
          pinned: false,
          createdBy: '系统管理员',
          publishedAt: new Date(now - 86_400_000),
        },
      ]);
    },
  },
};
