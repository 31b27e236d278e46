import type { FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { PostFormModel } from './types'

export const postRules: FormRules<PostFormModel> = {
  code: [
    required('请输入岗位编码'),
    { pattern: /^[a-z][a-z0-9_]{1,31}$/, message: '小写字母开头，2–32 位小写字母、数字、下划线', trigger: 'blur' },
  ],
  name: [required('请输入岗位名称')],
  orderNum: [required('请输入排序')],
}
