import { reactive, ref } from 'vue'
import type { FormInstance, FormRules } from 'element-plus'
import { authApi } from '@/api/auth'
import { useAuthStore } from '@/stores/auth'
import { passwordRule } from '@/utils/validators'
import { useSubmit } from './useSubmit'

/** The form behind both 修改密码 screens: the navbar's dialog and the page a user on an initial password lands on. */
export function usePasswordChange(onDone: () => void) {
  const auth = useAuthStore()
  const formRef = ref<FormInstance>()
  const form = reactive({ oldPassword: '', newPassword: '', confirm: '' })
  const rules: FormRules<typeof form> = {
    oldPassword: [{ required: true, message: '请输入当前密码', trigger: 'blur' }],
    newPassword: [
      { required: true, message: '请输入新密码', trigger: 'blur' },
      passwordRule(() => ({ username: auth.me?.user.username, name: auth.me?.user.name })),
    ],
    confirm: [
      { required: true, message: '请再次输入新密码', trigger: 'blur' },
      {
        validator: (_r, v, cb) => (v === form.newPassword ? cb() : cb(new Error('两次输入的密码不一致'))),
        trigger: 'blur',
      },
    ],
  }
  const { saving, submit: save } = useSubmit({
    form: formRef,
    onDone: () => {
      auth.passwordChanged()
      onDone()
    },
  })
  const submit = () =>
    save(() => authApi.changePassword({ oldPassword: form.oldPassword, newPassword: form.newPassword }), '密码已修改')
  return { formRef, form, rules, saving, submit }
}
