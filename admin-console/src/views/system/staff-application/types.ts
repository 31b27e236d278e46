export interface ApproveFormModel {
  deptId: number | undefined
  postId: number | undefined
  roleIds: number[]
}
export const STATUS_TABS = [
  { value: 'pending', label: '待审核' },
  { value: 'approved', label: '已通过' },
  { value: 'rejected', label: '已驳回' },
  { value: '', label: '全部' },
] as const
