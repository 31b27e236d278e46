import { Op } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { forbidden, notFound, unprocessable } from '../../http/errors';
import { fileOfUrl } from '../../kernel/files';
import { dataScopeWhere, inScope, subtreeIds } from '../system/authz';
import { Dept, DoctorProfile, Post, User } from '../system/models';
import { ClinicLevel, listLevels, type LevelCode } from './levels';
import { repriceSessions } from './reprice';
import { doctorIds } from './service';

/**
 * 医生管理: what patients see about a doctor (photo, 职称, 擅长, 简介) and the 号别 that prices their sessions.
 * Doctors are listed and edited within the actor's data scope.
 */
export async function listDoctorProfiles(
  actor: AdminActor,
  q: { page: number; pageSize: number; deptId?: number; name?: string; level?: LevelCode },
) {
  const ids = [...(await doctorIds())];
  const where = {
    [Op.and]: [
      { id: ids },
      dataScopeWhere(actor, { dept: 'deptId', user: 'id' }),
      q.deptId ? { deptId: await subtreeIds(q.deptId) } : {},
      q.name ? { name: { [Op.like]: `%${q.name}%` } } : {},
      q.level
        ? {
            id: (await DoctorProfile.findAll({ where: { level: q.level }, attributes: ['userId'], raw: true })).map(
              (p) => p.userId,
            ),
          }
        : {},
    ],
  };
  const { rows, count } = await User.findAndCountAll({
    where,
    order: [
      ['deptId', 'ASC'],
      ['id', 'ASC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await profileViews(rows), total: count, page: q.page, pageSize: q.pageSize };
}

async function profileViews(users: User[]) {
  if (!users.length) return [];
  const [profiles, depts, posts, levels] = await Promise.all([
    DoctorProfile.findAll({ where: { userId: users.map((u) => u.id) } }),
    Dept.findAll({ where: { id: [...new Set(users.map((u) => u.deptId!))] }, attributes: ['id', 'name'] }),
    Post.findAll({ attributes: ['id', 'name'] }),
    ClinicLevel.findAll(),
  ]);
  const profile = new Map(profiles.map((p) => [p.userId, p]));
  const dept = new Map(depts.map((d) => [d.id, d.name]));
  const post = new Map(posts.map((p) => [p.id, p.name]));
  const level = new Map(levels.map((l) => [l.code as string, l]));
  return users.map((u) => {
    const p = profile.get(u.id);
    const l = p?.level ? level.get(p.level) : undefined;
    return {
      id: u.id,
      name: u.name,
      username: u.username,
      status: u.status as 'active' | 'disabled',
      deptId: u.deptId!,
      deptName: dept.get(u.deptId!) ?? '',
      postName: u.postId ? (post.get(u.postId) ?? null) : null,
      title: p?.title ?? null,
      level: (l?.code ?? null) as LevelCode | null,
      levelName: l?.name ?? null,
      levelFeeFen: l?.feeFen ?? null,
      specialty: p?.specialty ?? null,
      intro: p?.intro ?? null,
      avatarUrl: p?.avatarUrl ?? null,
      updatedAt: p?.updatedAt ?? null,
    };
  });
}

async function scopedDoctor(actor: AdminActor, doctorId: number) {
  const u = await User.findByPk(doctorId);
  if (!u || !(await doctorIds()).has(u.id)) throw notFound('医生不存在');
  if (!inScope(actor, u.deptId)) throw forbidden('OUT_OF_SCOPE', '只能管理本科室医生的资料');
  return u;
}

export async function getDoctorProfile(actor: AdminActor, doctorId: number) {
  return (await profileViews([await scopedDoctor(actor, doctorId)]))[0];
}

export async function updateDoctorProfile(
  actor: AdminActor,
  doctorId: number,
  input: {
    title?: string | null;
    level?: LevelCode | null;
    specialty?: string | null;
    intro?: string | null;
    avatarUrl?: string | null;
  },
) {
  const u = await scopedDoctor(actor, doctorId);
  if (input.avatarUrl) {
    const f = await fileOfUrl(input.avatarUrl);
    if (!f || f.kind !== 'image') throw unprocessable('INVALID_AVATAR', '照片须是在本系统上传的图片');
  }
  const existing = await DoctorProfile.findByPk(u.id);
  const before = existing?.level ?? null;
  const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (existing) await existing.update(patch);
  else
    await DoctorProfile.create({
      userId: u.id,
      specialty: input.specialty ?? null,
      intro: input.intro ?? null,
      avatarUrl: input.avatarUrl ?? null,
      title: input.title ?? null,
      level: input.level ?? null,
    });
  if (input.level !== undefined && input.level !== before) await repriceSessions([u.id]);
  return (await profileViews([u]))[0];
}

export { listLevels };

/** A 号别's fee (administrators): the sessions still to come that nobody has booked take it at once. */
export async function updateLevel(code: LevelCode, input: { name?: string; feeFen: number }) {
  const level = await ClinicLevel.findByPk(code);
  if (!level) throw notFound('号别不存在');
  await level.update(input);
  const doctors = (await DoctorProfile.findAll({ where: { level: code }, attributes: ['userId'], raw: true })).map(
    (p) => p.userId,
  );
  const repriced = await repriceSessions(doctors);
  return { code: level.code, name: level.name, feeFen: level.feeFen, repriced };
}
