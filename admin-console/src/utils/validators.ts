import type { FormItemRule } from 'element-plus'
import type { PasswordOwner } from '@bff/modules/auth/password-policy'
import { PHONE_MESSAGE, PHONE_RE, USERNAME_MESSAGE, USERNAME_RE } from '@bff/shared/rules'

// The BFF's own rules (bff/src/shared/rules.ts), so people see the problem before a round trip.
export { USERNAME_RE }
export const usernameRule: FormItemRule = { pattern: USERNAME_RE, message: USERNAME_MESSAGE, trigger: 'blur' }
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
export const phoneRule: FormItemRule = { pattern: PHONE_RE, message: PHONE_MESSAGE, trigger: 'blur' }
export const emailRule: FormItemRule = { type: 'email', message: '邮箱格式不正确', trigger: 'blur' }
export const required = (message: string, trigger: 'blur' | 'change' = 'blur'): FormItemRule => ({
  required: true,
  message,
  trigger,
})
