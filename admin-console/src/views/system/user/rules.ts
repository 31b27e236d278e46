import type { FormRules } from 'element-plus'
import { emailRule, passwordRule, phoneRule, required, usernameRule } from '@/utils/validators'
import type { UserFormModel } from './types'

export const userRules = (creating: boolean, form: UserFormModel): FormRules<UserFormModel> => ({
  username: creating ? [required('请输入用户名'), usernameRule] : [],
  name: [required('请输入姓名'), { min: 2, max: 20, message: '姓名为 2–20 个字', trigger: 'blur' }],
  password: creating
    ? [required('请输入初始密码'), passwordRule(() => ({ username: form.username, name: form.name }))]
    : [],
  deptId: [required('请选择所属部门', 'change')],
  phone: [phoneRule],
  email: [emailRule],
})
