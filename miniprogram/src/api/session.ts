import { reactive } from 'vue'
import { forgetSession, hasSession, isLoggedOut, login, loginAgain, logout, onUserChanged } from './client'
import { getMe } from './me'
import type { MpUser } from './types'

/** Who is using the app right now; pages read it, the api layer keeps it current. */
export const session = reactive({
  user: null as MpUser | null,
  status: 'idle' as 'idle' | 'loading' | 'ready' | 'error' | 'loggedOut',
  error: '',
})

onUserChanged((u) => {
  session.user = u
})

let starting: Promise<void> | null = null

/** Silent login on launch. Reuses stored tokens (refreshing if needed), otherwise logs in with WeChat. */
export function startSession(): Promise<void> {
  if (isLoggedOut()) {
    session.status = 'loggedOut'
    session.user = null
    return Promise.reject(new Error('已退出登录'))
  }
  starting ??= (async () => {
    session.status = 'loading'
    session.error = ''
    try {
      if (hasSession()) session.user = await getMe({ toast: false })
      else session.user = (await login()).user
      session.status = 'ready'
    } catch (e) {
      session.status = 'error'
      session.error = (e as Error).message || '登录失败'
      starting = null
      throw e
    }
  })()
  return starting
}

export function setUser(u: MpUser): void {
  session.user = u
}

/** 退出登录 (also after 注销账号, when the BFF already ended every login). */
export async function endSession(opts: { serverSide?: boolean } = {}): Promise<void> {
  if (opts.serverSide === false) forgetSession()
  else await logout()
  starting = null
  session.user = null
  session.status = 'loggedOut'
}

/** 登录 from 我的 after 退出登录. */
export async function startSessionAgain(): Promise<void> {
  starting = null
  session.status = 'loading'
  try {
    session.user = (await loginAgain()).user
    session.status = 'ready'
    starting = Promise.resolve()
  } catch (e) {
    session.status = 'error'
    session.error = (e as Error).message || '登录失败'
    throw e
  }
}
