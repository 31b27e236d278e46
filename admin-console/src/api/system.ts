import { del, get, post, put } from './http'
import type { PageQuery as PageQuerySchema } from '@bff/http/schemas'
import type {
  DeptCreate,
  DeptUpdate,
  DictItemCreate,
  DictItemUpdate,
  DictTypeCreate,
  DictTypeUpdate,
  MenuCreate,
  MenuUpdate,
  PostCreate,
  PostUpdate,
  RoleCreate,
  RoleUpdate,
  UserCreate,
  UserQuery as UserQuerySchema,
  UserUpdate,
  UserImportPreview,
} from '@bff/modules/system/schemas'
import type { z } from 'zod'
import type {
  Dept,
  DeptOption,
  DictItem,
  DictOption,
  DictType,
  MenuItem,
  Page,
  Post,
  PostOption,
  Role,
  StaffApplication,
  SysUser,
} from './types'

// Queries as the BFF's route parses them (every field optional here), bodies as its schema accepts them.
export type PageQuery = Partial<z.output<typeof PageQuerySchema>>
export type UserQuery = Partial<z.output<typeof UserQuerySchema>>
export type UserCreateBody = z.input<typeof UserCreate>
export type UserUpdateBody = z.input<typeof UserUpdate>

export type RoleBody = z.input<typeof RoleCreate>
export type RoleUpdateBody = z.input<typeof RoleUpdate>
export type MenuBody = z.input<typeof MenuCreate>
export type MenuUpdateBody = z.input<typeof MenuUpdate>
export type DeptBody = z.input<typeof DeptCreate>
export type DeptUpdateBody = z.input<typeof DeptUpdate>
export type PostBody = z.input<typeof PostCreate>
export type PostUpdateBody = z.input<typeof PostUpdate>
export type DictTypeBody = z.input<typeof DictTypeCreate>
export type DictTypeUpdateBody = z.input<typeof DictTypeUpdate>
export type DictItemBody = z.input<typeof DictItemCreate>
export type DictItemUpdateBody = z.input<typeof DictItemUpdate>

/** Generic CRUD over one resource path, so each entity below is one line, not five. */
function crud<T, Create, Update>(path: string) {
  return {
    get: (id: number) => get<T>(`${path}/${id}`),
    create: (body: Create) => post<T>(path, body),
    update: (id: number, body: Update) => put<T>(`${path}/${id}`, body),
    remove: (id: number) => del(`${path}/${id}`),
  }
}

/** 批量删除 where the BFF has it: all or nothing, the server checks every id before deleting any */
const removeMany = (path: string) => (ids: number[]) => post<{ deleted: number }>(`${path}/batch-delete`, { ids })

export const userApi = {
  ...crud<SysUser, UserCreateBody, UserUpdateBody>('/system/users'),
  update: (id: number, body: UserUpdateBody) => put<SysUser>(`/system/users/${id}`, body),
  list: (q: UserQuery) => get<Page<SysUser>>('/system/users', q),
  setStatus: (id: number, status: 'active' | 'disabled') => put<SysUser>(`/system/users/${id}/status`, { status }),
  resetPassword: (id: number, password: string) => put<void>(`/system/users/${id}/password`, { password }),
  setRoles: (id: number, roleIds: number[]) => put<SysUser>(`/system/users/${id}/roles`, { roleIds }),
  unlock: (id: number) => post<void>(`/system/users/${id}/unlock`),
  removeMany: removeMany('/system/users'),
  /** 导入: the .xlsx itself is the body; answers the row report, nothing is written yet */
  previewImport: (file: File) =>
    post<UserImportPreview>('/system/users/imports', file, {
      params: { filename: file.name },
      headers: { 'Content-Type': 'application/octet-stream' },
      timeout: 120_000,
    }),
  commitImport: (previewId: string, password: string) =>
    post<{ created: number }>(`/system/users/imports/${previewId}/commit`, { password }, { timeout: 120_000 }),
}
export type { UserImportPreview }

export const roleApi = {
  ...crud<Role, RoleBody, RoleUpdateBody>('/system/roles'),
  /** every role (not paged: a clinic has a handful) */
  list: () => get<Role[]>('/system/roles'),
  grantable: () => get<Role[]>('/system/roles/grantable'),
  users: (id: number, q: PageQuery = {}) => get<Page<SysUser>>(`/system/roles/${id}/users`, q),
  removeMany: removeMany('/system/roles'),
}

export const menuApi = {
  ...crud<MenuItem, MenuBody, MenuUpdateBody>('/system/menus'),
  tree: () => get<MenuItem[]>('/system/menus'),
}

export const deptApi = {
  ...crud<Dept, DeptBody, DeptUpdateBody>('/system/depts'),
  tree: () => get<Dept[]>('/system/depts'),
  /** the departments in the caller's data scope for filters and pickers: any console user may read them */
  options: () => get<DeptOption[]>('/system/depts/options'),
}

export const postApi = {
  ...crud<Post, PostBody, PostUpdateBody>('/system/posts'),
  list: (q: PageQuery = {}) => get<Page<Post>>('/system/posts', q),
  /** active positions for pickers: any console user may read them */
  options: () => get<PostOption[]>('/system/posts/options'),
  removeMany: removeMany('/system/posts'),
}

export const dictTypeApi = {
  ...crud<DictType, DictTypeBody, DictTypeUpdateBody>('/system/dict-types'),
  list: (q: PageQuery & { name?: string; type?: string } = {}) => get<Page<DictType>>('/system/dict-types', q),
  removeMany: removeMany('/system/dict-types'),
}

export const dictItemApi = {
  ...crud<DictItem, DictItemBody, DictItemUpdateBody>('/system/dict-items'),
  list: (q: PageQuery & { dictType: string; label?: string }) => get<Page<DictItem>>('/system/dict-items', q),
  removeMany: removeMany('/system/dict-items'),
}

export const dictApi = {
  options: (type: string) => get<DictOption[]>(`/dicts/${encodeURIComponent(type)}`),
}

export const staffApplicationApi = {
  list: (q: PageQuery & { status?: StaffApplication['status'] }) =>
    get<Page<StaffApplication>>('/system/staff-applications', q),
  approve: (id: number, body: { deptId: number; postId?: number; roleIds: number[] }) =>
    post<StaffApplication>(`/system/staff-applications/${id}/approve`, body),
  reject: (id: number, reason: string) => post<StaffApplication>(`/system/staff-applications/${id}/reject`, { reason }),
}
