import type { FormItemRule } from 'element-plus'
import type { PasswordOwner } from '@bff/modules/auth/password-policy'

// Mirrors the BFF's rules (docs/API.md) so people see the problem before a round trip.
export const USERNAME_RE = /^[A-Za-z0-9_]{4,32}$/
export const usernameRule: FormItemRule = { pattern: USERNAME_RE, message: '4–32 位字母、数字或下划线', trigger: 'blur' }
/**
 * The BFF's own password policy (length, not the username, not guessable by zxcvbn), run before submitting. Its
 * dictionaries are large, so the policy loads on first use in a chunk of its own rather than with the login page.
 */
export const passwordRule = (owner: () => PasswordOwner): FormItemRule => ({
  asyncValidator: async (_r, v: string) => {
    if (!v) return
    const { passwordProblem } = await import('@bff/modules/auth/password-policy')
    const problem = passwordProblem(v, owner())
    if (problem) throw new Error(problem.message)
  },
  trigger: 'blur',
})
export const phoneRule: FormItemRule = { pattern: /^1[3-9]\d{9}$/, message: '请输入 11 位手机号', trigger: 'blur' }
export const emailRule: FormItemRule = { type: 'email', message: '邮箱格式不正确', trigger: 'blur' }
export const required = (message: string, trigger: 'blur' | 'change' = 'blur'): FormItemRule => ({ required: true, message, trigger })
