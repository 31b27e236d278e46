import type { ErrorCode } from '@bff/shared/error-codes'
import { toast } from '@/platform'

/** Codes the mini-program makes up itself, for failures that never reached the BFF. */
type ClientCode = 'NETWORK' | 'TIMEOUT' | 'SERVER_ERROR' | 'WECHAT_LOGIN_FAILED' | 'LOGGED_OUT'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

// Fallback wording when the BFF's message is missing or not written for a person.
const MESSAGES: Partial<Record<ErrorCode | ClientCode, string>> &
  Record<
    | 'NETWORK'
    | 'TIMEOUT'
    | 'SERVER_ERROR'
    | 'VALIDATION_FAILED'
    | 'UNAUTHENTICATED'
    | 'FORBIDDEN'
    | 'NOT_FOUND'
    | 'CONFLICT'
    | 'RATE_LIMITED',
    string
  > = {
  NETWORK: '网络连接失败，请检查网络后重试',
  TIMEOUT: '网络较慢，请稍后重试',
  VALIDATION_FAILED: '填写的信息有误，请检查后重试',
  UNAUTHENTICATED: '登录已失效，请重新进入小程序',
  TOKEN_EXPIRED: '登录已过期，请重试',
  SESSION_REVOKED: '登录已失效，请重新进入小程序',
  REFRESH_TOKEN_INVALID: '登录已失效，请重新进入小程序',
  FORBIDDEN: '没有权限进行此操作',
  OUT_OF_SCOPE: '没有权限查看这些信息',
  NOT_FOUND: '内容不存在或已被删除',
  CONFLICT: '信息已发生变化，请刷新后重试',
  USERNAME_TAKEN: '该用户名已被使用，请换一个',
  PATIENT_DUPLICATE: '这位就诊人已经添加过了',
  PATIENT_LIMIT: '最多只能添加 5 位就诊人',
  PATIENT_HAS_BOOKINGS: '该就诊人有未完成的预约或候补，请先取消',
  INVALID_ID_CARD: '身份证号码不正确，请核对后重新输入',
  RATE_LIMITED: '操作太频繁，请稍等一会儿再试',
  WECHAT_CODE_INVALID: '微信登录失败，请重新进入小程序',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后再试',
  SERVER_ERROR: '服务暂时不可用，请稍后再试',
}

const BY_STATUS: Record<number, string> = {
  400: MESSAGES.VALIDATION_FAILED,
  401: MESSAGES.UNAUTHENTICATED,
  403: MESSAGES.FORBIDDEN,
  404: MESSAGES.NOT_FOUND,
  409: MESSAGES.CONFLICT,
  422: MESSAGES.VALIDATION_FAILED,
  429: MESSAGES.RATE_LIMITED,
}

const hasChinese = (s: unknown): s is string => typeof s === 'string' && /[\u4e00-\u9fa5]/.test(s)

/** Builds the error for a failed response; the message is always Chinese a patient can act on. */
export function toApiError(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error
  const code = err?.code ?? (status >= 500 ? 'SERVER_ERROR' : `HTTP_${status}`)
  const message = hasChinese(err?.message)
    ? err!.message!
    : (MESSAGES[code as ErrorCode] ?? BY_STATUS[status] ?? MESSAGES.SERVER_ERROR)
  return new ApiError(status, code, message, err?.details)
}

export function networkError(e: unknown): ApiError {
  const text = String((e as { errMsg?: string; message?: string })?.errMsg ?? (e as Error)?.message ?? '')
  return /timeout/i.test(text)
    ? new ApiError(0, 'TIMEOUT', MESSAGES.TIMEOUT)
    : new ApiError(0, 'NETWORK', MESSAGES.NETWORK)
}

/** The one place errors become toasts. */
export function showError(e: unknown): void {
  if (e instanceof ApiError) toast(e.message)
  else toast('出了点问题，请稍后再试')
}

/** Field-level validation details from a 400 VALIDATION_FAILED, keyed by field name. */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(e instanceof ApiError)) return out
  const d = e.details as unknown
  const list = Array.isArray(d)
    ? d
    : Array.isArray((d as { issues?: unknown[] })?.issues)
      ? (d as { issues: unknown[] }).issues
      : []
  for (const issue of list as { path?: (string | number)[] | string; message?: string }[]) {
    const key = Array.isArray(issue.path) ? String(issue.path[0] ?? '') : String(issue.path ?? '')
    if (key && hasChinese(issue.message) && !out[key]) out[key] = issue.message
  }
  return out
}
