import type { TokenPair } from './types'

// localStorage (not cookies): each browser profile is one console session, and a refresh in the tab keeps it.
const ACCESS = 'yiyun.admin.accessToken'
const REFRESH = 'yiyun.admin.refreshToken'

export const tokens = {
  get access(): string | null {
    return localStorage.getItem(ACCESS)
  },
  get refresh(): string | null {
    return localStorage.getItem(REFRESH)
  },
  save(pair: TokenPair): void {
    localStorage.setItem(ACCESS, pair.accessToken)
    localStorage.setItem(REFRESH, pair.refreshToken)
  },
  clear(): void {
    localStorage.removeItem(ACCESS)
    localStorage.removeItem(REFRESH)
    // the lists' last searches (composables/useList) belong to this login, not to whoever logs in next
    for (const k of Object.keys(sessionStorage)) if (k.startsWith('yy-list:')) sessionStorage.removeItem(k)
  },
}
