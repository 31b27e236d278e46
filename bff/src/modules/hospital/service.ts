import { Op, type WhereOptions } from 'sequelize';
import { infra, tx } from '../../infra';
import { notFound } from '../../http/errors';
import type { AdminActor } from '../../http/actor';
import { SysNotice } from './models';
import type { NoticeInput, NoticePatch, NoticeQuery } from './schemas';

const adminView = (n: SysNotice) => ({
  id: n.id,
  title: n.title,
  type: n.type,
  content: n.content,
  status: n.status,
  pinned: n.pinned,
  createdBy: n.createdBy,
  publishedAt: n.publishedAt,
  createdAt: n.createdAt,
  updatedAt: n.updatedAt,
});
const publicView = (n: SysNotice) => ({
  id: n.id,
  title: n.title,
  type: n.type,
  content: n.content,
  pinned: n.pinned,
  publishedAt: n.publishedAt!,
});

const HOME_NOTICES = 5;
const publishedOrder: [string, string][] = [
  ['pinned', 'DESC'],
  ['publishedAt', 'DESC'],
  ['id', 'DESC'],
];

/** What the mini-program's home page shows: the hospital (from its configuration) and its published announcements. */
export async function hospitalInfo() {
  const c = infra().config;
  const notices = await SysNotice.findAll({
    where: { status: 'published' },
    order: publishedOrder,
    limit: HOME_NOTICES,
  });
  return {
    name: c.HOSPITAL_NAME,
    address: c.HOSPITAL_ADDRESS,
    phone: c.HOSPITAL_PHONE,
    hours: c.HOSPITAL_HOURS,
    latitude: c.HOSPITAL_LATITUDE,
    longitude: c.HOSPITAL_LONGITUDE,
    notices: notices.map(publicView),
  };
}

/** One published announcement; a draft or closed one does not exist for patients. */
export async function publicNotice(id: number) {
  const n = await SysNotice.findOne({ where: { id, status: 'published' } });
  if (!n) throw notFound('公告不存在或已下线');
  return publicView(n);
}

export async function listNotices(q: NoticeQuery) {
  const where: WhereOptions = {
    ...(q.title ? { title: { [Op.like]: `%${q.title.replace(/[\\%_]/g, (m) => `\\${m}`)}%` } } : {}),
    ...(q.type ? { type: q.type } : {}),
    ...(q.status ? { status: q.status } : {}),
  };
  const { rows, count } = await SysNotice.findAndCountAll({
    where,
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(adminView), total: count, page: q.page, pageSize: q.pageSize };
}

export async function getNotice(id: number) {
  const n = await SysNotice.findByPk(id);
  if (!n) throw notFound('公告不存在');
  return adminView(n);
}

/** Publishing stamps the time shown to patients; a later edit keeps it (republishing after closing renews it). */
const publishedAtFor = (n: SysNotice | null, status: string | undefined) =>
  status === 'published' ? (n?.status === 'published' ? n.publishedAt : new Date()) : (n?.publishedAt ?? null);

export async function createNotice(actor: AdminActor, input: NoticeInput) {
  const n = await SysNotice.create({
    ...input,
    pinned: input.pinned ?? false,
    createdBy: actor.name || actor.username,
    publishedAt: publishedAtFor(null, input.status),
  });
  return adminView(n);
}

export async function updateNotice(id: number, patch: NoticePatch) {
  const n = await SysNotice.findByPk(id);
  if (!n) throw notFound('公告不存在');
  await n.update({ ...patch, publishedAt: publishedAtFor(n, patch.status ?? n.status) });
  return adminView(n);
}

/** 批量删除: every notice must exist, or none is deleted. */
export async function deleteNotices(ids: number[]) {
  const unique = [...new Set(ids)];
  await tx(async (t) => {
    if ((await SysNotice.count({ where: { id: unique }, transaction: t })) !== unique.length)
      throw notFound('公告不存在');
    await SysNotice.destroy({ where: { id: unique }, transaction: t });
  });
  return { deleted: unique.length };
}

export async function deleteNotice(id: number) {
  const n = await SysNotice.findByPk(id);
  if (!n) throw notFound('公告不存在');
  await n.destroy();
}
