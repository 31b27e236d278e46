import type { Config } from '../config';
import type { Kv } from './kv';
import type { Logger } from './logger';

export class WechatError extends Error {
  constructor(
    public errcode: number,
    public errmsg: string,
  ) {
    super(`wechat ${errcode}: ${errmsg}`);
  }
}

interface WxResponse {
  errcode?: number;
  errmsg?: string;
}

/**
 * WeChat server API client (mini-program login, access token, phone number). The base URL is
 * configurable so the tests and the demo point it at the local spec-faithful simulator.
 */
export class WechatClient {
  private baseUrl?: string;
  constructor(
    private config: Config,
    private kv: Kv,
    private log: Logger,
  ) {
    this.baseUrl = config.wechat.apiBase;
  }
  /** Embedded demo mode starts the simulator itself and tells the client where it listens. */
  setBaseUrl(url: string) {
    this.baseUrl = url;
  }
  get apiBase() {
    if (!this.baseUrl) throw new Error('WeChat API base URL not set');
    return this.baseUrl;
  }

  private async call<T extends WxResponse>(path: string, init?: { query?: Record<string, string>; body?: unknown }) {
    const url = new URL(path, this.apiBase.endsWith('/') ? this.apiBase : this.apiBase + '/');
    for (const [k, v] of Object.entries(init?.query ?? {})) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method: init?.body === undefined ? 'GET' : 'POST',
      headers: init?.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new WechatError(-1, `HTTP ${res.status}`);
    const data = (await res.json()) as T;
    if (data.errcode) throw new WechatError(data.errcode, data.errmsg ?? '');
    return data;
  }

  code2session(code: string) {
    return this.call<WxResponse & { openid: string; session_key: string; unionid?: string }>('sns/jscode2session', {
      query: {
        appid: this.config.wechat.appid,
        secret: this.config.wechat.secret,
        js_code: code,
        grant_type: 'authorization_code',
      },
    });
  }

  /** The stable access token, shared by every instance through the cache and renewed before it expires. */
  async accessToken(forceRefresh = false): Promise<string> {
    const key = `wechat:access_token:${this.config.wechat.appid}`;
    if (!forceRefresh) {
      const cached = await this.kv.get<string>(key);
      if (cached) return cached;
    }
    return this.kv.withLock(key, async () => {
      const again = forceRefresh ? undefined : await this.kv.get<string>(key);
      if (again) return again;
      const r = await this.call<WxResponse & { access_token: string; expires_in: number }>('cgi-bin/stable_token', {
        body: {
          grant_type: 'client_credential',
          appid: this.config.wechat.appid,
          secret: this.config.wechat.secret,
          force_refresh: forceRefresh,
        },
      });
      await this.kv.set(key, r.access_token, Math.max(60, r.expires_in - 300));
      return r.access_token;
    });
  }

  /** Calls an access-token API, fetching a fresh token once when WeChat says the cached one is no longer valid. */
  private async withToken<T>(ask: (token: string) => Promise<T>): Promise<T> {
    try {
      return await ask(await this.accessToken());
    } catch (err) {
      // 40001/42001: the token was invalidated or expired early; fetch a fresh one once.
      if (err instanceof WechatError && (err.errcode === 40001 || err.errcode === 42001)) {
        this.log.warn({ errcode: err.errcode }, 'wechat access token rejected, refreshing');
        return ask(await this.accessToken(true));
      }
      throw err;
    }
  }

  /**
   * A subscribe message (订阅消息). `data` values are WeChat's `{ key: { value } }`; `page` opens in the mini-program.
   * Throws WechatError 43101 when the user has no acceptance left for the template (or refused it).
   */
  async sendSubscribeMessage(m: {
    touser: string;
    templateId: string;
    page?: string;
    data: Record<string, string>;
    state?: 'developer' | 'trial' | 'formal';
  }) {
    const body = {
      touser: m.touser,
      template_id: m.templateId,
      page: m.page,
      miniprogram_state: m.state ?? 'formal',
      lang: 'zh_CN',
      data: Object.fromEntries(Object.entries(m.data).map(([k, value]) => [k, { value }])),
    };
    await this.withToken((token) =>
      this.call<WxResponse>('cgi-bin/message/subscribe/send', { query: { access_token: token }, body }),
    );
  }

  async phoneNumber(code: string): Promise<string> {
    type R = WxResponse & { phone_info: { phoneNumber: string; purePhoneNumber: string; countryCode: string } };
    const ask = async (token: string) =>
      this.call<R>('wxa/business/getuserphonenumber', { query: { access_token: token }, body: { code } });
    try {
      return (await ask(await this.accessToken())).phone_info.purePhoneNumber;
    } catch (err) {
      // 40001/42001: the token was invalidated or expired early; fetch a fresh one once.
      if (err instanceof WechatError && (err.errcode === 40001 || err.errcode === 42001)) {
        this.log.warn({ errcode: err.errcode }, 'wechat access token rejected, refreshing');
        return (await ask(await this.accessToken(true))).phone_info.purePhoneNumber;
      }
      throw err;
    }
  }
}
