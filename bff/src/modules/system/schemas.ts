import { z } from 'zod';
import { editOf, PageQuery, PersonName, Phone, pageOf, Status } from '../../http/schemas';
import { USERNAME_MESSAGE, USERNAME_RE } from '../../shared/rules';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-policy';

/** Only bounds here: the policy itself (password-policy.ts) needs the username too and answers WEAK_PASSWORD. */
export const Password = z
  .string()
  .min(1, '请输入密码')
  .max(PASSWORD_MAX_LENGTH, `密码最多 ${PASSWORD_MAX_LENGTH} 位`)
  .describe(
    `at least ${PASSWORD_MIN_LENGTH} characters, not containing the username, not guessable (zxcvbn score >= 3); else 422 WEAK_PASSWORD`,
  );

export const Username = z.string().trim().regex(USERNAME_RE, USERNAME_MESSAGE);
const Id = z.number().int().positive();
const DataScope = z.enum(['all', 'custom', 'dept', 'dept_and_below', 'self']);
const PermString = z
  .string()
  .trim()
  .regex(/^[A-Za-z][\w-]*(:[A-Za-z*][\w-]*){1,3}$/, '权限标识格式如 system:user:add');

// ----- users -----
export const SysUser = z.object({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  deptId: z.number().int().nullable(),
  deptName: z.string().nullable(),
  postId: z.number().int().nullable(),
  postName: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  email: z.string().nullable(),
  status: z.enum(['active', 'disabled', 'pending', 'rejected']),
  locked: z.boolean(),
  roles: z.array(z.object({ id: z.number().int(), key: z.string(), name: z.string() })),
  createdAt: z.date(),
});
export type SysUser = z.infer<typeof SysUser>;
export const SysUserPage = pageOf(SysUser);
export const UserQuery = PageQuery.extend({
  name: z.string().trim().max(32).optional(),
  username: z.string().trim().max(32).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\d{11}$/, '请输入完整的 11 位手机号')
    .optional(),
  deptId: z.coerce.number().int().positive().optional(),
  status: z.enum(['active', 'disabled', 'pending', 'rejected']).optional(),
});
export const UserCreate = z.strictObject({
  username: Username,
  name: PersonName,
  password: Password,
  deptId: Id,
  postId: Id.nullable().optional(),
  phone: Phone.optional(),
  email: z.email('邮箱格式不正确').max(128).optional(),
  roleIds: z.array(Id).max(20).optional(),
});
export const UserUpdate = z
  .strictObject({
    name: PersonName.optional(),
    deptId: Id.optional(),
    postId: Id.nullable().optional(),
    phone: Phone.nullable().optional(),
    email: z.email('邮箱格式不正确').max(128).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export const UserStatusBody = z.strictObject({ status: z.enum(['active', 'disabled']) });
export const ResetPasswordBody = z.strictObject({ password: Password });
export const RoleIdsBody = z.strictObject({ roleIds: z.array(Id).max(20) });
/** 批量删除: the selected rows of one list page (at most one page of 100) */
export const BatchIds = z.strictObject({
  ids: z.array(Id).min(1, '请选择要删除的记录').max(100, '一次最多删除 100 条'),
});
export const BatchDeleted = z.object({ deleted: z.number().int() });
/** 用户导入 */
export const UserImportQuery = z.object({ filename: z.string().trim().min(1).max(200) });
export const UserImportParams = z.object({ previewId: z.uuid() });
export const UserImportCommit = z.strictObject({ password: Password });
export const UserImportPreview = z.object({
  previewId: z.string(),
  filename: z.string(),
  total: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  rows: z.array(
    z.object({ row: z.number().int(), ok: z.boolean(), cells: z.array(z.string()), errors: z.array(z.string()) }),
  ),
});
export type UserImportPreview = z.infer<typeof UserImportPreview>;
export const UserImportResult = z.object({ created: z.number().int() });

// ----- roles -----
export const Role = z.object({
  id: z.number().int(),
  key: z.string(),
  name: z.string(),
  orderNum: z.number().int(),
  dataScope: DataScope,
  status: Status,
  builtin: z.boolean(),
  menuIds: z.array(z.number().int()),
  deptIds: z.array(z.number().int()),
  createdAt: z.date(),
});
export type Role = z.infer<typeof Role>;
export const RoleCreate = z.strictObject({
  key: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,31}$/, '角色标识为小写字母、数字、下划线'),
  name: z.string().trim().min(2).max(32),
  orderNum: z.number().int().min(0).max(9999).default(0),
  status: Status.default('active'),
  dataScope: DataScope.default('self'),
  menuIds: z.array(Id).max(1000).default([]),
  deptIds: z.array(Id).max(1000).default([]),
});
export const RoleUpdate = z
  .strictObject({
    name: z.string().trim().min(2).max(32).optional(),
    orderNum: z.number().int().min(0).max(9999).optional(),
    status: Status.optional(),
    dataScope: DataScope.optional(),
    menuIds: z.array(Id).max(1000).optional(),
    deptIds: z.array(Id).max(1000).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');

// ----- menus -----
export interface MenuItem {
  id: number;
  parentId: number | null;
  name: string;
  type: 'D' | 'M' | 'B';
  path: string | null;
  component: string | null;
  perms: string | null;
  icon: string | null;
  orderNum: number;
  visible: boolean;
  status: 'active' | 'disabled';
  children: MenuItem[];
}
export const MenuItem: z.ZodType<MenuItem> = z.lazy(() =>
  z.object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    name: z.string(),
    type: z.enum(['D', 'M', 'B']),
    path: z.string().nullable(),
    component: z.string().nullable(),
    perms: z.string().nullable(),
    icon: z.string().nullable(),
    orderNum: z.number().int(),
    visible: z.boolean(),
    status: Status,
    children: z.array(MenuItem),
  }),
);
const menuFields = {
  parentId: Id.nullable(),
  name: z.string().trim().min(1).max(50),
  type: z.enum(['D', 'M', 'B']),
  path: z
    .string()
    .trim()
    .max(200)
    .regex(/^[\w/:.-]*$/, '路由地址只能包含字母、数字和 / : - _')
    .nullable()
    .optional(),
  component: z
    .string()
    .trim()
    .max(200)
    .regex(/^[\w/-]*$/, '组件路径格式如 system/user/index')
    .nullable()
    .optional(),
  perms: PermString.nullable().optional(),
  icon: z.string().trim().max(64).nullable().optional(),
  orderNum: z.number().int().min(0).max(9999),
  visible: z.boolean(),
  status: Status,
};
export const MenuCreate = z.strictObject({
  ...menuFields,
  orderNum: menuFields.orderNum.default(0),
  visible: menuFields.visible.default(true),
  status: menuFields.status.default('active'),
});
// No defaults in an edit (editOf): an edit naming only the parent (a move) must not put the menu first, show it and
// enable it again. An empty edit is taken, as it always was.
export const MenuUpdate = editOf(MenuCreate, { atLeastOne: false });

// ----- departments -----
export interface Dept {
  id: number;
  parentId: number | null;
  name: string;
  type: 'institution' | 'department';
  orderNum: number;
  leader: string | null;
  phone: string | null;
  status: 'active' | 'disabled';
  children: Dept[];
}
export const Dept: z.ZodType<Dept> = z.lazy(() =>
  z.object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    name: z.string(),
    type: z.enum(['institution', 'department']),
    orderNum: z.number().int(),
    leader: z.string().nullable(),
    phone: z.string().nullable(),
    status: Status,
    children: z.array(Dept),
  }),
);
export const DeptCreate = z.strictObject({
  parentId: Id.nullable(),
  name: z.string().trim().min(2).max(50),
  type: z.enum(['institution', 'department']).default('department'),
  orderNum: z.number().int().min(0).max(9999).default(0),
  leader: z.string().trim().max(32).nullable().optional(),
  phone: z
    .string()
    .trim()
    .regex(/^[\d-]{5,20}$/, '联系电话格式不正确')
    .nullable()
    .optional(),
  status: Status.default('active'),
});
export const DeptUpdate = z
  .strictObject({
    parentId: Id.nullable().optional(),
    name: z.string().trim().min(2).max(50).optional(),
    orderNum: z.number().int().min(0).max(9999).optional(),
    leader: z.string().trim().max(32).nullable().optional(),
    phone: z
      .string()
      .trim()
      .regex(/^[\d-]{5,20}$/, '联系电话格式不正确')
      .nullable()
      .optional(),
    status: Status.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, '至少修改一项');
export interface DeptNode {
  id: number;
  name: string;
  children: DeptNode[];
}
export const DeptNode: z.ZodType<DeptNode> = z.lazy(() =>
  z.object({ id: z.number().int(), name: z.string(), children: z.array(DeptNode) }),
);

// ----- positions -----
export const Post = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  orderNum: z.number().int(),
  status: Status,
});
export type Post = z.infer<typeof Post>;
export const PostCreate = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,31}$/, '岗位编码为小写字母、数字、下划线'),
  name: z.string().trim().min(2).max(50),
  orderNum: z.number().int().min(0).max(9999).default(0),
  status: Status.default('active'),
});
export const PostUpdate = editOf(PostCreate);
export const PostOption = z.object({ id: z.number().int(), name: z.string() });
export type PostOption = z.infer<typeof PostOption>;

// ----- dictionaries -----
export const DictType = z.object({
  id: z.number().int(),
  type: z.string(),
  name: z.string(),
  status: Status,
  remark: z.string().nullable(),
});
export type DictType = z.infer<typeof DictType>;
export const DictTypeCreate = z.strictObject({
  type: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{1,63}$/, '字典类型为小写字母、数字、下划线'),
  name: z.string().trim().min(1).max(64),
  status: Status.default('active'),
  remark: z.string().trim().max(255).nullable().optional(),
});
export const DictTypeUpdate = editOf(DictTypeCreate.omit({ type: true }));
export const DictItem = z.object({
  id: z.number().int(),
  dictType: z.string(),
  label: z.string(),
  value: z.string(),
  orderNum: z.number().int(),
  cssClass: z.string().nullable(),
  status: Status,
});
export type DictItem = z.infer<typeof DictItem>;
export const DictItemCreate = z.strictObject({
  dictType: z.string().trim().min(1).max(64),
  label: z.string().trim().min(1).max(64),
  value: z.string().trim().min(1).max(64),
  orderNum: z.number().int().min(0).max(9999).default(0),
  cssClass: z.enum(['primary', 'success', 'info', 'warning', 'danger']).nullable().optional(),
  status: Status.default('active'),
});
export const DictItemUpdate = editOf(DictItemCreate.omit({ dictType: true }));
export const DictItemQuery = PageQuery.extend({ dictType: z.string().trim().min(1).max(64) });
export const DictTypeQuery = PageQuery.extend({
  name: z.string().trim().max(64).optional(),
  type: z.string().trim().max(64).optional(),
});
export const DictOption = z.object({ label: z.string(), value: z.string(), cssClass: z.string().nullable() });

// ----- staff applications -----
export const StaffApplication = z.object({
  id: z.number().int(),
  name: z.string(),
  deptId: z.number().int(),
  deptName: z.string().nullable(),
  postId: z.number().int().nullable(),
  postName: z.string().nullable(),
  username: z.string(),
  phoneMasked: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  reason: z.string().nullable(),
  createdAt: z.date(),
  reviewedAt: z.date().nullable(),
});
export type StaffApplication = z.infer<typeof StaffApplication>;
export const StaffApplicationPage = pageOf(StaffApplication);
export const StaffApplyBody = z.strictObject({
  name: PersonName,
  deptId: Id,
  postId: Id,
  username: Username,
  password: Password,
  phone: Phone.optional(),
});
export const StaffApplicationQuery = PageQuery.extend({
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
});
export const ApproveBody = z.strictObject({
  deptId: Id,
  postId: Id.nullable().optional(),
  roleIds: z.array(Id).max(20),
});
export const RejectBody = z.strictObject({ reason: z.string().trim().min(2, '请填写驳回原因').max(255) });
