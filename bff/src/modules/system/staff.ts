import { Op } from 'sequelize';
import { infra, tx } from '../../infra';
import { hashPassword, maskPhone } from '../../infra/crypto';
import type { AdminActor, MpActor } from '../../http/actor';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { dataScopeWhere, inScope, invalidateAuthz } from './authz';
import { assertGrantable } from './grants';
import { assertAcceptablePassword } from './passwords';
import { Dept, Post, StaffApplication, User, UserRole } from './models';

async function views(apps: StaffApplication[]) {
  const { fieldCrypto } = infra();
  const [depts, posts, users] = await Promise.all([
    Dept.findAll({ where: { id: apps.map((a) => a.deptId) }, attributes: ['id', 'name'] }),
    Post.findAll({
      where: { id: apps.map((a) => a.postId).filter((x): x is number => x != null) },
      attributes: ['id', 'name'],
    }),
    User.findAll({
      where: { id: apps.map((a) => a.userId).filter((x): x is number => x != null) },
      attributes: ['id', 'phoneEnc'],
    }),
  ]);
  const dn = new Map(depts.map((d) => [d.id, d.name]));
  const pn = new Map(posts.map((p) => [p.id, p.name]));
  const phone = new Map(users.map((u) => [u.id, u.phoneEnc]));
  return apps.map((a) => {
    const enc = a.userId ? phone.get(a.userId) : null;
    return {
      id: a.id,
      name: a.name,
      deptId: a.deptId,
      deptName: dn.get(a.deptId) ?? null,
      postId: a.postId,
      postName: a.postId ? (pn.get(a.postId) ?? null) : null,
      username: a.username,
      phoneMasked: enc ? maskPhone(fieldCrypto.decrypt(enc)) : null,
      status: a.status,
      reason: a.reason,
      createdAt: a.createdAt,
      reviewedAt: a.reviewedAt,
    };
  });
}

/** A staff member asks for a console account from the mini-program; it starts with no roles, pending review. */
export async function applyForStaff(
  actor: MpActor,
  input: { name: string; deptId: number; postId: number; username: string; password: string; phone?: string },
) {
  const dept = await Dept.findByPk(input.deptId);
  if (!dept || dept.status !== 'active') throw unprocessable('INVALID_DEPT', '所选科室不存在或已停用');
  const post = await Post.findByPk(input.postId);
  if (!post || post.status !== 'active') throw unprocessable('INVALID_POST', '所选岗位不存在或已停用');
  assertAcceptablePassword(input.password, { username: input.username, name: input.name });
  const passwordHash = await hashPassword(input.password);
  const { fieldCrypto } = infra();
  const app = await tx(async (t) => {
    const mine = await StaffApplication.findAll({
      where: { mpUserId: actor.userId, status: { [Op.in]: ['pending', 'approved'] } },
      transaction: t,
      lock: t.LOCK.UPDATE,
    });
    if (mine.some((a) => a.status === 'pending')) throw conflict('APPLICATION_PENDING', '您已有一份申请正在审核中');
    if (mine.some((a) => a.status === 'approved')) throw conflict('ALREADY_STAFF', '您的工作人员账号已开通');
    if (await User.findOne({ where: { username: input.username }, transaction: t }))
      throw conflict('USERNAME_TAKEN', '用户名已被使用，请换一个');
    const user = await User.create(
      {
        username: input.username,
        name: input.name,
        deptId: input.deptId,
        postId: input.postId,
        phoneEnc: input.phone ? fieldCrypto.encrypt(input.phone) : null,
        phoneHash: input.phone ? fieldCrypto.blindIndex(input.phone) : null,
        email: null,
        passwordHash,
        status: 'pending',
        lockedUntil: null,
        mpUserId: actor.userId,
      },
      { transaction: t },
    );
    return StaffApplication.create(
      {
        mpUserId: actor.userId,
        userId: user.id,
        username: input.username,
        name: input.name,
        deptId: input.deptId,
        postId: input.postId,
        status: 'pending',
        reason: null,
        reviewedBy: null,
        reviewedAt: null,
      },
      { transaction: t },
    );
  });
  return (await views([app]))[0];
}

export async function myStaffApplication(actor: MpActor) {
  const app = await StaffApplication.findOne({ where: { mpUserId: actor.userId }, order: [['id', 'DESC']] });
  return app ? (await views([app]))[0] : null;
}

export async function listStaffApplications(
  actor: AdminActor,
  q: { page: number; pageSize: number; status?: 'pending' | 'approved' | 'rejected' },
) {
  const { rows, count } = await StaffApplication.findAndCountAll({
    where: { [Op.and]: [dataScopeWhere(actor, { dept: 'deptId' }), q.status ? { status: q.status } : {}] },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await views(rows), total: count, page: q.page, pageSize: q.pageSize };
}

async function pendingInScope(actor: AdminActor, id: number) {
  const app = await StaffApplication.findByPk(id);
  if (!app || !inScope(actor, app.deptId)) throw notFound('申请不存在');
  if (app.status !== 'pending') throw conflict('APPLICATION_DECIDED', '该申请已处理');
  return app;
}

export async function approveStaffApplication(
  actor: AdminActor,
  id: number,
  input: { deptId: number; postId?: number | null; roleIds: number[] },
) {
  const app = await pendingInScope(actor, id);
  const dept = await Dept.findByPk(input.deptId);
  if (!dept || dept.status !== 'active') throw unprocessable('INVALID_DEPT', '所选部门不存在或已停用');
  if (!inScope(actor, input.deptId)) throw forbidden('OUT_OF_SCOPE', '不能把人员分配到您管理范围以外的部门');
  await assertGrantable(actor, input.roleIds);
  await tx(async (t) => {
    const [n] = await StaffApplication.update(
      {
        status: 'approved',
        reviewedBy: actor.userId,
        reviewedAt: new Date(),
        deptId: input.deptId,
        ...(input.postId !== undefined ? { postId: input.postId } : {}),
      },
      { where: { id, status: 'pending' }, transaction: t },
    );
    if (!n) throw conflict('APPLICATION_DECIDED', '该申请已处理');
    await User.update(
      { status: 'active', deptId: input.deptId, ...(input.postId !== undefined ? { postId: input.postId } : {}) },
      { where: { id: app.userId! }, transaction: t },
    );
    for (const roleId of new Set(input.roleIds))
      await UserRole.create({ userId: app.userId!, roleId }, { transaction: t });
  });
  await invalidateAuthz();
  return (await views([(await StaffApplication.findByPk(id))!]))[0];
}

/** Rejecting removes the never-used pending account so the username is free to apply again. */
export async function rejectStaffApplication(actor: AdminActor, id: number, reason: string) {
  const app = await pendingInScope(actor, id);
  await tx(async (t) => {
    const [n] = await StaffApplication.update(
      { status: 'rejected', reason, reviewedBy: actor.userId, reviewedAt: new Date(), userId: null },
      { where: { id, status: 'pending' }, transaction: t },
    );
    if (!n) throw conflict('APPLICATION_DECIDED', '该申请已处理');
    if (app.userId) await User.destroy({ where: { id: app.userId, status: 'pending' }, transaction: t });
  });
  return (await views([(await StaffApplication.findByPk(id))!]))[0];
}
