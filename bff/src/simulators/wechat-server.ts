/**
 * A local WeChat server API that follows the official protocol for what Yiyun uses:
 *   GET  /sns/jscode2session                 (mini-program login; codes single-use, 5-minute life)
 *   POST /cgi-bin/stable_token               (access token; 7200 s; force_refresh rotates)
 *   POST /wxa/business/getuserphonenumber    (phone number from the getPhoneNumber button code)
 *   POST /cgi-bin/message/subscribe/send     (one-time subscribe message; one send per acceptance, else 43101)
 * plus the simulator's own endpoints that stand in for the phone: /__sim/login, /__sim/phone-code and
 * /__sim/subscribe (the user answering wx.requestSubscribeMessage).
 * Used by the tests and, in embedded demo mode, as the clearly-labelled "simulated WeChat".
 */
import type http from 'node:http';
import { closeServer, listenLocally } from './listen';
import crypto from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';

const CODE_TTL_MS = 5 * 60 * 1000;
const TOKEN_TTL_S = 7200;
const LOGIN_QUOTA_PER_MIN = 100;

interface LoginCode {
  openid: string;
  issuedAt: number;
  used: boolean;
}
interface PhoneCode {
  phone: string;
  issuedAt: number;
  used: boolean;
}
export interface SentSubscribeMessage {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  at: number;
}
const SUBSCRIBE_STATUSES = new Set(['accept', 'reject', 'ban', 'filter']);

/**
 * A template keyword's value as WeChat checks it by the keyword's type (the name before its number): thing ≤ 20
 * characters; character_string ≤ 32 digits, letters or symbols; amount one optional currency sign, up to 10 digits
 * with decimals, optionally 元; phrase ≤ 5 Chinese characters; time a 24-hour HH:mm, optionally after a date written
 * 2019年10月1日, or two of them joined by ~. Other types are taken as they come.
 */
function keywordValueOk(key: string, value: string): boolean {
  const type = key.replace(/\d+$/, '');
  if (type === 'thing') return [...value].length <= 20;
  if (type === 'character_string') return /^[\x21-\x7e]{1,32}$/.test(value);
  if (type === 'amount') return /^[¥￥$€£]?\d{1,10}(\.\d+)?元?$/.test(value);
  if (type === 'phrase') return /^\p{Script=Han}{1,5}$/u.test(value);
  if (type === 'time') {
    const point = '(\\d{4}年\\d{1,2}月\\d{1,2}日 )?([01]?\\d|2[0-3]):[0-5]\\d';
    return new RegExp(`^${point}(~${point})?$`).test(value);
  }
  return true;
}

export interface FakeWechatOptions {
  apps?: Record<string, string>; // appid -> secret
  /** code2session calls a minute before 45011 (WeChat's own: 100); a test process shared by every suite raises it. */
  loginQuotaPerMin?: number;
}

export class FakeWechat {
  readonly apps: Record<string, string>;
  private loginCodes = new Map<string, LoginCode>();
  private phoneCodes = new Map<string, PhoneCode>();
  private sessionKeys = new Map<string, string>();
  private tokens = new Map<string, { appid: string; expiresAt: number }>();
  private currentToken = new Map<string, string>();
  private loginCalls: number[] = [];
  /** Counters the tests read to check caching behaviour. */
  readonly stats = { code2session: 0, stableToken: 0, phone: 0, subscribeSend: 0 };
  /** Subscribe messages WeChat accepted for delivery, in order. */
  readonly sentMessages: SentSubscribeMessage[] = [];
  /** Acceptances of wx.requestSubscribeMessage not yet spent, by openid and template id. */
  private subscribeQuota = new Map<string, number>();
  private server?: http.Server;

  private readonly loginQuotaPerMin: number;

  constructor(opts: FakeWechatOptions = {}) {
    this.apps = opts.apps ?? {};
    this.loginQuotaPerMin = opts.loginQuotaPerMin ?? LOGIN_QUOTA_PER_MIN;
  }

  /** What wx.login gives the phone: a fresh code for this WeChat user. */
  issueLoginCode(openid = `o_sim_${crypto.randomBytes(9).toString('base64url')}`): string {
    const code = crypto.randomBytes(16).toString('hex');
    this.loginCodes.set(code, { openid, issuedAt: Date.now(), used: false });
    return code;
  }
  issuePhoneCode(phone: string): string {
    const code = crypto.randomBytes(16).toString('hex');
    this.phoneCodes.set(code, { phone, issuedAt: Date.now(), used: false });
    return code;
  }
  /** Simulates WeChat invalidating every access token (e.g. another service force-refreshed). */
  invalidateTokens() {
    this.tokens.clear();
  }
  /** Ages a code so the next exchange sees it expired. */
  expireCode(code: string) {
    const c = this.loginCodes.get(code) ?? this.phoneCodes.get(code);
    if (c) c.issuedAt -= CODE_TTL_MS + 1;
  }

  /** The user tapping 允许 (accept) or 取消 (reject) in wx.requestSubscribeMessage's dialog: one send per acceptance. */
  answerSubscribeRequest(openid: string, result: Record<string, string>) {
    for (const [templateId, status] of Object.entries(result)) {
      if (status !== 'accept') continue;
      const key = `${openid}\n${templateId}`;
      this.subscribeQuota.set(key, (this.subscribeQuota.get(key) ?? 0) + 1);
    }
  }
  subscribeQuotaOf(openid: string, templateId: string) {
    return this.subscribeQuota.get(`${openid}\n${templateId}`) ?? 0;
  }

  private appOk(appid: unknown, secret: unknown): { errcode: number; errmsg: string } | undefined {
    if (typeof appid !== 'string' || !(appid in this.apps)) return { errcode: 40013, errmsg: 'invalid appid' };
    if (this.apps[appid] !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    return undefined;
  }

  app(): Koa {
    const router = new Router();
    router.get('/sns/jscode2session', (ctx) => {
      this.stats.code2session++;
      const q = ctx.query;
      const bad = this.appOk(q.appid, q.secret);
      if (bad) return void (ctx.body = bad);
      if (q.grant_type !== 'authorization_code')
        return void (ctx.body = { errcode: 40002, errmsg: 'invalid grant_type' });
      const now = Date.now();
      this.loginCalls = this.loginCalls.filter((t) => now - t < 60_000);
      if (this.loginCalls.length >= this.loginQuotaPerMin)
        return void (ctx.body = { errcode: 45011, errmsg: 'api minute-quota reach limit' });
      this.loginCalls.push(now);
      const code = this.loginCodes.get(String(q.js_code ?? ''));
      if (!code || now - code.issuedAt > CODE_TTL_MS)
        return void (ctx.body = { errcode: 40029, errmsg: 'invalid code' });
      if (code.used) return void (ctx.body = { errcode: 40163, errmsg: 'code been used' });
      code.used = true;
      const sessionKey = crypto.randomBytes(16).toString('base64');
      this.sessionKeys.set(code.openid, sessionKey);
      ctx.body = { openid: code.openid, session_key: sessionKey };
    });
    router.post('/cgi-bin/stable_token', (ctx) => {
      this.stats.stableToken++;
      const b = (ctx.request.body ?? {}) as Record<string, unknown>;
      if (b.grant_type !== 'client_credential')
        return void (ctx.body = { errcode: 40002, errmsg: 'invalid grant_type' });
      const bad = this.appOk(b.appid, b.secret);
      if (bad) return void (ctx.body = bad);
      const appid = b.appid as string;
      const existing = this.currentToken.get(appid);
      const live = existing && this.tokens.get(existing);
      if (live && !b.force_refresh && live.expiresAt > Date.now()) {
        return void (ctx.body = {
          access_token: existing,
          expires_in: Math.floor((live.expiresAt - Date.now()) / 1000),
        });
      }
      const token = crypto.randomBytes(24).toString('base64url');
      this.tokens.set(token, { appid, expiresAt: Date.now() + TOKEN_TTL_S * 1000 });
      this.currentToken.set(appid, token);
      ctx.body = { access_token: token, expires_in: TOKEN_TTL_S };
    });
    router.post('/wxa/business/getuserphonenumber', (ctx) => {
      this.stats.phone++;
      const t = this.tokens.get(String(ctx.query.access_token ?? ''));
      if (!t)
        return void (ctx.body = {
          errcode: 40001,
          errmsg: 'invalid credential, access_token is invalid or not latest',
        });
      if (t.expiresAt <= Date.now()) return void (ctx.body = { errcode: 42001, errmsg: 'access_token expired' });
      const b = (ctx.request.body ?? {}) as Record<string, unknown>;
      const code = this.phoneCodes.get(String(b.code ?? ''));
      if (!code || code.used || Date.now() - code.issuedAt > CODE_TTL_MS)
        return void (ctx.body = { errcode: 40029, errmsg: 'invalid code' });
      code.used = true;
      ctx.body = {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: code.phone,
          purePhoneNumber: code.phone,
          countryCode: '86',
          watermark: { timestamp: Math.floor(Date.now() / 1000), appid: t.appid },
        },
      };
    });
    router.post('/cgi-bin/message/subscribe/send', (ctx) => {
      this.stats.subscribeSend++;
      const t = this.tokens.get(String(ctx.query.access_token ?? ''));
      if (!t)
        return void (ctx.body = {
          errcode: 40001,
          errmsg: 'invalid credential, access_token is invalid or not latest',
        });
      if (t.expiresAt <= Date.now()) return void (ctx.body = { errcode: 42001, errmsg: 'access_token expired' });
      const b = (ctx.request.body ?? {}) as Record<string, unknown>;
      // Only users who opened the mini-program (code2session) have an openid under this app.
      if (typeof b.touser !== 'string' || !this.sessionKeys.has(b.touser))
        return void (ctx.body = { errcode: 40003, errmsg: 'invalid openid' });
      if (typeof b.template_id !== 'string' || !/^[\w-]{1,64}$/.test(b.template_id))
        return void (ctx.body = { errcode: 40037, errmsg: 'invalid template id' });
      const data = b.data as Record<string, { value?: unknown }> | undefined;
      const bad =
        !data || typeof data !== 'object'
          ? 'data'
          : Object.entries(data).find(([k, v]) => typeof v?.value !== 'string' || !keywordValueOk(k, v.value))?.[0];
      if (bad) return void (ctx.body = { errcode: 47003, errmsg: `argument invalid! data.${bad}.value invalid` });
      if (b.page !== undefined && (typeof b.page !== 'string' || b.page.startsWith('/')))
        return void (ctx.body = { errcode: 41030, errmsg: 'invalid page' });
      const key = `${b.touser}\n${b.template_id}`;
      const left = this.subscribeQuota.get(key) ?? 0;
      if (left <= 0) return void (ctx.body = { errcode: 43101, errmsg: 'user refuse to accept the msg' });
      this.subscribeQuota.set(key, left - 1);
      this.sentMessages.push({
        touser: b.touser,
        templateId: b.template_id,
        page: b.page as string | undefined,
        data: data as Record<string, { value: string }>,
        at: Date.now(),
      });
      ctx.body = { errcode: 0, errmsg: 'ok' };
    });
    // The simulator's stand-ins for what the WeChat client on the phone does.
    router.post('/__sim/login', (ctx) => {
      const b = (ctx.request.body ?? {}) as Record<string, unknown>;
      const openid = typeof b.openid === 'string' && /^[\w-]{6,64}$/.test(b.openid) ? b.openid : undefined;
      ctx.body = { code: this.issueLoginCode(openid) };
    });
    router.post('/__sim/phone-code', (ctx) => {
      const b = (ctx.request.body ?? {}) as Record<string, unknown>;
      if (typeof b.phoneNumber !== 'string' || !/^1[3-9]\d{9}$/.test(b.phoneNumber)) {
        ctx.status = 400;
        return void (ctx.body = { errcode: 40003, errmsg: '请输入 11 位手机号' });
      }
      ctx.body = { code: this.issuePhoneCode(b.phoneNumber) };
    });
    // What wx.requestSubscribeMessage resolves with after the user answered: { errMsg, [templateId]: status }.
    router.post('/__sim/subscribe', (ctx) => {
      const b = (ctx.request.body ?? {}) as Record<string, unknown>;
      const result = b.result as Record<string, unknown> | undefined;
      const ok =
        typeof b.openid === 'string' &&
        /^[\w-]{6,64}$/.test(b.openid) &&
        result &&
        typeof result === 'object' &&
        Object.entries(result).length > 0 &&
        Object.entries(result).length <= 3 &&
        Object.entries(result).every(
          ([k, v]) => /^[\w-]{1,64}$/.test(k) && typeof v === 'string' && SUBSCRIBE_STATUSES.has(v),
        );
      if (!ok) {
        ctx.status = 400;
        return void (ctx.body = {
          errCode: 20001,
          errMsg: 'requestSubscribeMessage:fail invalid tmplIds (1 to 3 ids, each accept/reject/ban/filter)',
        });
      }
      this.answerSubscribeRequest(b.openid as string, result as Record<string, string>);
      ctx.body = { errMsg: 'requestSubscribeMessage:ok', ...result };
    });
    const app = new Koa();
    app.use(bodyParser());
    app.use(router.routes());
    return app;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const { server, url } = await listenLocally(this.app(), port, host);
    this.server = server;
    return url;
  }

  async close() {
    await closeServer(this.server);
  }
}
