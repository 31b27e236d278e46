import axios, { AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios'
import { ElMessage, ElMessageBox } from 'element-plus'
import type { ErrorBody, TokenPair } from './types'
import { tokens } from './tokens'
import { ErrorCode } from '@bff/shared/error-codes'

/** The BFF's error, with its stable code and the Chinese message meant for the person at the screen. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the BFF's ErrorCode, or one of the console's own: HTTP_<status>, TIMEOUT, NETWORK, UNKNOWN */
    readonly code: ErrorCode | `HTTP_${number}` | 'TIMEOUT' | 'NETWORK' | 'UNKNOWN',
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** the caller shows the error itself (e.g. inline on the login form) */
    silent?: boolean
    /** internal: this request was already retried after a refresh */
    _retried?: boolean
  }
}

export const http = axios.create({ baseURL: '/api/admin', timeout: 20_000 })

http.interceptors.request.use((config) => {
  const access = tokens.access
  if (access && !config.headers.Authorization) config.headers.Authorization = `Bearer ${access}`
  return config
})

// ---- refresh: one in flight; every request that hits TOKEN_EXPIRED meanwhile waits for it and is retried ----
let refreshing: Promise<string> | null = null

async function refreshAccessToken(): Promise<string> {
  const refreshToken = tokens.refresh
  if (!refreshToken) throw new ApiError(401, ErrorCode.REFRESH_TOKEN_INVALID, '登录已过期，请重新登录')
  // a bare axios call: the refresh must not go through the interceptors it is serving
  const { data } = await axios.post<TokenPair>('/api/admin/auth/refresh', { refreshToken })
  tokens.save(data)
  return data.accessToken
}

function ensureRefresh(): Promise<string> {
  refreshing ??= refreshAccessToken().finally(() => {
    refreshing = null
  })
  return refreshing
}

// ---- session end: exactly one prompt however many requests fail at once ----
let sessionEnded = false
let onSessionEnd: () => void = () => undefined

/** The app tells the client what "go to the login page" means (clear the store, navigate). */
export function setSessionEndHandler(fn: () => void): void {
  onSessionEnd = fn
}

let onPasswordChangeRequired: () => void = () => undefined

/** What the app does when the BFF refuses a call until the initial password is changed (go to that page). */
export function setPasswordChangeHandler(fn: () => void): void {
  onPasswordChangeRequired = fn
}

/** Called after a successful login so the next expiry prompts again. */
export function resetSessionEnded(): void {
  sessionEnded = false
}

/** What the prompt says: an administrator's force logout is named as such (its own code), anything else expired. */
function endSession(why?: ApiError): void {
  if (sessionEnded) return
  sessionEnded = true
  tokens.clear()
  const forced = why?.code === ErrorCode.SESSION_FORCED_OUT
  ElMessageBox.alert(forced ? why.message : '登录已过期，请重新登录', forced ? '已下线' : '提示', {
    confirmButtonText: '重新登录',
    type: 'warning',
    showClose: false,
    closeOnPressEscape: false,
  })
    .catch(() => undefined)
    .finally(() => onSessionEnd())
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof AxiosError) {
    const body = err.response?.data as Partial<ErrorBody> | undefined
    if (err.response && body?.error) {
      return new ApiError(err.response.status, body.error.code as ErrorCode, body.error.message, body.error.details)
    }
    if (err.response)
      return new ApiError(
        err.response.status,
        `HTTP_${err.response.status}` as const,
        `服务器错误（${err.response.status}）`,
      )
    if (err.code === 'ECONNABORTED') return new ApiError(0, 'TIMEOUT', '请求超时，请稍后重试')
    return new ApiError(0, 'NETWORK', '网络异常，请检查网络连接')
  }
  return new ApiError(0, 'UNKNOWN', err instanceof Error ? err.message : String(err))
}

const SESSION_CODES = new Set<ApiError['code']>([
  ErrorCode.SESSION_REVOKED,
  ErrorCode.SESSION_FORCED_OUT,
  ErrorCode.REFRESH_TOKEN_INVALID,
  ErrorCode.UNAUTHENTICATED,
])

http.interceptors.response.use(undefined, async (raw: unknown) => {
  // a download (responseType blob) that failed carries the BFF's JSON error as a Blob: read it so the code
  // (TOKEN_EXPIRED → refresh) and the Chinese message work as for any other request
  const failed = raw instanceof AxiosError ? raw.response : undefined
  if (failed && typeof Blob !== 'undefined' && failed.data instanceof Blob && /json/.test(failed.data.type)) {
    failed.data = await failed.data.text().then(
      (t) => JSON.parse(t) as unknown,
      () => undefined,
    )
  }
  const error = toApiError(raw)
  const config = (raw as AxiosError).config as InternalAxiosRequestConfig | undefined
  const isAuthCall = config?.url?.startsWith('/auth/login') || config?.url?.startsWith('/auth/refresh')

  if (config && !isAuthCall && error.status === 401 && error.code === ErrorCode.TOKEN_EXPIRED && !config._retried) {
    try {
      const access = await ensureRefresh()
      config._retried = true
      config.headers.Authorization = `Bearer ${access}`
      return await http.request(config)
    } catch (refreshErr) {
      const e = toApiError(refreshErr)
      if (e.status === 401) endSession(e)
      throw e
    }
  }
  if (
    !isAuthCall &&
    error.status === 401 &&
    (SESSION_CODES.has(error.code) || error.code === ErrorCode.TOKEN_EXPIRED)
  ) {
    // a request made without any session (e.g. after logout in another tab) also lands here
    if (tokens.access || tokens.refresh || SESSION_CODES.has(error.code)) endSession(error)
    throw error
  }
  if (error.status === 403 && error.code === ErrorCode.PASSWORD_CHANGE_REQUIRED) {
    // the change-password page says why; no toast per refused request
    onPasswordChangeRequired()
    throw error
  }
  if (!config?.silent && !sessionEnded) ElMessage.error(error.message)
  throw error
})

/** Typed helpers: the api modules say what they get back, the client unwraps `data`. */
export async function get<T>(url: string, params?: object, config?: AxiosRequestConfig): Promise<T> {
  return (await http.get<T>(url, { ...config, params })).data
}
export async function post<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
  return (await http.post<T>(url, body, config)).data
}
export async function put<T>(url: string, body?: unknown, config?: AxiosRequestConfig): Promise<T> {
  return (await http.put<T>(url, body, config)).data
}
export async function del<T = void>(url: string, config?: AxiosRequestConfig): Promise<T> {
  return (await http.delete<T>(url, config)).data
}
