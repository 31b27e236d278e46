import type { FormItemRule } from 'element-plus'

// Mirrors the BFF's rules (docs/API.md) so people see the problem before a round trip.
export const USERNAME_RE = /^[A-Za-z0-9_]{4,32}$/
export const usernameRule: FormItemRule = { pattern: USERNAME_RE, message: '4–32 位字母、数字或下划线', trigger: 'blur' }
export const passwordRule: FormItemRule = {
  validator: (_r, v: string, cb) =>
    !v || (v.length >= 8 && v.length <= 64 && /[A-Za-z]/.test(v) && /\d/.test(v))
      ? cb()
      : cb(new Error('8–64 位，须同时包含字母和数字')),
  trigger: 'blur',
}
export const phoneRule: FormItemRule = { pattern: /^1[3-9]\d{9}$/, message: '请输入 11 位手机号', trigger: 'blur' }
export const emailRule: FormItemRule = { type: 'email', message: '邮箱格式不正确', trigger: 'blur' }
export const required = (message: string, trigger: 'blur' | 'change' = 'blur'): FormItemRule => ({ required: true, message, trigger })
