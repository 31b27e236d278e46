/**
 * 用户管理's Excel: export (the caller's data scope, the list's filters), the import template, and import with a
 * row report before anything is written. An import follows the rules of creating a user by hand — departments in
 * the caller's scope, only roles the caller may grant, usernames not taken — and commits all rows in one
 * transaction or none; the initial password is the one the importer types at commit, checked by the password
 * policy for each user, who must change it at first login.
 */
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { rowsToXlsx } from '../../kernel/sheets/export';
import { cellText, importRows, xlsxRows } from '../../kernel/sheets/import';
import { z } from 'zod';
import { infra, tx } from '../../infra';
import { hashPassword } from '../../infra/crypto';
import type { AdminActor } from '../../http/actor';
import { AppError, conflict, notFound, unprocessable } from '../../http/errors';
import { Phone, PersonName } from '../../http/schemas';
import { shanghaiWall } from '../../shared/time';
import { inScope, invalidateAuthz } from './authz';
import { grantableRoles } from './grants';
import { Dept, Post, User, UserRole } from './models';
import { assertAcceptablePassword } from './passwords';
import { Username } from './schemas';
import { listUsers, phoneFields } from './users';

export const MAX_USER_EXPORT = 5000;
export const MAX_USER_IMPORT = 1000;
const PREVIEW_TTL_SEC = 30 * 60;
const STATUS_LABEL: Record<string, string> = {
  active: '正常',
  disabled: '停用',
  pending: '待审核',
  rejected: '已驳回',
};
export const USER_IMPORT_HEADERS = ['用户名', '姓名', '部门', '岗位', '手机号', '邮箱', '角色'] as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export { XLSX as XLSX_TYPE };

type Filters = Omit<Parameters<typeof listUsers>[1], 'page' | 'pageSize'>;

/** The users the list shows with these filters, within the caller's scope; phone numbers stay masked. */
export async function exportUsers(actor: AdminActor, q: Filters): Promise<Buffer> {
  const page = await listUsers(actor, { ...q, page: 1, pageSize: MAX_USER_EXPORT + 1 });
  if (page.total > MAX_USER_EXPORT)
    throw unprocessable('EXPORT_TOO_LARGE', `最多导出 ${MAX_USER_EXPORT} 人，请按部门或条件缩小范围`);
  return rowsToXlsx(
    '用户',
    [
      ['用户名', 'username', 16],
      ['姓名', 'name', 10],
      ['部门', 'dept', 16],
      ['岗位', 'post', 12],
      ['手机号', 'phone', 14],
      ['邮箱', 'email', 22],
      ['角色', 'roles', 20],
      ['状态', 'status', 8],
      ['创建时间', 'createdAt', 18],
    ],
    page.items.map((u) => ({
      username: u.username,
      name: u.name,
      dept: u.deptName ?? '',
      post: u.postName ?? '',
      phone: u.phoneMasked ?? '',
      email: u.email ?? '',
      roles: u.roles.map((r) => r.name).join('、'),
      status: STATUS_LABEL[u.status] ?? u.status,
      createdAt: shanghaiWall(new Date(u.createdAt).toISOString()),
    })),
  );
}

/** The import template: the headers, one example row and what each column takes. */
export async function userImportTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('用户导入');
  ws.addRow([...USER_IMPORT_HEADERS]);
  ws.getRow(1).font = { bold: true };
  ws.addRow(['zhangsan', '张三', '心血管内科', '', '13800000000', '', '医师']);
  ws.columns.forEach((c) => (c.width = 16));
  const help = wb.addWorksheet('填写说明');
  for (const line of [
    ['用户名', '必填，4–32 位字母、数字或下划线，字母开头，不能与已有用户重复'],
    ['姓名', '必填'],
    ['部门', '必填，填写部门名称，须在您的管理范围内'],
    ['岗位', '可选，填写岗位名称'],
    ['手机号', '可选，11 位手机号'],
    ['邮箱', '可选'],
    ['角色', '可选，多个角色用顿号或逗号分隔，只能是您可以分配的角色'],
    ['初始密码', '导入时统一设置，用户首次登录须修改'],
  ])
    help.addRow(line);
  help.getColumn(1).width = 12;
  help.getColumn(2).width = 60;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface Candidate {
  username: string;
  name: string;
  deptId: number;
  postId: number | null;
  phone: string | null;
  email: string | null;
  roleIds: number[];
}
interface StoredPreview {
  actorId: number;
  creates: Candidate[];
  invalid: number;
}
export interface UserImportRow {
  row: number;
  ok: boolean;
  cells: string[];
  errors: string[];
}

const firstIssue = (r: { success: boolean; error?: z.ZodError }) => r.error?.issues[0]?.message ?? '格式不正确';

/** Reads the file and checks every row; nothing is written. The preview is kept 30 minutes for its commit. */
export async function previewUserImport(actor: AdminActor, filename: string, buffer: Buffer) {
  if (!/\.xlsx$/i.test(filename)) throw new AppError(415, 'IMPORT_TYPE', '只支持 .xlsx 文件，请使用下载的模板');
  if (!buffer.length) throw unprocessable('IMPORT_EMPTY', '文件为空');
  const raw = (
    await importRows(xlsxRows(buffer), {
      headers: USER_IMPORT_HEADERS,
      maxRows: MAX_USER_IMPORT,
      tooLarge: `一次最多导入 ${MAX_USER_IMPORT} 人`,
      unreadable: '无法读取该文件，请使用下载的模板另存为 .xlsx',
      empty: '文件中没有用户数据',
    })
  ).map(({ row, cells }) => ({ row, cells: cells.map(cellText) }));

  // what the rows refer to, loaded once
  const [depts, posts, grantable, taken] = await Promise.all([
    Dept.findAll({ attributes: ['id', 'name', 'status'], raw: true }),
    Post.findAll({ attributes: ['id', 'name', 'status'], raw: true }),
    grantableRoles(actor),
    User.findAll({ where: { username: raw.map((r) => r.cells[0]) }, attributes: ['username'], raw: true }),
  ]);
  const deptsByName = new Map<string, typeof depts>();
  for (const d of depts) deptsByName.set(d.name, [...(deptsByName.get(d.name) ?? []), d]);
  const postByName = new Map(posts.filter((p) => p.status === 'active').map((p) => [p.name, p.id]));
  const roleByName = new Map(grantable.map((r) => [r.name, r.id]));
  const takenNames = new Set(taken.map((u) => u.username.toLowerCase()));
  const seen = new Map<string, number>();

  const rows: UserImportRow[] = [];
  const creates: Candidate[] = [];
  for (const { row, cells } of raw) {
    const [username, name, deptName, postName, phone, email, roleNames] = cells;
    const errors: string[] = [];
    const u = Username.safeParse(username);
    if (!username) errors.push('用户名不能为空');
    else if (!u.success) errors.push(`用户名：${firstIssue(u)}`);
    else if (takenNames.has(username.toLowerCase())) errors.push(`用户名「${username}」已被使用`);
    else if (seen.has(username.toLowerCase()))
      errors.push(`用户名「${username}」与第 ${seen.get(username.toLowerCase())} 行重复`);
    if (username) seen.set(username.toLowerCase(), seen.get(username.toLowerCase()) ?? row);
    const n = PersonName.safeParse(name);
    if (!name) errors.push('姓名不能为空');
    else if (!n.success) errors.push(`姓名：${firstIssue(n)}`);
    let deptId: number | undefined;
    if (!deptName) errors.push('部门不能为空');
    else {
      const found = (deptsByName.get(deptName) ?? []).filter((d) => d.status === 'active');
      if (!found.length) errors.push(`部门「${deptName}」不存在或已停用`);
      else if (found.length > 1) errors.push(`部门名称「${deptName}」不唯一，请联系管理员`);
      else if (!inScope(actor, found[0].id)) errors.push(`部门「${deptName}」不在您的管理范围内`);
      else deptId = found[0].id;
    }
    let postId: number | null = null;
    if (postName) {
      if (!postByName.has(postName)) errors.push(`岗位「${postName}」不存在或已停用`);
      else postId = postByName.get(postName)!;
    }
    if (phone && !Phone.safeParse(phone).success) errors.push('手机号应为 11 位手机号码');
    if (email && !z.email().max(128).safeParse(email).success) errors.push('邮箱格式不正确');
    const roleIds: number[] = [];
    for (const r of roleNames
      .split(/[、,，;；\s]+/)
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!roleByName.has(r)) errors.push(`角色「${r}」不存在或您无权分配`);
      else roleIds.push(roleByName.get(r)!);
    }
    rows.push({ row, ok: !errors.length, cells, errors });
    if (!errors.length)
      creates.push({
        username: u.data!,
        name: n.data!,
        deptId: deptId!,
        postId,
        phone: phone || null,
        email: email || null,
        roleIds: [...new Set(roleIds)],
      });
  }
  const invalid = rows.filter((r) => !r.ok).length;
  const previewId = crypto.randomUUID();
  await infra().kv.set(
    `user-import:${previewId}`,
    { actorId: actor.userId, creates, invalid } satisfies StoredPreview,
    PREVIEW_TTL_SEC,
  );
  return {
    previewId,
    filename,
    total: rows.length,
    valid: rows.length - invalid,
    invalid,
    rows: [...rows.filter((r) => !r.ok), ...rows.filter((r) => r.ok).slice(0, 500)],
  };
}

/**
 * Creates every user of a preview in one transaction, or none: a preview with a refused row is not committed
 * (fix the file and upload it again), and a username taken since the preview refuses the whole import.
 */
export async function commitUserImport(actor: AdminActor, previewId: string, password: string) {
  const { kv } = infra();
  const key = `user-import:${previewId}`;
  const preview = await kv.get<StoredPreview>(key);
  if (!preview || preview.actorId !== actor.userId) throw notFound('导入预览已过期，请重新上传');
  if (preview.invalid > 0)
    throw unprocessable(
      'IMPORT_HAS_ERRORS',
      `有 ${preview.invalid} 行不符合要求，请修改文件后重新上传，未导入任何数据`,
    );
  // the password policy for each user (it must not contain their username or name)
  for (const c of preview.creates) assertAcceptablePassword(password, { username: c.username, name: c.name });
  // roles the caller may grant, again: a role may have been changed since the preview
  const grantable = new Set((await grantableRoles(actor)).map((r) => r.id));
  if (preview.creates.some((c) => c.roleIds.some((r) => !grantable.has(r)) || !inScope(actor, c.deptId)))
    throw unprocessable('IMPORT_CONFLICT', '预览之后权限或部门已变化，请重新上传预览，未导入任何数据');
  await kv.del(key);
  // one hash for the one initial password every imported user must change at first login
  const passwordHash = await hashPassword(password);
  try {
    await tx(async (t) => {
      for (const c of preview.creates) {
        const u = await User.create(
          {
            username: c.username,
            name: c.name,
            deptId: c.deptId,
            postId: c.postId,
            ...phoneFields(c.phone),
            email: c.email,
            passwordHash,
            status: 'active',
            lockedUntil: null,
            mustChangePassword: true,
            mpUserId: null,
          } as never,
          { transaction: t },
        );
        for (const roleId of c.roleIds) await UserRole.create({ userId: u.id, roleId }, { transaction: t });
      }
    });
  } catch (err) {
    if ((err as Error).name === 'SequelizeUniqueConstraintError')
      throw conflict('IMPORT_CONFLICT', '预览之后有用户名已被使用，请重新上传预览，未导入任何数据');
    throw err;
  }
  if (preview.creates.some((c) => c.roleIds.length)) await invalidateAuthz();
  return { created: preview.creates.length };
}
