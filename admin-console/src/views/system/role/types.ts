import type { RoleBody, RoleUpdateBody } from '@/api/system'
import type { DataScope } from '@/api/types'

export const DATA_SCOPES: { value: DataScope; label: string }[] = [
  { value: 'all', label: '全部数据' },
  { value: 'custom', label: '自定义部门' },
  { value: 'dept', label: '本部门' },
  { value: 'dept_and_below', label: '本部门及以下' },
  { value: 'self', label: '仅本人' },
]
export const scopeLabel = (s: DataScope) => DATA_SCOPES.find((d) => d.value === s)?.label ?? s

/** The form holds what RoleCreate accepts (the BFF's schema); the menus are read from the tree on saving. */
export type RoleFormModel = Omit<Required<RoleBody>, 'menuIds'>
export const emptyRoleForm = (): RoleFormModel => ({
  key: '',
  name: '',
  orderNum: 0,
  status: 'active',
  dataScope: 'self',
  deptIds: [],
})

/** The trees' checked keys, read when saving. */
export type RoleGrants = Pick<Required<RoleBody>, 'menuIds' | 'deptIds'>
/**
 * What RoleUpdate takes — a role's key is fixed once it exists (permissions and built-in grants name it). `satisfies`
 * on the literal makes a field the schema does not take a typecheck error.
 */
export const roleUpdateBody = (f: RoleFormModel, g: RoleGrants) =>
  ({
    name: f.name,
    orderNum: f.orderNum,
    status: f.status,
    dataScope: f.dataScope,
    menuIds: g.menuIds,
    deptIds: g.deptIds,
  }) satisfies RoleUpdateBody
export const roleCreateBody = (f: RoleFormModel, g: RoleGrants): RoleBody => ({ key: f.key, ...roleUpdateBody(f, g) })
