import type { RouteTree } from '../../http/route';
import { infra } from '../../infra';
import { AppError } from '../../http/errors';
import { MpLoginBody, MpLoginResult, MpUser, MpUserPatch, PhoneBody, RefreshBody } from './schemas';
import { bindPhone, mpLogin, mpLogout, mpMe, mpRefresh, setMpAvatar, updateMpMe } from './service';

export function mpAuthRoutes(t: RouteTree) {
  t.add({
    method: 'post',
    path: '/auth/login',
    summary: '微信登录（wx.login code 换取令牌）',
    auth: 'public',
    body: MpLoginBody,
    response: MpLoginResult,
    status: 200,
    handler: async ({ body, ctx }) => {
      // WeChat limits code2session per minute; don't let one client spend our quota.
      const r = await infra().kv.hit(`mp-login:ip:${ctx.ip}`, infra().config.LOGIN_RATE_PER_IP_PER_MIN, 60);
      if (!r.allowed)
        throw new AppError(429, 'RATE_LIMITED', '登录太频繁，请稍后再试', { retryAfterSeconds: r.retryAfterSec });
      return mpLogin(body.code);
    },
  });
  t.add({
    method: 'post',
    path: '/auth/refresh',
    summary: '刷新令牌（轮换）',
    auth: 'public',
    body: RefreshBody,
    response: MpLoginResult,
    status: 200,
    handler: ({ body }) => mpRefresh(body.refreshToken),
  });
  t.add({
    method: 'post',
    path: '/auth/logout',
    summary: '退出登录',
    auth: 'mp',
    body: RefreshBody,
    status: 204,
    handler: async ({ actor, body }) => void (await mpLogout(actor, body.refreshToken)),
  });
  t.add({
    method: 'get',
    path: '/me',
    summary: '当前用户',
    auth: 'mp',
    response: MpUser,
    handler: ({ actor }) => mpMe(actor),
  });
  t.add({
    method: 'patch',
    path: '/me',
    summary: '修改昵称头像',
    auth: 'mp',
    body: MpUserPatch,
    response: MpUser,
    handler: ({ actor, body }) => updateMpMe(actor, body),
  });
  t.add({
    method: 'post',
    path: '/me/phone',
    summary: '绑定手机号（getPhoneNumber code）',
    auth: 'mp',
    body: PhoneBody,
    response: MpUser,
    status: 200,
    handler: ({ actor, body }) => bindPhone(actor, body.code),
  });
  t.add({
    method: 'post',
    path: '/me/avatar',
    summary: '上传头像（请求体为图片本身，wx chooseAvatar 选择的图片；类型按内容识别）',
    auth: 'mp',
    response: MpUser,
    status: 200,
    handler: ({ actor, ctx }) => setMpAvatar(actor, ctx.req, Number(ctx.get('content-length')) || undefined),
  });
}
