import type { FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { RoleFormModel } from './types'

export const roleRules: FormRules<RoleFormModel> = {
  name: [required('请输入角色名称'), { max: 32, message: '最多 32 个字', trigger: 'blur' }],
  key: [
    required('请输入权限字符'),
    { pattern: /^[a-z][a-z0-9_]{1,31}$/, message: '小写字母开头，字母、数字、下划线', trigger: 'blur' },
  ],
  orderNum: [required('请输入排序')],
  dataScope: [required('请选择数据范围', 'change')],
}
