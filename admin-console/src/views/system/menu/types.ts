import type { MenuItem } from '@/api/types'

export type MenuFormModel = Omit<MenuItem, 'id' | 'children'>
export const MENU_TYPES = [
  { value: 'D', label: '目录', tag: 'primary' },
  { value: 'M', label: '菜单', tag: 'success' },
  { value: 'B', label: '按钮', tag: 'info' },
] as const
export const emptyMenuForm = (parentId: number | null = null): MenuFormModel => ({
  parentId,
  name: '',
  type: 'M',
  path: '',
  component: '',
  perms: '',
  icon: '',
  orderNum: 0,
  visible: true,
  status: 'active',
})
