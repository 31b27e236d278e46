import { apiBase, rawRequest, storage, wechatLoginCode } from '@/platform'
import { ErrorCode } from '@bff/shared/error-codes'
import { ApiError, networkError, showError, toApiError } from './errors'
import type { MpLoginResult, MpUser } from './types'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
interface Tokens {
  accessToken: string
  refreshToken: string
}

const TOKENS_KEY = 'yiyun.mp.tokens'

// Read from storage on every use, not cached: in the h5 preview several browser tabs share one
// storage, and a tab holding a stale (rotated) refresh token would otherwise reuse it.
const currentTokens = (): Tokens | null => storage.get<Tokens>(TOKENS_KEY)
// Single-flight promises: while one login/refresh runs, every other request waits for it
// instead of starting its own (a rotating refresh token may only be used once).
let loginInFlight: Promise<MpLoginResult> | null = null
let refreshInFlight: Promise<void> | null = null
const userListeners: ((u: MpUser) => void)[] = []

export function onUserChanged(fn: (u: MpUser) => void): void {
  userListeners.push(fn)
}

function saveTokens(t: Tokens | null) {
  if (t) storage.set(TOKENS_KEY, t)
  else storage.remove(TOKENS_KEY)
}

async function send(method: Method, path: string, data: unknown, auth: boolean) {
  const headers: Record<string, string> = {}
  const tokens = auth ? currentTokens() : null
  if (tokens) headers.Authorization = `Bearer ${tokens.accessToken}`
  try {
    return await rawRequest({ url: apiBase + path, method, data, headers })
  } catch (e) {
    throw networkError(e)
  }
}

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | null)?.error?.code
}

// 退出登录 is remembered: no silent login until the user logs in again from 我的 (loginAgain).
const LOGGED_OUT_KEY = 'yiyun.mp.loggedOut'
export const isLoggedOut = (): boolean => storage.get<boolean>(LOGGED_OUT_KEY) === true

/** 退出登录: ends this login at the BFF (its access tokens stop at once) and forgets it on the device. */
export async function logout(): Promise<void> {
  const tokens = currentTokens()
  if (tokens)
    await send('POST', '/api/mp/auth/logout', { refreshToken: tokens.refreshToken }, true).catch(() => undefined)
  forgetSession()
}

/** After 注销账号 or 退出登录: nothing of the session stays on the device. */
export function forgetSession(): void {
  saveTokens(null)
  storage.set(LOGGED_OUT_KEY, true)
}

export function loginAgain(): Promise<MpLoginResult> {
  storage.remove(LOGGED_OUT_KEY)
  return login()
}

/** Silent WeChat login: wx.login code → BFF → our own tokens. Used on launch and whenever the session is gone. */
export function login(): Promise<MpLoginResult> {
  if (isLoggedOut()) return Promise.reject(new ApiError(401, 'LOGGED_OUT', '您已退出登录，请在“我的”页面登录'))
  loginInFlight ??= (async () => {
    const code = await wechatLoginCode().catch(() => {
      throw new ApiError(0, 'WECHAT_LOGIN_FAILED', '微信登录失败，请检查网络后重新进入')
    })
    const res = await send('POST', '/api/mp/auth/login', { code }, false)
    if (res.status !== 200 && res.status !== 201) throw toApiError(res.status, res.data)
    const result = res.data as MpLoginResult
    saveTokens({ accessToken: result.accessToken, refreshToken: result.refreshToken })
    userListeners.forEach((fn) => fn(result.user))
    return result
  })().finally(() => {
    loginInFlight = null
  })
  return loginInFlight
}

function refresh(): Promise<void> {
  refreshInFlight ??= (async () => {
    const current = currentTokens()
    if (current) {
      const res = await send('POST', '/api/mp/auth/refresh', { refreshToken: current.refreshToken }, false)
      if (res.status === 200) {
        const r = res.data as MpLoginResult
        saveTokens({ accessToken: r.accessToken, refreshToken: r.refreshToken })
        if (r.user) userListeners.forEach((fn) => fn(r.user))
        return
      }
    }
    // Refresh token rejected or missing: a WeChat user can always log in again without being asked.
    saveTokens(null)
    await login()
  })().finally(() => {
    refreshInFlight = null
  })
  return refreshInFlight
}

/** A live access token for the app's socket: logs in or refreshes first when needed (the socket can't retry a 401). */
export async function freshAccessToken(forceRefresh = false): Promise<string> {
  if (loginInFlight) await loginInFlight
  if (refreshInFlight) await refreshInFlight
  if (!currentTokens()) await login()
  else if (forceRefresh) await refresh()
  return currentTokens()!.accessToken
}

export function hasSession(): boolean {
  return currentTokens() !== null
}

export interface RequestOptions {
  data?: unknown
  /** Show the error as a toast (default). Forms that show errors next to fields pass false. */
  toast?: boolean
  /** A public endpoint (the privacy policy): without a session (after 退出登录) it is asked without logging in. */
  anonymous?: boolean
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  try {
    if (loginInFlight) await loginInFlight
    if (refreshInFlight) await refreshInFlight
    const anonymous = opts.anonymous === true && !currentTokens() && isLoggedOut()
    if (!currentTokens() && !anonymous) await login()

    const used = currentTokens()?.accessToken
    let res = await send(method, path, opts.data, true)
    if (res.status === 401 && !anonymous) {
      // Requests that were in flight together all come back 401: the first renews the session, the
      // others wait for that (single-flight) or see newer tokens and simply retry.
      const now = currentTokens()
      if (!now || now.accessToken === used) {
        if (errorCode(res.data) === ErrorCode.TOKEN_EXPIRED) await refresh()
        else await login()
      }
      res = await send(method, path, opts.data, true)
    }
    if (res.status >= 400) throw toApiError(res.status, res.data)
    return (res.status === 204 ? undefined : res.data) as T
  } catch (e) {
    const err = e instanceof ApiError ? e : networkError(e)
    if (opts.toast !== false) showError(err)
    throw err
  }
}

export const http = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, data?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, data }),
  put: <T>(path: string, data?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, data }),
  patch: <T>(path: string, data?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, data }),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
}
