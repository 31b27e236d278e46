import type { SysUser } from '@/api/types'

export interface UserFilters {
  name: string
  phone: string
  status: SysUser['status'] | ''
  deptId: number | undefined
}

export interface UserFormModel {
  username: string
  name: string
  password: string
  deptId: number | undefined
  postId: number | undefined
  phone: string
  email: string
  roleIds: number[]
}

export const emptyUserForm = (): UserFormModel => ({
  username: '',
  name: '',
  password: '',
  deptId: undefined,
  postId: undefined,
  phone: '',
  email: '',
  roleIds: [],
})
