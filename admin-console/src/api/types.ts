// Wire types of the console API. The BFF's zod schemas are the source of truth; until they land these mirror
// docs/API.md, and this file becomes a set of type-only re-exports from '@bff/modules/*/schemas'.

export interface Page<T> {
  items: T[]
  total: number
  page: number
  pageSize: number
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}

export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
}

export interface AdminLoginBody {
  username: string
  password: string
}

export interface Me {
  user: {
    id: number
    username: string
    name: string
    deptId: number | null
    deptName: string | null
    postId: number | null
    postName: string | null
    phoneMasked: string | null
    mustChangePassword: boolean
  }
  roles: string[]
  permissions: string[]
}

export interface MenuNode {
  id: number
  parentId: number | null
  name: string
  type: 'D' | 'M'
  path: string
  component: string | null
  icon: string | null
  orderNum: number
  children: MenuNode[]
}

export type UserStatus = 'active' | 'disabled' | 'pending' | 'rejected'

export interface SysUser {
  id: number
  username: string
  name: string
  deptId: number | null
  deptName: string | null
  postId: number | null
  postName: string | null
  phoneMasked: string | null
  email: string | null
  status: UserStatus
  locked: boolean
  roles: { id: number; key: string; name: string }[]
  createdAt: string
}

export type DataScope = 'all' | 'custom' | 'dept' | 'dept_and_child' | 'self'

export interface Role {
  id: number
  key: string
  name: string
  orderNum: number
  dataScope: DataScope
  status: 'active' | 'disabled'
  builtin: boolean
  menuIds: number[]
  deptIds: number[]
  createdAt: string
}

export interface MenuItem {
  id: number
  parentId: number | null
  name: string
  type: 'D' | 'M' | 'B'
  path: string | null
  component: string | null
  perms: string | null
  icon: string | null
  orderNum: number
  visible: boolean
  status: 'active' | 'disabled'
  children: MenuItem[]
}

export interface Dept {
  id: number
  parentId: number | null
  name: string
  type: 'institution' | 'department'
  orderNum: number
  leader: string | null
  phone: string | null
  status: 'active' | 'disabled'
  children: Dept[]
}

export interface Post {
  id: number
  code: string
  name: string
  orderNum: number
  status: 'active' | 'disabled'
}

export interface DictType {
  id: number
  type: string
  name: string
  status: 'active' | 'disabled'
  remark: string | null
}

export interface DictItem {
  id: number
  dictType: string
  label: string
  value: string
  orderNum: number
  cssClass: string | null
  status: 'active' | 'disabled'
}

export interface DictOption {
  label: string
  value: string
  cssClass: string | null
}

export interface StaffApplication {
  id: number
  name: string
  deptId: number
  deptName: string
  postId: number
  postName: string
  username: string
  status: 'pending' | 'approved' | 'rejected'
  reason: string | null
  phoneMasked?: string | null
  createdAt: string
  reviewedAt: string | null
}

export interface OperLog {
  id: number
  username: string | null
  module: string
  action?: string
  method: string
  url: string
  ip: string | null
  status: 'success' | 'fail'
  durationMs?: number
  params?: unknown
  result?: unknown
  errorMessage?: string | null
  createdAt: string
}

export interface LoginLog {
  id: number
  username: string
  ip: string | null
  userAgent: string | null
  status: 'success' | 'fail' | 'locked'
  message: string | null
  locked: boolean
  createdAt: string
}

export interface OnlineSession {
  sessionId: string
  userId: number
  username: string
  name: string
  deptName: string | null
  ip: string | null
  userAgent: string | null
  loginAt: string
  lastSeenAt: string
}
