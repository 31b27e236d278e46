import type { Dept } from '@/api/types'

export type DeptFormModel = Omit<Dept, 'id' | 'children' | 'leader' | 'phone'> & { leader: string; phone: string }
export const emptyDeptForm = (parentId: number | null = null): DeptFormModel => ({
  parentId,
  name: '',
  type: parentId ? 'department' : 'institution',
  orderNum: 0,
  leader: '',
  phone: '',
  status: 'active',
})
