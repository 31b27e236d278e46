import type { FormRules } from 'element-plus'
import { emailRule, passwordRule, phoneRule, required, usernameRule } from '@/utils/validators'
import type { UserFormModel } from './types'

export const userRules = (creating: boolean): FormRules<UserFormModel> => ({
  username: creating ? [required('请输入用户名'), usernameRule] : [],
  name: [required('请输入姓名'), { max: 32, message: '姓名最多 32 个字', trigger: 'blur' }],
  password: creating ? [required('请输入初始密码'), passwordRule] : [],
  deptId: [required('请选择所属部门', 'change')],
  phone: [phoneRule],
  email: [emailRule],
})
