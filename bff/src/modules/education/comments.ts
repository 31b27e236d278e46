import { Op, type WhereOptions } from 'sequelize';
import { infra, tx } from '../../infra';
import type { AdminActor, MpActor } from '../../http/actor';
import { AppError, batchRefusal, notFound, unprocessable } from '../../http/errors';
import { MpUser } from '../auth/models';
import { EduComment, EduContent, type CommentStatus } from './models';
import { contentScopeWhere, publishedContent } from './content';
import { screenText } from './sensitive';
import { addDays, shanghaiInstant } from '../../shared/time';

const nicknames = async (ids: number[]) =>
  new Map(
    (await MpUser.findAll({ where: { id: [...new Set(ids)] }, attributes: ['id', 'nickname'] })).map((u) => [
      u.id,
      u.nickname || '患者',
    ]),
  );

/** Published comments, plus the caller's own ones still held for review (only they see those). */
export async function listComments(actor: MpActor, contentId: number, q: { page: number; pageSize: number }) {
  await publishedContent(contentId);
  const { rows, count } = await EduComment.findAndCountAll({
    where: {
      contentId,
      deletedAt: null,
      [Op.or]: [{ status: 'published' }, { status: 'pending', userId: actor.userId }],
    },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const names = await nicknames(rows.map((r) => r.userId));
  return {
    items: rows.map((c) => ({
      id: c.id,
      nickname: names.get(c.userId) ?? '患者',
      text: c.text,
      status: c.status,
      mine: c.userId === actor.userId,
      reply: c.reply,
      repliedAt: c.repliedAt,
      createdAt: c.createdAt,
    })),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * The sensitive-word list decides: a blocking word refuses the comment (422, nothing stored), a review word stores
 * it as pending — visible to its author and to moderators until approved.
 */
export async function postComment(actor: MpActor, contentId: number, text: string) {
  await publishedContent(contentId);
  // Per patient, across every item, counting refused attempts too: a flood of comments (or probing the word list)
  // stops here before the filter and the database. Fixed one-minute window in Redis (in-process when embedded).
  const { kv, config } = infra();
  const limit = await kv.hit(`edu:comment:user:${actor.userId}`, config.EDU_COMMENT_RATE_PER_MIN, 60);
  if (!limit.allowed)
    throw new AppError(429, 'COMMENT_RATE_LIMITED', `评论太频繁，请 ${limit.retryAfterSec} 秒后再试`, {
      retryAfterSeconds: limit.retryAfterSec,
      limitPerMinute: config.EDU_COMMENT_RATE_PER_MIN,
    });
  const screen = await screenText(text);
  if (screen.verdict === 'block') throw unprocessable('COMMENT_BLOCKED', '评论包含不允许发布的内容，请修改后再发');
  const status: CommentStatus = screen.verdict === 'review' ? 'pending' : 'published';
  const c = await tx(async (t) => {
    const c = await EduComment.create(
      { contentId, userId: actor.userId, text, status, heldFor: screen.words.join(',').slice(0, 255) || null },
      { transaction: t },
    );
    if (status === 'published')
      await EduContent.increment('commentCount', { where: { id: contentId }, transaction: t });
    return c;
  });
  const names = await nicknames([actor.userId]);
  return {
    id: c.id,
    nickname: names.get(actor.userId) ?? '患者',
    text: c.text,
    status: c.status,
    mine: true,
    reply: null,
    repliedAt: null,
    createdAt: c.createdAt,
  };
}

// ---- moderation (console) ----

/** Comments on items in the moderator's scope. */
async function commentScope(actor: AdminActor): Promise<WhereOptions> {
  if (actor.scope.all) return {};
  const ids = (await EduContent.findAll({ where: contentScopeWhere(actor), attributes: ['id'] })).map((c) => c.id);
  return { contentId: ids };
}

export async function moderationList(
  actor: AdminActor,
  q: {
    page: number;
    pageSize: number;
    keyword?: string;
    commenter?: string;
    contentId?: number;
    status?: CommentStatus;
    from?: string;
    to?: string;
    includeDeleted?: boolean;
  },
) {
  const parts: WhereOptions[] = [await commentScope(actor)];
  if (!q.includeDeleted) parts.push({ deletedAt: null });
  if (q.keyword) parts.push({ text: { [Op.like]: `%${q.keyword}%` } });
  if (q.contentId) parts.push({ contentId: q.contentId });
  if (q.status) parts.push({ status: q.status });
  // A bare date is a whole day in Beijing time.
  if (q.from)
    parts.push({ createdAt: { [Op.gte]: q.from.length === 10 ? shanghaiInstant(q.from) : new Date(q.from) } });
  if (q.to)
    parts.push({
      createdAt: q.to.length === 10 ? { [Op.lt]: shanghaiInstant(addDays(q.to, 1)) } : { [Op.lte]: new Date(q.to) },
    });
  if (q.commenter) {
    const users = await MpUser.findAll({
      where: { nickname: { [Op.like]: `%${q.commenter}%` } },
      attributes: ['id'],
      limit: 1000,
    });
    parts.push({ userId: users.map((u) => u.id) });
  }
  const { rows, count } = await EduComment.findAndCountAll({
    where: { [Op.and]: parts },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const [names, contents] = await Promise.all([
    nicknames(rows.map((r) => r.userId)),
    EduContent.findAll({ where: { id: [...new Set(rows.map((r) => r.contentId))] }, attributes: ['id', 'title'] }),
  ]);
  const titles = new Map(contents.map((c) => [c.id, c.title]));
  return {
    items: rows.map((c) => ({
      id: c.id,
      contentId: c.contentId,
      contentTitle: titles.get(c.contentId) ?? '',
      userId: c.userId,
      nickname: names.get(c.userId) ?? '患者',
      text: c.text,
      status: c.status,
      heldFor: c.heldFor,
      reply: c.reply,
      repliedAt: c.repliedAt,
      deleted: !!c.deletedAt,
      createdAt: c.createdAt,
    })),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function scopedComment(actor: AdminActor, id: number) {
  const c = await EduComment.findOne({ where: { [Op.and]: [{ id, deletedAt: null }, await commentScope(actor)] } });
  if (!c) throw notFound('评论不存在或已删除');
  return c;
}

/** Soft delete: the row stays (who deleted it and when); the route's operation log records the act. */
export async function deleteComment(actor: AdminActor, id: number) {
  await deleteComments(actor, [id]);
}

/**
 * 批量删除: all or nothing. Every id must be a comment not yet deleted on an item in the moderator's scope (else 404
 * naming the ids, nothing deleted); then each is soft-deleted as one is, in one transaction.
 */
export async function deleteComments(actor: AdminActor, ids: number[]) {
  const unique = [...new Set(ids)];
  const scope = await commentScope(actor);
  await tx(async (t) => {
    const rows = await EduComment.findAll({
      where: { [Op.and]: [{ id: unique, deletedAt: null }, scope] },
      transaction: t,
      lock: t.LOCK.UPDATE,
    });
    const found = new Set(rows.map((c) => c.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length) throw batchRefusal(notFound('评论不存在或已删除'), missing);
    await EduComment.update(
      { deletedAt: new Date(), deletedBy: actor.userId },
      { where: { id: unique, deletedAt: null }, transaction: t },
    );
    const published = new Map<number, number>();
    for (const c of rows.filter((r) => r.status === 'published'))
      published.set(c.contentId, (published.get(c.contentId) ?? 0) + 1);
    for (const [contentId, by] of published)
      await EduContent.decrement('commentCount', { by, where: { id: contentId }, transaction: t });
  });
  return { deleted: unique.length };
}

export async function approveComment(actor: AdminActor, id: number) {
  const c = await scopedComment(actor, id);
  await tx(async (t) => {
    const [n] = await EduComment.update(
      { status: 'published' },
      { where: { id, status: 'pending', deletedAt: null }, transaction: t },
    );
    if (n) await EduContent.increment('commentCount', { where: { id: c.contentId }, transaction: t });
  });
}

/** The institution's answer under a comment (shown to patients as 官方回复). */
export async function replyComment(actor: AdminActor, id: number, reply: string) {
  await scopedComment(actor, id);
  await EduComment.update({ reply, repliedBy: actor.userId, repliedAt: new Date() }, { where: { id } });
}
