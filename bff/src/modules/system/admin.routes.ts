import getRawBody from 'raw-body';
import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { IdParams, PageQuery, pageOf } from '../../http/schemas';
import * as S from './schemas';
import {
  createUser,
  deleteUser,
  deleteUsers,
  listUsers,
  resetUserPassword,
  scopedUser,
  setUserRoles,
  setUserStatus,
  unlockUser,
  updateUser,
  userViews,
} from './users';
import { createRole, deleteRole, deleteRoles, getRole, listRoles, roleViews, updateRole, usersOfRole } from './roles';
import { grantableRoles } from './grants';
import { createMenu, deleteMenu, menuTree, updateMenu } from './menus';
import { createDept, deleteDept, deptOptions, deptTree, updateDept } from './depts';
import { createPost, deletePost, deletePosts, listPosts, postOptions, updatePost } from './posts';
import {
  createDictItem,
  createDictType,
  deleteDictItem,
  deleteDictItems,
  deleteDictType,
  deleteDictTypes,
  dictOptions,
  listDictItems,
  listDictTypes,
  updateDictItem,
  updateDictType,
} from './dicts';
import { XLSX_TYPE, commitUserImport, exportUsers, previewUserImport, userImportTemplate } from './user-excel';
import { approveStaffApplication, listStaffApplications, rejectStaffApplication } from './staff';

const none = async (p: Promise<unknown>) => void (await p);
const DictTypeParam = z.object({ type: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/) });

export function systemRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/dicts/:type',
    summary: '字典选项',
    auth: a,
    params: DictTypeParam,
    response: z.array(S.DictOption),
    handler: ({ params }) => dictOptions(params.type),
  });

  // users
  t.add({
    method: 'get',
    path: '/system/users',
    summary: '用户列表',
    auth: a,
    perm: 'system:user:list',
    query: S.UserQuery,
    response: S.SysUserPage,
    handler: ({ actor, query }) => listUsers(actor, query),
  });
  t.add({
    method: 'get',
    path: '/system/users/export',
    summary: '导出用户（Excel）',
    auth: a,
    perm: 'system:user:export',
    // staff names, departments and roles leave the system: the operation log records who took which list
    audit: 'user',
    query: S.UserQuery.omit({ page: true, pageSize: true }),
    handler: async ({ actor, query, ctx }) => {
      const file = await exportUsers(actor, query);
      ctx.type = XLSX_TYPE;
      ctx.attachment(`用户-${new Date().toISOString().slice(0, 10)}.xlsx`);
      return file;
    },
  });
  t.add({
    method: 'get',
    path: '/system/users/import-template',
    summary: '用户导入模板',
    auth: a,
    perm: 'system:user:import',
    handler: async ({ ctx }) => {
      const file = await userImportTemplate();
      ctx.type = XLSX_TYPE;
      ctx.attachment('用户导入模板.xlsx');
      return file;
    },
  });
  t.add({
    method: 'post',
    path: '/system/users/imports',
    summary: '上传用户表格并预览（不写入）',
    auth: a,
    perm: 'system:user:import',
    query: S.UserImportQuery,
    response: S.UserImportPreview,
    status: 200,
    audit: 'user',
    handler: async ({ actor, query, ctx }) =>
      previewUserImport(actor, query.filename, await getRawBody(ctx.req, { limit: 5 * 1024 * 1024 })),
  });
  t.add({
    method: 'post',
    path: '/system/users/imports/:previewId/commit',
    summary: '确认导入用户（全部或全不）',
    auth: a,
    perm: 'system:user:import',
    params: S.UserImportParams,
    body: S.UserImportCommit,
    response: S.UserImportResult,
    status: 200,
    audit: 'user',
    handler: ({ actor, params, body }) => commitUserImport(actor, params.previewId, body.password),
  });
  t.add({
    method: 'get',
    path: '/system/users/:id',
    summary: '用户详情',
    auth: a,
    perm: 'system:user:query',
    params: IdParams,
    response: S.SysUser,
    handler: async ({ actor, params }) => (await userViews([await scopedUser(actor, params.id)]))[0],
  });
  t.add({
    method: 'post',
    path: '/system/users',
    summary: '新增用户',
    auth: a,
    perm: 'system:user:add',
    body: S.UserCreate,
    response: S.SysUser,
    audit: 'user',
    handler: ({ actor, body }) => createUser(actor, { ...body, postId: body.postId ?? null }),
  });
  t.add({
    method: 'put',
    path: '/system/users/:id',
    summary: '修改用户',
    auth: a,
    perm: 'system:user:edit',
    params: IdParams,
    body: S.UserUpdate,
    response: S.SysUser,
    audit: 'user',
    handler: ({ actor, params, body }) => updateUser(actor, params.id, body),
  });
  t.add({
    method: 'put',
    path: '/system/users/:id/status',
    summary: '启用/停用用户',
    auth: a,
    perm: 'system:user:edit',
    params: IdParams,
    body: S.UserStatusBody,
    response: S.SysUser,
    audit: 'user',
    handler: ({ actor, params, body }) => setUserStatus(actor, params.id, body.status),
  });
  t.add({
    method: 'put',
    path: '/system/users/:id/password',
    summary: '重置密码',
    auth: a,
    perm: 'system:user:resetPwd',
    params: IdParams,
    body: S.ResetPasswordBody,
    audit: 'user',
    handler: ({ actor, params, body }) => none(resetUserPassword(actor, params.id, body.password)),
  });
  t.add({
    method: 'put',
    path: '/system/users/:id/roles',
    summary: '分配角色',
    auth: a,
    perm: 'system:user:edit',
    params: IdParams,
    body: S.RoleIdsBody,
    response: S.SysUser,
    audit: 'user',
    handler: ({ actor, params, body }) => setUserRoles(actor, params.id, body.roleIds),
  });
  t.add({
    method: 'post',
    path: '/system/users/:id/unlock',
    summary: '解锁账号',
    auth: a,
    perm: 'system:user:unlock',
    params: IdParams,
    response: S.SysUser,
    status: 200,
    audit: 'user',
    handler: ({ actor, params }) => unlockUser(actor, params.id),
  });
  t.add({
    method: 'delete',
    path: '/system/users/:id',
    summary: '删除用户',
    auth: a,
    perm: 'system:user:remove',
    params: IdParams,
    audit: 'user',
    handler: ({ actor, params }) => none(deleteUser(actor, params.id)),
  });
  t.add({
    method: 'post',
    path: '/system/users/batch-delete',
    summary: '批量删除用户',
    auth: a,
    perm: 'system:user:remove',
    body: S.BatchIds,
    response: S.BatchDeleted,
    status: 200,
    audit: 'user',
    handler: ({ actor, body }) => deleteUsers(actor, body.ids),
  });

  // roles
  t.add({
    method: 'get',
    path: '/system/roles',
    summary: '角色列表',
    auth: a,
    perm: 'system:role:list',
    response: z.array(S.Role),
    handler: () => listRoles(),
  });
  t.add({
    method: 'get',
    path: '/system/roles/grantable',
    summary: '当前用户可分配的角色',
    auth: a,
    perm: 'system:user:list',
    response: z.array(S.Role),
    handler: async ({ actor }) => roleViews(await grantableRoles(actor)),
  });
  t.add({
    method: 'get',
    path: '/system/roles/:id',
    summary: '角色详情',
    auth: a,
    perm: 'system:role:query',
    params: IdParams,
    response: S.Role,
    handler: ({ params }) => getRole(params.id),
  });
  t.add({
    method: 'post',
    path: '/system/roles',
    summary: '新增角色',
    auth: a,
    perm: 'system:role:add',
    body: S.RoleCreate,
    response: S.Role,
    audit: 'role',
    handler: ({ body }) => createRole(body),
  });
  t.add({
    method: 'put',
    path: '/system/roles/:id',
    summary: '修改角色',
    auth: a,
    perm: 'system:role:edit',
    params: IdParams,
    body: S.RoleUpdate,
    response: S.Role,
    audit: 'role',
    handler: ({ actor, params, body }) => updateRole(actor, params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/roles/:id',
    summary: '删除角色',
    auth: a,
    perm: 'system:role:remove',
    params: IdParams,
    audit: 'role',
    handler: ({ params }) => none(deleteRole(params.id)),
  });
  t.add({
    method: 'post',
    path: '/system/roles/batch-delete',
    summary: '批量删除角色',
    auth: a,
    perm: 'system:role:remove',
    body: S.BatchIds,
    response: S.BatchDeleted,
    status: 200,
    audit: 'role',
    handler: ({ body }) => deleteRoles(body.ids),
  });
  t.add({
    method: 'get',
    path: '/system/roles/:id/users',
    summary: '角色下的用户',
    auth: a,
    perm: 'system:role:query',
    params: IdParams,
    query: PageQuery,
    response: S.SysUserPage,
    handler: ({ actor, params, query }) => usersOfRole(actor, params.id, query),
  });

  // menus
  t.add({
    method: 'get',
    path: '/system/menus',
    summary: '菜单树（含按钮）',
    auth: a,
    perm: 'system:menu:list',
    response: z.array(S.MenuItem),
    handler: () => menuTree(),
  });
  t.add({
    method: 'post',
    path: '/system/menus',
    summary: '新增菜单',
    auth: a,
    perm: 'system:menu:add',
    body: S.MenuCreate,
    response: S.MenuItem,
    audit: 'menu',
    handler: ({ body }) => createMenu(body),
  });
  t.add({
    method: 'put',
    path: '/system/menus/:id',
    summary: '修改菜单',
    auth: a,
    perm: 'system:menu:edit',
    params: IdParams,
    body: S.MenuUpdate,
    response: S.MenuItem,
    audit: 'menu',
    handler: ({ params, body }) => updateMenu(params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/menus/:id',
    summary: '删除菜单',
    auth: a,
    perm: 'system:menu:remove',
    params: IdParams,
    audit: 'menu',
    handler: ({ params }) => none(deleteMenu(params.id)),
  });

  // departments
  t.add({
    method: 'get',
    path: '/system/depts',
    summary: '部门树（数据范围内）',
    auth: a,
    perm: 'system:dept:list',
    response: z.array(S.Dept),
    handler: ({ actor }) => deptTree(actor),
  });
  t.add({
    method: 'get',
    path: '/system/depts/options',
    summary: '部门选项（数据范围内，用于筛选和表单）',
    auth: a,
    response: z.array(S.DeptNode),
    handler: ({ actor }) => deptOptions(actor),
  });
  t.add({
    method: 'post',
    path: '/system/depts',
    summary: '新增部门',
    auth: a,
    perm: 'system:dept:add',
    body: S.DeptCreate,
    response: S.Dept,
    audit: 'dept',
    handler: ({ actor, body }) => createDept(actor, body),
  });
  t.add({
    method: 'put',
    path: '/system/depts/:id',
    summary: '修改部门',
    auth: a,
    perm: 'system:dept:edit',
    params: IdParams,
    body: S.DeptUpdate,
    response: S.Dept,
    audit: 'dept',
    handler: ({ actor, params, body }) => updateDept(actor, params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/depts/:id',
    summary: '删除部门',
    auth: a,
    perm: 'system:dept:remove',
    params: IdParams,
    audit: 'dept',
    handler: ({ actor, params }) => none(deleteDept(actor, params.id)),
  });

  // positions
  t.add({
    method: 'get',
    path: '/system/posts/options',
    summary: '岗位选项（用于用户表单、审核；任何控制台用户可读）',
    auth: a,
    response: z.array(S.PostOption),
    handler: () => postOptions(),
  });
  t.add({
    method: 'get',
    path: '/system/posts',
    summary: '岗位列表',
    auth: a,
    perm: 'system:post:list',
    query: PageQuery,
    response: pageOf(S.Post),
    handler: ({ query }) => listPosts(query),
  });
  t.add({
    method: 'post',
    path: '/system/posts',
    summary: '新增岗位',
    auth: a,
    perm: 'system:post:add',
    body: S.PostCreate,
    response: S.Post,
    audit: 'post',
    handler: ({ body }) => createPost(body),
  });
  t.add({
    method: 'put',
    path: '/system/posts/:id',
    summary: '修改岗位',
    auth: a,
    perm: 'system:post:edit',
    params: IdParams,
    body: S.PostUpdate,
    response: S.Post,
    audit: 'post',
    handler: ({ params, body }) => updatePost(params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/posts/:id',
    summary: '删除岗位',
    auth: a,
    perm: 'system:post:remove',
    params: IdParams,
    audit: 'post',
    handler: ({ params }) => none(deletePost(params.id)),
  });
  t.add({
    method: 'post',
    path: '/system/posts/batch-delete',
    summary: '批量删除岗位',
    auth: a,
    perm: 'system:post:remove',
    body: S.BatchIds,
    response: S.BatchDeleted,
    status: 200,
    audit: 'post',
    handler: ({ body }) => deletePosts(body.ids),
  });

  // dictionaries
  t.add({
    method: 'get',
    path: '/system/dict-types',
    summary: '字典类型列表',
    auth: a,
    perm: 'system:dict:list',
    query: S.DictTypeQuery,
    response: pageOf(S.DictType),
    handler: ({ query }) => listDictTypes(query),
  });
  t.add({
    method: 'post',
    path: '/system/dict-types',
    summary: '新增字典类型',
    auth: a,
    perm: 'system:dict:add',
    body: S.DictTypeCreate,
    response: S.DictType,
    audit: 'dict',
    handler: ({ body }) => createDictType(body),
  });
  t.add({
    method: 'put',
    path: '/system/dict-types/:id',
    summary: '修改字典类型',
    auth: a,
    perm: 'system:dict:edit',
    params: IdParams,
    body: S.DictTypeUpdate,
    response: S.DictType,
    audit: 'dict',
    handler: ({ params, body }) => updateDictType(params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/dict-types/:id',
    summary: '删除字典类型（连同数据）',
    auth: a,
    perm: 'system:dict:remove',
    params: IdParams,
    audit: 'dict',
    handler: ({ params }) => none(deleteDictType(params.id)),
  });
  t.add({
    method: 'post',
    path: '/system/dict-types/batch-delete',
    summary: '批量删除字典类型（连同数据）',
    auth: a,
    perm: 'system:dict:remove',
    body: S.BatchIds,
    response: S.BatchDeleted,
    status: 200,
    audit: 'dict',
    handler: ({ body }) => deleteDictTypes(body.ids),
  });
  t.add({
    method: 'get',
    path: '/system/dict-items',
    summary: '字典数据列表',
    auth: a,
    perm: 'system:dict:list',
    query: S.DictItemQuery,
    response: pageOf(S.DictItem),
    handler: ({ query }) => listDictItems(query),
  });
  t.add({
    method: 'post',
    path: '/system/dict-items',
    summary: '新增字典数据',
    auth: a,
    perm: 'system:dict:add',
    body: S.DictItemCreate,
    response: S.DictItem,
    audit: 'dict',
    handler: ({ body }) => createDictItem(body),
  });
  t.add({
    method: 'put',
    path: '/system/dict-items/:id',
    summary: '修改字典数据',
    auth: a,
    perm: 'system:dict:edit',
    params: IdParams,
    body: S.DictItemUpdate,
    response: S.DictItem,
    audit: 'dict',
    handler: ({ params, body }) => updateDictItem(params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/system/dict-items/:id',
    summary: '删除字典数据',
    auth: a,
    perm: 'system:dict:remove',
    params: IdParams,
    audit: 'dict',
    handler: ({ params }) => none(deleteDictItem(params.id)),
  });
  t.add({
    method: 'post',
    path: '/system/dict-items/batch-delete',
    summary: '批量删除字典数据',
    auth: a,
    perm: 'system:dict:remove',
    body: S.BatchIds,
    response: S.BatchDeleted,
    status: 200,
    audit: 'dict',
    handler: ({ body }) => deleteDictItems(body.ids),
  });

  // staff applications
  t.add({
    method: 'get',
    path: '/system/staff-applications',
    summary: '人员申请列表',
    auth: a,
    perm: 'system:staffApply:list',
    query: S.StaffApplicationQuery,
    response: S.StaffApplicationPage,
    handler: ({ actor, query }) => listStaffApplications(actor, query),
  });
  t.add({
    method: 'post',
    path: '/system/staff-applications/:id/approve',
    summary: '通过人员申请',
    auth: a,
    perm: 'system:staffApply:approve',
    params: IdParams,
    body: S.ApproveBody,
    response: S.StaffApplication,
    status: 200,
    audit: 'staff',
    handler: ({ actor, params, body }) => approveStaffApplication(actor, params.id, body),
  });
  t.add({
    method: 'post',
    path: '/system/staff-applications/:id/reject',
    summary: '驳回人员申请',
    auth: a,
    perm: 'system:staffApply:approve',
    params: IdParams,
    body: S.RejectBody,
    response: S.StaffApplication,
    status: 200,
    audit: 'staff',
    handler: ({ actor, params, body }) => rejectStaffApplication(actor, params.id, body.reason),
  });
}
