import { reactive } from 'vue'
import { hasSession, login, onUserChanged } from './client'
import { getMe } from './me'
import type { MpUser } from './types'

/** Who is using the app right now; pages read it, the api layer keeps it current. */
export const session = reactive({
  user: null as MpUser | null,
  status: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
  error: '',
})

onUserChanged((u) => {
  session.user = u
})

let starting: Promise<void> | null = null

/** Silent login on launch. Reuses stored tokens (refreshing if needed), otherwise logs in with WeChat. */
export function startSession(): Promise<void> {
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
