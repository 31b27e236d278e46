import { Op, type WhereOptions } from 'sequelize';
import { infra, tx } from '../../infra';
import { hashPassword } from '../../infra/crypto';
import { ALL_PERMS, type AdminActor } from '../../http/actor';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { assertAcceptablePassword } from './passwords';
import { dataScopeWhere, inScope, invalidateAuthz, subtreeIds } from './authz';
import { assertGrantable, grantableRoles } from './grants';
import { Dept, Post, Role, User, UserRole } from './models';
import { listUsersWhere, userViews } from './user-lists';

export { userViews };

type UserInput = {
  name?: string;
  deptId?: number;
  postId?: number | null;
  phone?: string | null;
  email?: string | null;
};

export async function listUsers(
  actor: AdminActor,
  q: {
    page: number;
    pageSize: number;
    name?: string;
    username?: string;
    phone?: string;
    deptId?: number;
    status?: User['status'];
  },
) {
  const filters: WhereOptions[] = [];
  if (q.name) filters.push({ name: { [Op.like]: `%${q.name}%` } });
  if (q.username) filters.push({ username: { [Op.like]: `%${q.username}%` } });
  if (q.phone) filters.push({ phoneHash: infra().fieldCrypto.blindIndex(q.phone) });
  if (q.deptId) filters.push({ deptId: await subtreeIds(q.deptId) });
  if (q.status) filters.push({ status: q.status });
  return listUsersWhere(actor, { [Op.and]: filters }, q);
}

/** A user the actor may see; anyone outside their data scope doesn't exist for them. */
export async function scopedUser(actor: AdminActor, id: number) {
  const u = await User.findOne({
    where: { [Op.and]: [{ id }, dataScopeWhere(actor, { dept: 'deptId', user: 'id' })] },
  });
  if (!u) throw notFound('用户不存在');
  return u;
}

/** A user the actor may change: in scope, and holding no role stronger than the actor could grant. */
async function manageableUser(actor: AdminActor, id: number) {
  const u = await scopedUser(actor, id);
  if (!actor.perms.has(ALL_PERMS)) {
    const held = await UserRole.findAll({ where: { userId: id } });
    const grantable = new Set((await grantableRoles(actor)).map((r) => r.id));
    if (held.some((g) => !grantable.has(g.roleId)))
      throw forbidden('USER_NOT_MANAGEABLE', '该用户拥有高于您的角色，无法操作');
  }
  return u;
}

async function assertDeptUsable(actor: AdminActor, deptId: number) {
  const dept = await Dept.findByPk(deptId);
  if (!dept) throw unprocessable('INVALID_DEPT', '所选部门不存在');
  if (dept.status !== 'active') throw unprocessable('INVALID_DEPT', '所选部门已停用');
  if (!inScope(actor, deptId)) throw forbidden('OUT_OF_SCOPE', '不能把用户放到您管理范围以外的部门');
}

async function assertPostUsable(postId: number | null | undefined) {
  if (postId == null) return;
  const post = await Post.findByPk(postId);
  if (!post || post.status !== 'active') throw unprocessable('INVALID_POST', '所选岗位不存在或已停用');
}

export function phoneFields(phone: string | null | undefined) {
  if (phone === undefined) return {};
  const { fieldCrypto } = infra();
  return phone === null
    ? { phoneEnc: null, phoneHash: null }
    : { phoneEnc: fieldCrypto.encrypt(phone), phoneHash: fieldCrypto.blindIndex(phone) };
}

export async function createUser(
  actor: AdminActor,
  input: UserInput & { username: string; password: string; deptId: number; roleIds?: number[] },
) {
  await assertDeptUsable(actor, input.deptId);
  await assertPostUsable(input.postId);
  await assertGrantable(actor, input.roleIds ?? []);
  if (await User.findOne({ where: { username: input.username } })) throw conflict('USERNAME_TAKEN', '用户名已被使用');
  assertAcceptablePassword(input.password, { username: input.username, name: input.name });
  const passwordHash = await hashPassword(input.password);
  const user = await tx(async (t) => {
    const u = await User.create(
      {
        username: input.username,
        name: input.name!,
        deptId: input.deptId,
        postId: input.postId ?? null,
        ...phoneFields(input.phone ?? null),
        email: input.email ?? null,
        passwordHash,
        status: 'active',
        lockedUntil: null,
        mustChangePassword: true,
        mpUserId: null,
      } as never,
      { transaction: t },
    );
    for (const roleId of new Set(input.roleIds ?? []))
      await UserRole.create({ userId: u.id, roleId }, { transaction: t });
    return u;
  });
  if (input.roleIds?.length) await invalidateAuthz();
  return (await userViews([user]))[0];
}

export async function updateUser(actor: AdminActor, id: number, input: UserInput) {
  const u = await manageableUser(actor, id);
  if (input.deptId !== undefined && input.deptId !== u.deptId) await assertDeptUsable(actor, input.deptId);
  if (input.postId !== undefined) await assertPostUsable(input.postId);
  await u.update({
    ...(input.name ? { name: input.name } : {}),
    ...(input.deptId ? { deptId: input.deptId } : {}),
    ...(input.postId !== undefined ? { postId: input.postId } : {}),
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...phoneFields(input.phone),
  });
  if (input.deptId !== undefined) await invalidateAuthz();
  return (await userViews([u]))[0];
}

/**
 * Sessions and login-failure counters belong to auth, which builds on system (never the other way): auth hands
 * these in at start (its manifest's setup).
 */
export interface SessionControl {
  endSessions(userId: number, reason: string): Promise<void>;
  forgetLoginFailures(username: string): Promise<void>;
}
let sessions: SessionControl | undefined;
export function registerSessionControl(control: SessionControl) {
  sessions = control;
}
function sessionControl() {
  if (!sessions) throw new Error('registerSessionControl() was not called (auth module not set up)');
  return sessions;
}
const endSessions = (userId: number, reason: string) => sessionControl().endSessions(userId, reason);
const forgetLoginFailures = (username: string) => sessionControl().forgetLoginFailures(username);

export async function setUserStatus(actor: AdminActor, id: number, status: 'active' | 'disabled') {
  if (id === actor.userId) throw new AppError(409, 'SELF_OPERATION', '不能停用自己的账号');
  const u = await manageableUser(actor, id);
  if (u.status === 'pending' || u.status === 'rejected')
    throw conflict('USER_NOT_ACTIVE', '待审核的账号请在“人员申请”中处理');
  await u.update({ status });
  if (status === 'disabled') await endSessions(id, 'account_disabled');
  return (await userViews([u]))[0];
}

export async function resetUserPassword(actor: AdminActor, id: number, password: string) {
  const u = await manageableUser(actor, id);
  assertAcceptablePassword(password, { username: u.username, name: u.name });
  await u.update({
    passwordHash: await hashPassword(password),
    mustChangePassword: id !== actor.userId,
    lockedUntil: null,
  });
  await forgetLoginFailures(u.username);
  if (id !== actor.userId) await endSessions(id, 'password_reset');
}

export async function unlockUser(actor: AdminActor, id: number) {
  const u = await scopedUser(actor, id);
  await u.update({ lockedUntil: null });
  await forgetLoginFailures(u.username);
  return (await userViews([u]))[0];
}

export async function setUserRoles(actor: AdminActor, id: number, roleIds: number[]) {
  const u = await manageableUser(actor, id);
  if (u.status === 'pending') throw conflict('USER_NOT_ACTIVE', '待审核的账号请在“人员申请”中审核');
  const unique = [...new Set(roleIds)];
  await assertGrantable(actor, unique);
  if (id === actor.userId && actor.perms.has(ALL_PERMS)) {
    const adminRole = await Role.findOne({ where: { key: 'admin' } });
    if (adminRole && !unique.includes(adminRole.id))
      throw new AppError(409, 'SELF_OPERATION', '不能移除自己的超级管理员角色');
  }
  await tx(async (t) => {
    await UserRole.destroy({ where: { userId: id }, transaction: t });
    for (const roleId of unique) await UserRole.create({ userId: id, roleId }, { transaction: t });
  });
  await invalidateAuthz();
  return (await userViews([u]))[0];
}

export async function deleteUser(actor: AdminActor, id: number) {
  if (id === actor.userId) throw new AppError(409, 'SELF_OPERATION', '不能删除自己的账号');
  await manageableUser(actor, id);
  await endSessions(id, 'account_deleted');
  await tx(async (t) => {
    await UserRole.destroy({ where: { userId: id }, transaction: t });
    await User.destroy({ where: { id }, transaction: t });
  });
  await invalidateAuthz();
}

/**
 * 批量删除: every id is checked first (in scope, manageable, not oneself) and one refusal refuses the whole batch
 * with nothing deleted; then all are deleted in one transaction.
 */
export async function deleteUsers(actor: AdminActor, ids: number[]) {
  const unique = [...new Set(ids)];
  if (unique.includes(actor.userId)) throw new AppError(409, 'SELF_OPERATION', '不能删除自己的账号');
  for (const id of unique) await manageableUser(actor, id);
  await tx(async (t) => {
    await UserRole.destroy({ where: { userId: { [Op.in]: unique } }, transaction: t });
    await User.destroy({ where: { id: { [Op.in]: unique } }, transaction: t });
  });
  for (const id of unique) await endSessions(id, 'account_deleted');
  await invalidateAuthz();
  return { deleted: unique.length };
}
