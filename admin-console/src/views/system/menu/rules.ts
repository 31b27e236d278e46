import type { FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { MenuFormModel } from './types'

export const menuRules = (form: MenuFormModel): FormRules<MenuFormModel> => ({
  name: [required('请输入菜单名称')],
  orderNum: [required('请输入排序')],
  path: form.type === 'B' ? [] : [required('请输入路由地址')],
  component: form.type === 'M' ? [required('请输入组件路径，如 system/user/index')] : [],
  perms: [
    ...(form.type === 'B' ? [required('按钮须填写权限字符')] : []),
    { pattern: /^([\w-]+|\*)(:([\w-]+|\*)){1,3}$/, message: '格式如 system:user:add', trigger: 'blur' },
  ],
})
