import { z } from 'zod';
import { Password } from '../system/schemas';

export { Password };

export const MpLoginBody = z.strictObject({ code: z.string().min(1).max(128) });
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(16).max(128) });
export const AdminLoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
});
export type AdminLoginBody = z.infer<typeof AdminLoginBody>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().describe('access token lifetime in seconds'),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const MpUser = z.object({
  id: z.number().int(),
  nickname: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  phoneMasked: z.string().nullable(),
});
export type MpUser = z.infer<typeof MpUser>;

export const MpLoginResult = TokenPair.extend({ user: MpUser });
export type MpLoginResult = z.infer<typeof MpLoginResult>;

export const MpUserPatch = z.strictObject({
  nickname: z.string().trim().min(1).max(32).optional(),
  avatarUrl: z
    .url({ protocol: /^https?$/ })
    .max(512)
    .optional(),
});
export const PhoneBody = z.strictObject({ code: z.string().min(1).max(128) });

export const ChangePasswordBody = z.strictObject({ oldPassword: z.string().min(1).max(128), newPassword: Password });

export const Me = z.object({
  user: z.object({
    id: z.number().int(),
    username: z.string(),
    name: z.string(),
    deptId: z.number().int().nullable(),
    deptName: z.string().nullable(),
    postId: z.number().int().nullable(),
    postName: z.string().nullable(),
    phoneMasked: z.string().nullable(),
    mustChangePassword: z.boolean(),
  }),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
});
export type Me = z.infer<typeof Me>;

export interface MenuNode {
  id: number;
  parentId: number | null;
  name: string;
  type: 'D' | 'M';
  path: string | null;
  component: string | null;
  icon: string | null;
  orderNum: number;
  visible: boolean;
  children: MenuNode[];
}
export const MenuNode: z.ZodType<MenuNode> = z.lazy(() =>
  z.object({
    id: z.number().int(),
    parentId: z.number().int().nullable(),
    name: z.string(),
    type: z.enum(['D', 'M']),
    path: z.string().nullable(),
    component: z.string().nullable(),
    icon: z.string().nullable(),
    orderNum: z.number().int(),
    visible: z.boolean(),
    children: z.array(MenuNode),
  }),
);
