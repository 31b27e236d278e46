import type { DataScope, Role } from '@/api/types'

export const DATA_SCOPES: { value: DataScope; label: string }[] = [
  { value: 'all', label: '全部数据' },
  { value: 'custom', label: '自定义部门' },
  { value: 'dept', label: '本部门' },
  { value: 'dept_and_below', label: '本部门及以下' },
  { value: 'self', label: '仅本人' },
]
export const scopeLabel = (s: DataScope) => DATA_SCOPES.find((d) => d.value === s)?.label ?? s

export interface RoleFormModel {
  key: string
  name: string
  orderNum: number
  status: Role['status']
  dataScope: DataScope
  deptIds: number[]
}
export const emptyRoleForm = (): RoleFormModel => ({
  key: '',
  name: '',
  orderNum: 0,
  status: 'active',
  dataScope: 'self',
  deptIds: [],
})
