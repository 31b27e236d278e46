import { rowsToXlsx } from '../../kernel/sheets/export';
import { Op } from 'sequelize';
import { tx } from '../../infra';
import type { AdminActor } from '../../http/actor';
import { forbidden, notFound, unprocessable } from '../../http/errors';
import { notify } from '../../kernel/notifications';
import { dataScopeWhere, inScope } from '../system/authz';
import { Dept, User } from '../system/models';
import { buildTree } from '../system/tree';
import type { DeptNode } from '../system/schemas';
import { doctorIds } from '../scheduling/service';
import { EduContent } from '../education/models';
import { plainText } from '../education/sanitize';
import { addDays, shanghaiDate, shanghaiDateTime } from '../../shared/time';
import { LearningProgress, LearningTask, LearningTaskDept, LearningTaskItem } from './models';

/** A video counts as watched at 90 %; an article after this many characters a second of reading, within bounds. */
export const VIDEO_DONE_PERCENT = 90;
const READ_CHARS_PER_SEC = 15;
const MIN_READ_SEC = 5;
const MAX_READ_SEC = 60;
/** How far one position report may move the credited position: the client reports every few seconds. */
const MAX_STEP_SEC = 60;
const MAX_BUCKETS = 1000;

export const minReadSeconds = (body: string) =>
  Math.min(MAX_READ_SEC, Math.max(MIN_READ_SEC, Math.ceil(plainText(body).length / READ_CHARS_PER_SEC)));
const bucketSecOf = (duration: number) => Math.max(5, Math.ceil(duration / MAX_BUCKETS));

// ---- creating and following tasks (the chief physician) ----

/**
 * Departments the actor may assign tasks to — the active ones in their data scope — as the hospital's tree has them
 * (内科 › 心血管内科 …), for the console's department picker; one whose parent is not assignable is a root.
 */
export async function assignableDepts(actor: AdminActor): Promise<DeptNode[]> {
  const depts = await Dept.findAll({
    where: { status: 'active', type: 'department' },
    attributes: ['id', 'parentId', 'name'],
    order: [
      ['orderNum', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  type Row = DeptNode & { parentId: number | null; children: Row[] };
  const strip = (n: Row): DeptNode => ({ id: n.id, name: n.name, children: n.children.map(strip) });
  return buildTree<Row>(
    depts
      .filter((d) => inScope(actor, d.id))
      .map((d) => ({ id: d.id, parentId: d.parentId, name: d.name, children: [] })),
  ).map(strip);
}

export async function createTask(
  actor: AdminActor,
  input: { title: string; description: string; deadline: string; deptIds: number[]; contentIds: number[] },
) {
  const deptIds = [...new Set(input.deptIds)];
  const contentIds = [...new Set(input.contentIds)];
  const depts = await Dept.findAll({ where: { id: deptIds, status: 'active' } });
  if (depts.length !== deptIds.length) throw unprocessable('INVALID_DEPT', '所选科室不存在或已停用');
  const outside = depts.filter((d) => !inScope(actor, d.id));
  if (outside.length)
    throw forbidden(
      'OUT_OF_SCOPE',
      `只能向本人数据范围内的科室布置学习任务（${outside.map((d) => d.name).join('、')}）`,
    );
  if (input.deadline < shanghaiDate()) throw unprocessable('DATE_IN_PAST', '截止日期不能早于今天');
  const contents = await EduContent.findAll({ where: { id: contentIds, status: 'published' }, attributes: ['id'] });
  if (contents.length !== contentIds.length) throw unprocessable('CONTENT_STATE', '所选内容不存在或未发布');
  const id = await tx(async (t) => {
    const task = await LearningTask.create(
      {
        title: input.title,
        description: input.description,
        deadline: input.deadline,
        creatorId: actor.userId,
        creatorDeptId: actor.deptId,
      },
      { transaction: t },
    );
    await LearningTaskDept.bulkCreate(
      deptIds.map((deptId) => ({ taskId: task.id, deptId })),
      { transaction: t },
    );
    await LearningTaskItem.bulkCreate(
      contentIds.map((contentId, i) => ({ taskId: task.id, contentId, orderNum: i + 1 })),
      { transaction: t },
    );
    return task.id;
  });
  return taskDetail(actor, id);
}

const taskScopeWhere = (actor: AdminActor) => dataScopeWhere(actor, { dept: 'creatorDeptId', user: 'creatorId' });

async function scopedTask(actor: AdminActor, id: number) {
  const task = await LearningTask.findOne({ where: { [Op.and]: [{ id }, taskScopeWhere(actor)] } });
  if (!task) throw notFound('学习任务不存在');
  return task;
}

/** The physicians a task is for: whoever is in its departments now (late joiners included), active. */
async function assignees(deptIds: number[]) {
  const doctors = await doctorIds();
  return User.findAll({
    where: { deptId: deptIds, status: 'active', id: [...doctors] },
    attributes: ['id', 'name', 'deptId', 'mpUserId'],
    order: [['id', 'ASC']],
  });
}

type PersonStatus = 'done' | 'in_progress' | 'not_started' | 'overdue';

async function progressTable(task: LearningTask) {
  const [depts, items] = await Promise.all([
    LearningTaskDept.findAll({ where: { taskId: task.id } }),
    LearningTaskItem.findAll({ where: { taskId: task.id }, order: [['orderNum', 'ASC']] }),
  ]);
  const people = await assignees(depts.map((d) => d.deptId));
  const contentIds = items.map((i) => i.contentId);
  const progress = people.length
    ? await LearningProgress.findAll({ where: { userId: people.map((p) => p.id), contentId: contentIds } })
    : [];
  const deptNames = new Map(
    (await Dept.findAll({ where: { id: depts.map((d) => d.deptId) }, attributes: ['id', 'name'] })).map((d) => [
      d.id,
      d.name,
    ]),
  );
  const overdue = task.deadline < shanghaiDate();
  const rows = people.map((p) => {
    const mine = progress.filter((x) => x.userId === p.id);
    const done = mine.filter((x) => x.completedAt);
    const finished = done.length === contentIds.length;
    const status: PersonStatus = finished ? 'done' : overdue ? 'overdue' : mine.length ? 'in_progress' : 'not_started';
    return {
      userId: p.id,
      name: p.name,
      deptName: deptNames.get(p.deptId!) ?? '',
      completedItems: done.length,
      totalItems: contentIds.length,
      status,
      completedAt: finished && done.length ? new Date(Math.max(...done.map((x) => x.completedAt!.getTime()))) : null,
      mpUserId: p.mpUserId,
    };
  });
  return { rows, deptIds: depts.map((d) => d.deptId), contentIds, deptNames };
}

const taskView = (task: LearningTask, t: Awaited<ReturnType<typeof progressTable>>) => ({
  id: task.id,
  title: task.title,
  description: task.description,
  deadline: task.deadline,
  creatorId: task.creatorId,
  deptIds: t.deptIds,
  deptNames: t.deptIds.map((d) => t.deptNames.get(d) ?? ''),
  contentIds: t.contentIds,
  assignees: t.rows.length,
  completed: t.rows.filter((r) => r.status === 'done').length,
  overdue: task.deadline < shanghaiDate(),
  createdAt: task.createdAt,
});

export async function listTasks(actor: AdminActor, q: { page: number; pageSize: number; keyword?: string }) {
  const { rows, count } = await LearningTask.findAndCountAll({
    where: { [Op.and]: [taskScopeWhere(actor), q.keyword ? { title: { [Op.like]: `%${q.keyword}%` } } : {}] },
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const items = [];
  for (const task of rows) items.push(taskView(task, await progressTable(task)));
  return { items, total: count, page: q.page, pageSize: q.pageSize };
}

export async function taskDetail(actor: AdminActor, id: number) {
  const task = await scopedTask(actor, id);
  const table = await progressTable(task);
  const contents = await EduContent.findAll({
    where: { id: table.contentIds },
    attributes: ['id', 'title', 'kind', 'durationSec'],
  });
  const byId = new Map(contents.map((c) => [c.id, c]));
  return {
    ...taskView(task, table),
    items: table.contentIds.map((cid) => ({
      contentId: cid,
      title: byId.get(cid)?.title ?? '',
      kind: byId.get(cid)?.kind ?? ('article' as const),
      durationSec: byId.get(cid)?.durationSec ?? null,
    })),
    people: table.rows.map(({ mpUserId: _m, ...r }) => r),
  };
}

const STATUS_LABEL: Record<PersonStatus, string> = {
  done: '已完成',
  in_progress: '学习中',
  not_started: '未开始',
  overdue: '已逾期',
};

export async function exportTask(actor: AdminActor, id: number): Promise<Buffer> {
  const d = await taskDetail(actor, id);
  return rowsToXlsx(
    '学习进度',
    [
      ['姓名', 'name', 12],
      ['科室', 'deptName', 14],
      ['已完成', 'progress', 10],
      ['状态', 'status', 10],
      ['完成时间', 'completedAt', 20],
    ],
    d.people.map((p) => ({
      name: p.name,
      deptName: p.deptName,
      progress: `${p.completedItems}/${p.totalItems}`,
      status: STATUS_LABEL[p.status],
      completedAt: p.completedAt ? shanghaiDateTime(p.completedAt) : '',
    })),
  );
}

/**
 * Reminds everyone who has not finished, through the kernel's notifications (to the WeChat account a staff member
 * linked when they applied). Those without a linked account are counted, so the creator knows to tell them.
 */
export async function remindTask(actor: AdminActor, id: number) {
  return remindUnfinished(await scopedTask(actor, id));
}

/** The daily job: the day before a task's deadline, everyone who has not finished it is reminded. */
export async function remindDueTasks() {
  const tasks = await LearningTask.findAll({ where: { deadline: addDays(shanghaiDate(), 1) } });
  let reminded = 0;
  for (const task of tasks) reminded += (await remindUnfinished(task)).reminded;
  return { tasks: tasks.length, reminded };
}

async function remindUnfinished(task: LearningTask) {
  const { rows } = await progressTable(task);
  const pending = rows.filter((r) => r.status !== 'done');
  let reminded = 0;
  for (const p of pending) {
    if (!p.mpUserId) continue;
    await notify(p.mpUserId, {
      title: '学习任务提醒',
      content: `学习任务「${task.title}」截止 ${task.deadline}，您已完成 ${p.completedItems}/${p.totalItems}，请尽快在「我的学习」中完成。`,
      link: { type: 'learning_task', id: task.id },
    });
    reminded++;
  }
  return { reminded, unreachable: pending.length - reminded };
}

// ---- doing tasks (every physician) ----

/** Tasks of the caller's current department: a physician who joins later sees the tasks already set. */
async function myTaskIds(actor: AdminActor) {
  if (!actor.deptId) return [];
  return (await LearningTaskDept.findAll({ where: { deptId: actor.deptId } })).map((d) => d.taskId);
}

const progressView = (c: EduContent, p: LearningProgress | undefined) => ({
  contentId: c.id,
  title: c.title,
  kind: c.kind,
  durationSec: c.durationSec,
  percent: p?.percent ?? 0,
  completed: !!p?.completedAt,
  completedAt: p?.completedAt ?? null,
});

export async function myTasks(actor: AdminActor, q: { page: number; pageSize: number }) {
  const ids = await myTaskIds(actor);
  const { rows, count } = await LearningTask.findAndCountAll({
    where: { id: ids },
    order: [
      ['deadline', 'ASC'],
      ['id', 'DESC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  const items = await LearningTaskItem.findAll({
    where: { taskId: rows.map((r) => r.id) },
    order: [['orderNum', 'ASC']],
  });
  const contents = new Map(
    (
      await EduContent.findAll({
        where: { id: [...new Set(items.map((i) => i.contentId))] },
        attributes: { exclude: ['body'] },
      })
    ).map((c) => [c.id, c]),
  );
  const progress = new Map(
    (await LearningProgress.findAll({ where: { userId: actor.userId, contentId: [...contents.keys()] } })).map((p) => [
      p.contentId,
      p,
    ]),
  );
  return {
    items: rows.map((task) => {
      const list = items
        .filter((i) => i.taskId === task.id && contents.has(i.contentId))
        .map((i) => progressView(contents.get(i.contentId)!, progress.get(i.contentId)));
      const done = list.filter((x) => x.completed).length;
      return {
        id: task.id,
        title: task.title,
        description: task.description,
        deadline: task.deadline,
        overdue: task.deadline < shanghaiDate() && done < list.length,
        completed: done === list.length,
        completedItems: done,
        items: list,
      };
    }),
    total: count,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** A staff member may open an item only when one of their tasks holds it. */
async function assignedContent(actor: AdminActor, contentId: number) {
  const ids = await myTaskIds(actor);
  const held = ids.length ? await LearningTaskItem.count({ where: { taskId: ids, contentId } }) : 0;
  const c = held ? await EduContent.findOne({ where: { id: contentId, status: 'published' } }) : null;
  if (!c) throw notFound('学习内容不存在或不在您的学习任务中');
  return c;
}

async function progressRow(actor: AdminActor, contentId: number) {
  const [p] = await LearningProgress.findOrCreate({
    where: { userId: actor.userId, contentId },
    defaults: { userId: actor.userId, contentId, openedAt: new Date() },
  });
  return p;
}

const progressOut = (p: LearningProgress, extra: { waitSeconds?: number } = {}) => ({
  contentId: p.contentId,
  percent: p.percent ?? 0,
  completed: !!p.completedAt,
  completedAt: p.completedAt ?? null,
  position: p.lastPosition ?? 0,
  waitSeconds: extra.waitSeconds ?? 0,
});

/** Opening an item starts its clock (the first open only); the reader gets the sanitized body or the video. */
export async function openContent(actor: AdminActor, contentId: number) {
  const c = await assignedContent(actor, contentId);
  const p = await progressRow(actor, contentId);
  return {
    contentId: c.id,
    kind: c.kind,
    title: c.title,
    body: c.body,
    videoUrl: c.videoUrl,
    durationSec: c.durationSec,
    minReadSeconds: c.kind === 'article' ? minReadSeconds(c.body) : 0,
    progress: progressOut(p),
  };
}

/**
 * The reader reached the end of an article. It counts only when the server's own clock says the article has been
 * open for its reading time; earlier, the answer says how many seconds are left.
 */
export async function finishArticle(actor: AdminActor, contentId: number) {
  const c = await assignedContent(actor, contentId);
  if (c.kind !== 'article') throw unprocessable('CONTENT_KIND', '视频按观看进度计算，请播放视频');
  const p = await progressRow(actor, contentId);
  if (p.completedAt) return progressOut(p);
  const readSec = (Date.now() - p.openedAt.getTime()) / 1000;
  const wait = Math.ceil(minReadSeconds(c.body) - readSec);
  if (wait > 0) return progressOut(p, { waitSeconds: wait });
  await p.update({ percent: 100, completedAt: new Date() });
  return progressOut(p);
}

/**
 * A video player's position report. The server credits the stretch since the previous report only when it moved
 * forward no faster than twice the clock (and at most MAX_STEP_SEC): a seek, or a report that skips ahead, moves the
 * position without credit. Credit is kept per bucket, so rewatching a part adds nothing; ≥ 90 % of buckets completes.
 */
export async function reportPosition(actor: AdminActor, contentId: number, position: number) {
  const c = await assignedContent(actor, contentId);
  if (c.kind !== 'video' || !c.durationSec) throw unprocessable('CONTENT_KIND', '文章按阅读完成计算');
  const duration = c.durationSec;
  const pos = Math.min(Math.max(0, position), duration);
  await progressRow(actor, contentId);
  return tx(async (t) => {
    const p = (await LearningProgress.findOne({
      where: { userId: actor.userId, contentId },
      transaction: t,
      lock: t.LOCK.UPDATE,
    }))!;
    if (p.completedAt) return progressOut(p);
    const bucketSec = bucketSecOf(duration);
    const n = Math.ceil(duration / bucketSec);
    const watched = (p.watched.length === n ? p.watched : '0'.repeat(n)).split('');
    const now = new Date();
    if (p.lastReportAt) {
      const elapsed = (now.getTime() - p.lastReportAt.getTime()) / 1000;
      const delta = pos - p.lastPosition;
      if (delta > 0 && delta <= Math.min(elapsed * 2 + 2, MAX_STEP_SEC)) {
        const first = Math.floor(p.lastPosition / bucketSec);
        const last = Math.min(n - 1, Math.ceil(pos / bucketSec) - 1);
        for (let i = first; i <= last; i++) watched[i] = '1';
      }
    }
    const covered = watched.filter((x) => x === '1').length;
    const percent = Math.floor((covered * 100) / n);
    await p.update(
      {
        watched: watched.join(''),
        lastPosition: Math.floor(pos),
        lastReportAt: now,
        percent,
        completedAt: percent >= VIDEO_DONE_PERCENT ? now : null,
      },
      { transaction: t },
    );
    return progressOut(p);
  });
}
