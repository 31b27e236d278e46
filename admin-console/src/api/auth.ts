import { get, post, put } from './http'
import type { AdminLoginBody, Me, MenuNode, TokenPair } from './types'

export const authApi = {
  login: (body: AdminLoginBody) => post<TokenPair>('/auth/login', body, { silent: true }),
  logout: (refreshToken: string | null) => post<void>('/auth/logout', { refreshToken }, { silent: true }),
  me: () => get<Me>('/me'),
  menus: () => get<MenuNode[]>('/me/menus'),
  changePassword: (body: { oldPassword: string; newPassword: string }) => put<void>('/me/password', body),
}
