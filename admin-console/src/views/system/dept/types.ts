import type { DeptBody, DeptUpdateBody } from '@/api/system'

/** The form holds what DeptCreate accepts (the BFF's schema), blanks as '' for the inputs. */
export type DeptFormModel = Omit<Required<DeptBody>, 'leader' | 'phone'> & { leader: string; phone: string }
export const emptyDeptForm = (parentId: number | null = null): DeptFormModel => ({
  parentId,
  name: '',
  type: parentId ? 'department' : 'institution',
  orderNum: 0,
  leader: '',
  phone: '',
  status: 'active',
})

/**
 * What DeptUpdate takes — a department's type (机构 / 部门) is fixed once it exists. `satisfies` on the literal makes a
 * field the schema does not take a typecheck error, and keeps the fields required for the create body below.
 */
export const deptUpdateBody = (f: DeptFormModel) =>
  ({
    parentId: f.parentId,
    name: f.name,
    orderNum: f.orderNum,
    leader: f.leader || null,
    phone: f.phone || null,
    status: f.status,
  }) satisfies DeptUpdateBody
export const deptCreateBody = (f: DeptFormModel): DeptBody => ({ ...deptUpdateBody(f), type: f.type })
