import type { RouteTree } from '../../http/route';
import { z } from 'zod';
import { AdminLoginBody, ChangePasswordBody, Me, MenuNode, RefreshBody, TokenPair } from './schemas';
import { adminLogin, adminLogout, adminRefresh, changeOwnPassword, me, myMenus } from './service';

export function adminAuthRoutes(t: RouteTree) {
  t.add({
    method: 'post',
    path: '/auth/login',
    summary: '后台登录',
    auth: 'public',
    body: AdminLoginBody,
    response: TokenPair,
    status: 200,
    handler: ({ body, ctx }) => adminLogin(body, { ip: ctx.ip, userAgent: ctx.get('user-agent') }),
  });
  t.add({
    method: 'post',
    path: '/auth/refresh',
    summary: '刷新令牌（轮换，重复使用即注销会话）',
    auth: 'public',
    body: RefreshBody,
    response: TokenPair,
    status: 200,
    handler: ({ body }) => adminRefresh(body.refreshToken),
  });
  t.add({
    method: 'post',
    path: '/auth/logout',
    summary: '退出登录',
    auth: 'admin',
    status: 204,
    audit: false,
    allowWithPendingPasswordChange: true,
    handler: async ({ actor }) => void (await adminLogout(actor)),
  });
  t.add({
    method: 'get',
    path: '/me',
    summary: '当前用户、角色与权限',
    auth: 'admin',
    response: Me,
    allowWithPendingPasswordChange: true,
    handler: ({ actor }) => me(actor),
  });
  t.add({
    method: 'get',
    path: '/me/menus',
    summary: '当前用户的菜单树',
    auth: 'admin',
    response: z.array(MenuNode),
    handler: ({ actor }) => myMenus(actor),
  });
  t.add({
    method: 'put',
    path: '/me/password',
    summary: '修改本人密码',
    auth: 'admin',
    body: ChangePasswordBody,
    audit: 'auth',
    allowWithPendingPasswordChange: true,
    handler: async ({ actor, body }) => void (await changeOwnPassword(actor, body.oldPassword, body.newPassword)),
  });
}
