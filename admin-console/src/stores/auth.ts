import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import { resetSessionEnded } from '@/api/http'
import { tokens } from '@/api/tokens'
import { stopConsultBadge } from '@/composables/useConsultBadge'
import type { AdminLoginBody, Me, MenuNode } from '@/api/types'

export const ALL_PERMISSIONS = '*:*:*'

const ROLE_LABELS: Record<string, string> = {
  admin: '超级管理员',
  dept_admin: '科室管理员',
  chief_physician: '主任医师',
  physician: '医师',
}

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  const menus = ref<MenuNode[]>([])
  const loggedIn = ref(Boolean(tokens.access))

  const permissions = computed(() => new Set(me.value?.permissions ?? []))
  const roleLabels = computed(() => (me.value?.roles ?? []).map((r) => ROLE_LABELS[r] ?? r))
  const displayName = computed(() => me.value?.user.name || me.value?.user.username || '')

  /** any-of: a button needing ['a','b'] shows if the user has either */
  function hasPerm(required: string | readonly string[]): boolean {
    const list = typeof required === 'string' ? [required] : required
    if (list.length === 0) return true
    const mine = permissions.value
    return mine.has(ALL_PERMISSIONS) || list.some((p) => mine.has(p))
  }

  async function login(body: AdminLoginBody): Promise<void> {
    const pair = await authApi.login(body)
    tokens.save(pair)
    loggedIn.value = true
    resetSessionEnded()
    me.value = null
    menus.value = []
  }

  /** on an initial or reset password the BFF allows nothing but changing it (and logging out) */
  const passwordChangeRequired = computed(() => me.value?.user.mustChangePassword === true)

  /** me, then menus (which the router turns into routes before the first navigation resolves) once they are allowed */
  async function loadProfile(): Promise<void> {
    const profile = await authApi.me()
    me.value = profile
    menus.value = profile.user.mustChangePassword ? [] : await authApi.menus()
  }

  function passwordChanged(): void {
    if (me.value) me.value = { ...me.value, user: { ...me.value.user, mustChangePassword: false } }
  }

  /** the BFF said PASSWORD_CHANGE_REQUIRED (e.g. an administrator reset the password meanwhile) */
  function requirePasswordChange(): void {
    if (me.value) me.value = { ...me.value, user: { ...me.value.user, mustChangePassword: true } }
  }

  async function logout(): Promise<void> {
    const refresh = tokens.refresh
    try {
      if (tokens.access) await authApi.logout(refresh)
    } catch {
      // the session may already be gone server-side; leaving locally is what matters
    }
    reset()
  }

  function reset(): void {
    stopConsultBadge()
    tokens.clear()
    loggedIn.value = false
    me.value = null
    menus.value = []
  }

  return {
    me,
    menus,
    loggedIn,
    permissions,
    roleLabels,
    displayName,
    passwordChangeRequired,
    hasPerm,
    login,
    loadProfile,
    passwordChanged,
    requirePasswordChange,
    logout,
    reset,
  }
})
