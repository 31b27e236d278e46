import type { FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { DeptFormModel } from './types'

export const deptRules: FormRules<DeptFormModel> = {
  name: [required('请输入部门名称'), { max: 50, message: '最多 50 个字', trigger: 'blur' }],
  orderNum: [required('请输入排序')],
  phone: [{ pattern: /^[\d-]{7,20}$/, message: '请输入正确的电话号码', trigger: 'blur' }],
}
