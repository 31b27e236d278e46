import { Op, UniqueConstraintError, type Transaction, type WhereOptions } from 'sequelize';
import { infra, tx } from '../../infra';
import { hasPerm, type AdminActor, type MpActor } from '../../http/actor';
import { batchRefusal as refusal, conflict, forbidden, notFound, unprocessable } from '../../http/errors';
import { usesOf } from '../../kernel/usage';
import { dataScopeWhere, inScope } from '../system/authz';
import { Dept } from '../system/models';
import {
  EduComment,
  EduContent,
  EduLike,
  EduPrescription,
  EduRevision,
  type ContentKind,
  type ContentStatus,
} from './models';
import { deptNames, staffCards } from './people';
import { plainText, sanitizeBody } from './sanitize';
import { countReadToday } from './stats';

export const PUBLISH_PERM = 'edu:content:publish';

export interface ContentInput {
  title: string;
  summary: string;
  coverUrl: string | null;
  body: string;
  videoUrl: string | null;
  durationSec: number | null;
  deptId: number;
  tags: string[];
}

const tagsOf = (c: EduContent) => (c.tags ? c.tags.split(',').filter(Boolean) : []);
const reviewIntervalMs = () => infra().config.EDU_REVIEW_INTERVAL_DAYS * 86400_000;
const needsReview = (c: EduContent) =>
  c.status === 'published' && (!c.reviewedAt || Date.now() - c.reviewedAt.getTime() > reviewIntervalMs());

/** What a console user may see: their data scope over the item's department, plus what they wrote themselves. */
export const contentScopeWhere = (actor: AdminActor): WhereOptions =>
  dataScopeWhere(actor, { dept: 'deptId', user: 'authorId' });

async function adminViews(rows: EduContent[]) {
  const [cards, depts] = await Promise.all([staffCards(rows.flatMap((r) => [r.authorId, r.reviewerId])), deptNames()]);
  return rows.map((c) => ({
    id: c.id,
    kind: c.kind,
    title: c.title,
    summary: c.summary,
    coverUrl: c.coverUrl,
    videoUrl: c.videoUrl,
    durationSec: c.durationSec,
    deptId: c.deptId,
    deptName: depts.get(c.deptId) ?? '',
    tags: tagsOf(c),
    status: c.status,
    author: cards.get(c.authorId) ?? null,
    reviewer: (c.reviewerId && cards.get(c.reviewerId)) || null,
    reviewedAt: c.reviewedAt,
    needsReview: needsReview(c),
    publishedAt: c.publishedAt,
    version: c.version,
    readCount: c.readCount,
    likeCount: c.likeCount,
    commentCount: c.commentCount,
    updatedAt: c.updatedAt,
  }));
}

export async function listContents(
  actor: AdminActor,
  q: {
    page: number;
    pageSize: number;
    kind?: ContentKind;
    status?: ContentStatus;
    keyword?: string;
    deptId?: number;
    needsReview?: boolean;
  },
) {
  const parts: WhereOptions[] = [contentScopeWhere(actor)];
  if (q.kind) parts.push({ kind: q.kind });
  if (q.status) parts.push({ status: q.status });
  if (q.deptId) parts.push({ deptId: q.deptId });
  if (q.keyword) parts.push({ title: { [Op.like]: `%${q.keyword}%` } });
  if (q.needsReview !== undefined) {
    const due = new Date(Date.now() - reviewIntervalMs());
    const dueWhere = { status: 'published', [Op.or]: [{ reviewedAt: null }, { reviewedAt: { [Op.lt]: due } }] };
    parts.push(q.needsReview ? dueWhere : { [Op.not]: dueWhere });
  }
  const { rows, count } = await EduContent.findAndCountAll({
    where: { [Op.and]: parts },
    attributes: { exclude: ['body'] },
    order: [
      ['updatedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await adminViews(rows), total: count, page: q.page, pageSize: q.pageSize };
}

async function scopedContent(actor: AdminActor, id: number, t?: Transaction) {
  const c = await EduContent.findOne({
    where: { [Op.and]: [{ id }, contentScopeWhere(actor)] },
    transaction: t,
    lock: t ? t.LOCK.UPDATE : undefined,
  });
  if (!c) throw notFound('宣教内容不存在');
  return c;
}

export async function getContent(actor: AdminActor, id: number) {
  const c = await scopedContent(actor, id);
  return { ...(await adminViews([c]))[0]!, body: c.body };
}

export async function contentRevisions(actor: AdminActor, id: number) {
  await scopedContent(actor, id);
  const rows = await EduRevision.findAll({ where: { contentId: id }, order: [['id', 'DESC']], limit: 200 });
  const cards = await staffCards(rows.map((r) => r.editorId));
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    action: r.action,
    title: r.title,
    editorName: cards.get(r.editorId)?.name ?? '',
    createdAt: r.createdAt,
  }));
}

/** Published items for pickers (宣教处方, learning tasks): any department's, since patients may read them all. */
export async function publishedOptions(keyword?: string) {
  const rows = await EduContent.findAll({
    where: { status: 'published', ...(keyword ? { title: { [Op.like]: `%${keyword}%` } } : {}) },
    attributes: ['id', 'title', 'kind', 'deptId'],
    order: [['publishedAt', 'DESC']],
    limit: 100,
  });
  const depts = await deptNames();
  return rows.map((c) => ({ id: c.id, title: c.title, kind: c.kind, deptName: depts.get(c.deptId) ?? '' }));
}

/** Departments the actor may write for: their data scope, plus their own department. */
export async function writableDepts(actor: AdminActor) {
  const depts = await Dept.findAll({
    where: { status: 'active', type: 'department' },
    attributes: ['id', 'name'],
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return depts.filter((d) => inScope(actor, d.id) || d.id === actor.deptId).map((d) => ({ id: d.id, name: d.name }));
}

/** A physician drafts for their own department; a publisher anywhere in their scope. */
async function checkDept(actor: AdminActor, deptId: number) {
  const d = await Dept.findByPk(deptId);
  if (!d || d.status !== 'active') throw unprocessable('INVALID_DEPT', '所选科室不存在或已停用');
  if (!inScope(actor, deptId) && actor.deptId !== deptId)
    throw forbidden('OUT_OF_SCOPE', '只能为本人数据范围内的科室编写宣教内容');
}

function cleaned(kind: ContentKind, input: ContentInput) {
  const body = sanitizeBody(input.body);
  return {
    title: input.title,
    summary: input.summary || plainText(body).slice(0, 120),
    coverUrl: input.coverUrl,
    body,
    videoUrl: kind === 'video' ? input.videoUrl : null,
    durationSec: kind === 'video' ? input.durationSec : null,
    deptId: input.deptId,
    tags: [...new Set(input.tags)].join(','),
  };
}

function checkPublishable(c: Pick<EduContent, 'kind' | 'body' | 'videoUrl' | 'durationSec'>) {
  if (c.kind === 'article' && !plainText(c.body) && !/<img\b/i.test(c.body))
    throw unprocessable('CONTENT_INCOMPLETE', '文章正文为空，不能发布');
  if (c.kind === 'video' && (!c.videoUrl || !c.durationSec))
    throw unprocessable('CONTENT_INCOMPLETE', '请先上传视频（或填写视频链接）并填写时长');
}

const revision = (c: EduContent, action: EduRevision['action'], editorId: number, t: Transaction) =>
  EduRevision.create(
    { contentId: c.id, version: c.version, action, title: c.title, summary: c.summary, body: c.body, editorId },
    { transaction: t },
  );

export async function createContent(actor: AdminActor, input: ContentInput & { kind: ContentKind }) {
  await checkDept(actor, input.deptId);
  const id = await tx(async (t) => {
    const c = await EduContent.create(
      { kind: input.kind, ...cleaned(input.kind, input), status: 'draft', authorId: actor.userId },
      { transaction: t },
    );
    await revision(c, 'create', actor.userId, t);
    return c.id;
  });
  return getContent(actor, id);
}

/**
 * The author edits their own draft; anything else (someone else's draft, a published or offline item) needs the
 * publish permission within scope. Every save is a new version in the history; editing a published item is a
 * review by whoever saved it.
 */
export async function updateContent(actor: AdminActor, id: number, input: ContentInput) {
  await tx(async (t) => {
    const c = await scopedContent(actor, id, t);
    const ownDraft = c.status === 'draft' && c.authorId === actor.userId;
    if (!ownDraft && !hasPerm(actor, PUBLISH_PERM))
      throw forbidden(
        'FORBIDDEN',
        c.status === 'draft' ? '只能修改本人的草稿' : '已发布或已下线的内容只有审核发布人可以修改',
      );
    if (input.deptId !== c.deptId) await checkDept(actor, input.deptId);
    c.set(cleaned(c.kind, input));
    c.version += 1;
    if (c.status === 'published') {
      checkPublishable(c);
      c.reviewerId = actor.userId;
      c.reviewedAt = new Date();
    }
    await c.save({ transaction: t });
    await revision(c, 'edit', actor.userId, t);
  });
  return getContent(actor, id);
}

/** Publishing is a review: the publisher is recorded as the reviewer, with the date. */
export async function setContentStatus(actor: AdminActor, id: number, to: 'published' | 'offline' | 'review') {
  await tx(async (t) => {
    const c = await scopedContent(actor, id, t);
    if (!inScope(actor, c.deptId)) throw forbidden('OUT_OF_SCOPE', '只能审核发布本人数据范围内科室的内容');
    if (to === 'offline') {
      if (c.status !== 'published') throw unprocessable('CONTENT_STATE', '只有已发布的内容可以下线');
      c.status = 'offline';
    } else if (to === 'review') {
      if (c.status !== 'published') throw unprocessable('CONTENT_STATE', '只有已发布的内容需要复审');
      c.reviewerId = actor.userId;
      c.reviewedAt = new Date();
    } else {
      if (c.status === 'published') throw unprocessable('CONTENT_STATE', '该内容已发布');
      checkPublishable(c);
      c.status = 'published';
      c.reviewerId = actor.userId;
      c.reviewedAt = new Date();
      c.publishedAt = new Date();
    }
    await c.save({ transaction: t });
    await revision(c, to === 'published' ? 'publish' : to, actor.userId, t);
  });
  return getContent(actor, id);
}

/**
 * 批量删除 of drafts and offline items, all or nothing, by the rule that governs editing them: the author deletes their
 * own draft; someone else's draft or an offline item needs the publish permission over its department. A published
 * item is taken offline first (patients may be reading it), and an item a patient was prescribed or a learning task
 * lists is kept (`CONTENT_IN_USE`). Every id is checked under a row lock before anything is deleted; the first kind
 * of refusal answers, naming every id it applies to. Its history, likes and comments go with it.
 */
export async function deleteContents(actor: AdminActor, ids: number[]) {
  const unique = [...new Set(ids)];
  await tx(async (t) => {
    const rows = await EduContent.findAll({
      where: { [Op.and]: [{ id: unique }, contentScopeWhere(actor)] },
      transaction: t,
      lock: t.LOCK.UPDATE,
    });
    const found = new Set(rows.map((c) => c.id));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length) throw refusal(notFound('宣教内容不存在'), missing);
    const published = rows.filter((c) => c.status === 'published');
    if (published.length)
      throw refusal(
        unprocessable('CONTENT_STATE', `「${published[0]!.title}」已发布，请先下线再删除`),
        published.map((c) => c.id),
      );
    const others = rows.filter((c) => !(c.status === 'draft' && c.authorId === actor.userId));
    if (others.length && !hasPerm(actor, PUBLISH_PERM))
      throw refusal(
        forbidden('FORBIDDEN', '只能删除本人的草稿，其他内容需要审核发布权限'),
        others.map((c) => c.id),
      );
    const outside = others.filter((c) => !inScope(actor, c.deptId));
    if (outside.length)
      throw refusal(
        forbidden('OUT_OF_SCOPE', '只能删除本人数据范围内科室的内容'),
        outside.map((c) => c.id),
      );
    const uses = await usesOf('edu_content', unique, t);
    for (const p of await EduPrescription.findAll({
      where: { contentId: unique },
      attributes: ['contentId'],
      transaction: t,
    }))
      uses.set(p.contentId, [...new Set([...(uses.get(p.contentId) ?? []), '宣教处方'])]);
    if (uses.size) {
      const [id, by] = [...uses][0]!;
      const title = rows.find((c) => c.id === id)!.title;
      throw refusal(conflict('CONTENT_IN_USE', `「${title}」仍被${by.join('、')}使用，不能删除`), [...uses.keys()]);
    }
    await EduRevision.destroy({ where: { contentId: unique }, transaction: t });
    await EduLike.destroy({ where: { contentId: unique }, transaction: t });
    await EduComment.destroy({ where: { contentId: unique }, transaction: t });
    await EduContent.destroy({ where: { id: unique }, transaction: t });
  });
  return { deleted: unique.length };
}

// ---- patients ----

const mpCard = (c: EduContent, depts: Map<number, string>) => ({
  id: c.id,
  kind: c.kind,
  title: c.title,
  summary: c.summary,
  coverUrl: c.coverUrl,
  durationSec: c.durationSec,
  deptId: c.deptId,
  deptName: depts.get(c.deptId) ?? '',
  tags: tagsOf(c),
  readCount: c.readCount,
  likeCount: c.likeCount,
  commentCount: c.commentCount,
  publishedAt: c.publishedAt,
});

export async function mpCards(rows: EduContent[]) {
  const depts = await deptNames();
  return rows.map((c) => mpCard(c, depts));
}

export async function listPublished(q: {
  page: number;
  pageSize: number;
  kind?: ContentKind;
  deptId?: number;
  tag?: string;
  keyword?: string;
}) {
  const parts: WhereOptions[] = [{ status: 'published' }];
  if (q.kind) parts.push({ kind: q.kind });
  if (q.deptId) parts.push({ deptId: q.deptId });
  if (q.tag)
    parts.push({
      [Op.or]: [
        { tags: q.tag },
        { tags: { [Op.like]: `${q.tag},%` } },
        { tags: { [Op.like]: `%,${q.tag}` } },
        { tags: { [Op.like]: `%,${q.tag},%` } },
      ],
    });
  if (q.keyword)
    parts.push({
      [Op.or]: [
        { title: { [Op.like]: `%${q.keyword}%` } },
        { summary: { [Op.like]: `%${q.keyword}%` } },
        { tags: { [Op.like]: `%${q.keyword}%` } },
      ],
    });
  const { rows, count } = await EduContent.findAndCountAll({
    where: { [Op.and]: parts },
    attributes: { exclude: ['body'] },
    order: [
      ['publishedAt', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await mpCards(rows), total: count, page: q.page, pageSize: q.pageSize };
}

export async function categories() {
  const rows = await EduContent.findAll({ where: { status: 'published' }, attributes: ['deptId', 'tags'] });
  const depts = await deptNames();
  const byDept = new Map<number, number>();
  const byTag = new Map<string, number>();
  for (const r of rows) {
    byDept.set(r.deptId, (byDept.get(r.deptId) ?? 0) + 1);
    for (const tag of tagsOf(r)) byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
  }
  return {
    depts: [...byDept]
      .map(([id, count]) => ({ id, name: depts.get(id) ?? '', count }))
      .sort((a, b) => b.count - a.count),
    tags: [...byTag]
      .map(([name, count]) => ({ name, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 50),
  };
}

export async function publishedContent(id: number) {
  const c = await EduContent.findOne({ where: { id, status: 'published' } });
  if (!c) throw notFound('内容不存在或已下线');
  return c;
}

/** Opening an item counts a read, and marks any 宣教处方 of it to this patient as read. */
export async function readPublished(actor: MpActor, id: number) {
  const c = await publishedContent(id);
  await EduContent.increment('readCount', { where: { id } });
  await countReadToday(id, c.deptId);
  await EduPrescription.update(
    { readAt: new Date() },
    { where: { userId: actor.userId, contentId: id, readAt: null } },
  );
  await c.reload();
  const [cards, depts, liked] = await Promise.all([
    staffCards([c.authorId, c.reviewerId]),
    deptNames(),
    EduLike.count({ where: { contentId: id, userId: actor.userId } }),
  ]);
  return {
    ...mpCard(c, depts),
    body: c.body,
    videoUrl: c.videoUrl,
    author: cards.get(c.authorId) ?? null,
    reviewer: (c.reviewerId && cards.get(c.reviewerId)) || null,
    reviewedAt: c.reviewedAt,
    liked: liked > 0,
  };
}

/** Idempotent both ways: the unique (content, user) key decides, the counter follows what actually changed. */
export async function setLike(actor: MpActor, id: number, liked: boolean) {
  await publishedContent(id);
  await tx(async (t) => {
    // A second tap racing the first hits the unique key: already liked, nothing to count.
    if (liked) {
      const created = await EduLike.create({ contentId: id, userId: actor.userId }, { transaction: t }).then(
        () => true,
        (err) => {
          if (err instanceof UniqueConstraintError) return false;
          throw err;
        },
      );
      if (created) await EduContent.increment('likeCount', { where: { id }, transaction: t });
    } else {
      const n = await EduLike.destroy({ where: { contentId: id, userId: actor.userId }, transaction: t });
      if (n) await EduContent.decrement('likeCount', { by: n, where: { id }, transaction: t });
    }
  });
  const c = await EduContent.findByPk(id, { attributes: ['likeCount'] });
  return { liked, likeCount: c?.likeCount ?? 0 };
}
