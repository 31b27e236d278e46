import type { RouteTree } from '../../http/route';
import { MpLoginBody, MpLoginResult, MpUser, MpUserPatch, PhoneBody, RefreshBody } from './schemas';
import { bindPhone, mpLogin, mpLogout, mpMe, mpRefresh, updateMpMe } from './service';

export function mpAuthRoutes(t: RouteTree) {
  t.add({ method: 'post', path: '/auth/login', summary: '微信登录（wx.login code 换取令牌）', auth: 'public', body: MpLoginBody, response: MpLoginResult, status: 200,
    handler: ({ body }) => mpLogin(body.code) });
  t.add({ method: 'post', path: '/auth/refresh', summary: '刷新令牌（轮换）', auth: 'public', body: RefreshBody, response: MpLoginResult, status: 200,
    handler: ({ body }) => mpRefresh(body.refreshToken) });
  t.add({ method: 'post', path: '/auth/logout', summary: '退出登录', auth: 'mp', body: RefreshBody, status: 204,
    handler: async ({ actor, body }) => void (await mpLogout(actor, body.refreshToken)) });
  t.add({ method: 'get', path: '/me', summary: '当前用户', auth: 'mp', response: MpUser, handler: ({ actor }) => mpMe(actor) });
  t.add({ method: 'patch', path: '/me', summary: '修改昵称头像', auth: 'mp', body: MpUserPatch, response: MpUser,
    handler: ({ actor, body }) => updateMpMe(actor, body) });
  t.add({ method: 'post', path: '/me/phone', summary: '绑定手机号（getPhoneNumber code）', auth: 'mp', body: PhoneBody, response: MpUser, status: 200,
    handler: ({ actor, body }) => bindPhone(actor, body.code) });
}
