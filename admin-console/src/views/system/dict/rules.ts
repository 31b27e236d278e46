import type { FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { DictItemFormModel, DictTypeFormModel } from './types'

export const dictTypeRules: FormRules<DictTypeFormModel> = {
  name: [required('请输入字典名称')],
  type: [
    required('请输入字典类型'),
    { pattern: /^[a-z][a-z0-9_]{1,63}$/, message: '小写字母开头，字母、数字、下划线', trigger: 'blur' },
  ],
}
export const dictItemRules: FormRules<DictItemFormModel> = {
  label: [required('请输入字典标签')],
  value: [required('请输入字典键值')],
  orderNum: [required('请输入排序')],
}
