import type { FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { ApproveFormModel } from './types'

export const approveRules: FormRules<ApproveFormModel> = {
  deptId: [required('请选择部门', 'change')],
  roleIds: [{ type: 'array', required: true, min: 1, message: '请至少分配一个角色', trigger: 'change' }],
}
