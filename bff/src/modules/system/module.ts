import type { ModuleManifest } from '../../kernel/module';
import { SYSTEM_MENUS } from './menu-seed';
import { initSystemModels } from './models';
import { systemMpRoutes } from './mp.routes';
import { systemRoutes } from './admin.routes';
import { seedSystemBase } from './seed';

/** Permission strings of the console's 系统管理 pages (its menu-seed.ts grants them). */
export const SYSTEM_PERMS = {
  userList: 'system:user:list',
  userQuery: 'system:user:query',
  userAdd: 'system:user:add',
  userEdit: 'system:user:edit',
  userRemove: 'system:user:remove',
  userResetPwd: 'system:user:resetPwd',
  userUnlock: 'system:user:unlock',
  userImport: 'system:user:import',
  userExport: 'system:user:export',
  roleList: 'system:role:list',
  roleQuery: 'system:role:query',
  roleAdd: 'system:role:add',
  roleEdit: 'system:role:edit',
  roleRemove: 'system:role:remove',
  menuList: 'system:menu:list',
  menuAdd: 'system:menu:add',
  menuEdit: 'system:menu:edit',
  menuRemove: 'system:menu:remove',
  deptList: 'system:dept:list',
  deptAdd: 'system:dept:add',
  deptEdit: 'system:dept:edit',
  deptRemove: 'system:dept:remove',
  postList: 'system:post:list',
  postAdd: 'system:post:add',
  postEdit: 'system:post:edit',
  postRemove: 'system:post:remove',
  dictList: 'system:dict:list',
  dictAdd: 'system:dict:add',
  dictEdit: 'system:dict:edit',
  dictRemove: 'system:dict:remove',
  staffApplyList: 'system:staffApply:list',
  staffApplyApprove: 'system:staffApply:approve',
} as const;

/** Staff accounts, roles, menus, departments, positions, dictionaries, staff applications. */
export const systemModule: ModuleManifest = {
  menus: SYSTEM_MENUS,
  name: 'system',
  initModels: initSystemModels,
  mpRoutes: systemMpRoutes,
  adminRoutes: systemRoutes,
  permissions: SYSTEM_PERMS,
  seed: { base: seedSystemBase },
};
