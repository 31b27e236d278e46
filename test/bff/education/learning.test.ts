import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { call, unique } from '../../support/api';
import { deptId } from '../../support/booking';
import { startStack } from '../../support/stack';
import { LearningProgress } from '../../../bff/src/modules/learning/models';
import { PatientNotice } from '../../../bff/src/kernel/notifications';
import { User } from '../../../bff/src/modules/system/models';
import { MpUser } from '../../../bff/src/modules/auth/models';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';
import { remindDueTasks } from '../../../bff/src/modules/learning/service';
import { chiefToken, doctorToken, published, staff } from './helpers';

const LONG_ARTICLE = `<p>${'规律服药，定期复查血压。'.repeat(100)}</p>`;

async function newTask(token: string, contentIds: number[], over: Record<string, unknown> = {}) {
  return call('POST', '/api/admin/learning/tasks', {
    token,
    body: {
      title: unique('高血压规范诊疗学习'),
      description: '本月内完成',
      deadline: addDays(shanghaiDate(), 7),
      deptIds: [await deptId('心血管内科')],
      contentIds,
      ...over,
    },
  });
}

/** Moves a progress row's server-side clock back, as if the reader had spent that long. */
const spend = (userId: number, contentId: number, seconds: number, field: 'openedAt' | 'lastReportAt') =>
  LearningProgress.findOne({ where: { userId, contentId } }).then((p) =>
    p!.update({ [field]: new Date(p![field]!.getTime() - seconds * 1000) }),
  );

describe('learning: tasks for a department, progress kept by the server', () => {
  it('lets a chief physician assign only within their department; physicians cannot assign', async () => {
    const chief = await chiefToken();
    const a = await published();
    const foreign = await newTask(chief, [a.id], { deptIds: [await deptId('呼吸内科')] });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'OUT_OF_SCOPE');
    const doctor = await doctorToken();
    assert.equal((await newTask(doctor, [a.id])).status, 403);
    const draftOnly = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: { kind: 'article', title: '未发布内容', body: '<p>x</p>', deptId: await deptId('心血管内科') },
    });
    assert.equal((await newTask(chief, [draftOnly.body.id])).body.error.code, 'CONTENT_STATE');
    assert.equal(
      (await newTask(chief, [a.id], { deadline: addDays(shanghaiDate(), -1) })).body.error.code,
      'DATE_IN_PAST',
    );
    const ok = await newTask(chief, [a.id]);
    assert.equal(ok.status, 201);
    assert.ok(ok.body.people.some((p: { name: string }) => p.name === '张晓明'));
    // Another department's chief physician neither sees nor follows it.
    const resp = await staff('chief_physician', '呼吸内科');
    assert.equal((await call('GET', `/api/admin/learning/tasks/${ok.body.id}`, { token: resp.token })).status, 404);
  });

  it('counts an article only when read to the end after its reading time, by the server’s clock', async () => {
    const chief = await chiefToken();
    const reader = await staff('physician', '心血管内科');
    const article = await published({ body: LONG_ARTICLE });
    const task = (await newTask(chief, [article.id])).body;
    const opened = await call('GET', `/api/admin/learning/contents/${article.id}`, { token: reader.token });
    assert.equal(opened.status, 200);
    assert.ok(opened.body.minReadSeconds >= 30);
    assert.match(opened.body.body, /规律服药/);
    const early = await call('POST', `/api/admin/learning/contents/${article.id}/finish`, { token: reader.token });
    assert.equal(early.status, 200);
    assert.equal(early.body.completed, false);
    assert.ok(early.body.waitSeconds > 0);
    // Opening again does not restart (or shortcut) the clock.
    await call('GET', `/api/admin/learning/contents/${article.id}`, { token: reader.token });
    await spend(reader.id, article.id, opened.body.minReadSeconds + 1, 'openedAt');
    const done = await call('POST', `/api/admin/learning/contents/${article.id}/finish`, { token: reader.token });
    assert.equal(done.body.completed, true);
    assert.equal(done.body.percent, 100);
    const mine = (await call('GET', '/api/admin/learning/my-tasks?pageSize=100', { token: reader.token })).body;
    const t = mine.items.find((x: { id: number }) => x.id === task.id);
    assert.equal(t.completed, true);
    const detail = (await call('GET', `/api/admin/learning/tasks/${task.id}`, { token: chief })).body;
    const me = detail.people.find((p: { userId: number }) => p.userId === reader.id);
    assert.equal(me.status, 'done');
    assert.ok(me.completedAt);
    assert.equal(
      (
        await call('POST', `/api/admin/learning/contents/${article.id}/position`, {
          token: reader.token,
          body: { position: 3 },
        })
      ).body.error.code,
      'CONTENT_KIND',
    );
  });

  it('counts a video at 90 % watched from position reports; a seek or a too-fast report earns nothing', async () => {
    const chief = await chiefToken();
    const viewer = await staff('physician', '心血管内科');
    const video = await published({
      kind: 'video',
      body: '',
      videoUrl: 'https://media.example.org/bp.mp4',
      durationSec: 100,
    });
    const task = (await newTask(chief, [video.id])).body;
    const report = (position: number) =>
      call('POST', `/api/admin/learning/contents/${video.id}/position`, { token: viewer.token, body: { position } });
    assert.equal((await call('GET', `/api/admin/learning/contents/${video.id}`, { token: viewer.token })).status, 200);
    assert.equal((await report(0)).body.percent, 0);
    // Jumping to the end straight away is a seek: no credit.
    const seek = await report(99);
    assert.equal(seek.body.percent, 0);
    assert.equal(seek.body.completed, false);
    // Back to the start, then watch in 20-second steps, each reported 20 seconds (of server time) later.
    await report(0);
    let last = { percent: 0, completed: false };
    for (let pos = 20; pos <= 80; pos += 20) {
      await spend(viewer.id, video.id, 20, 'lastReportAt');
      last = (await report(pos)).body;
    }
    assert.equal(last.percent, 80);
    assert.equal(last.completed, false);
    // Re-watching what was already seen adds nothing.
    await report(0);
    await spend(viewer.id, video.id, 20, 'lastReportAt');
    assert.equal((await report(20)).body.percent, 80);
    await report(80);
    await spend(viewer.id, video.id, 20, 'lastReportAt');
    const end = (await report(100)).body;
    assert.equal(end.percent, 100);
    assert.equal(end.completed, true);
    const finishRefused = await call('POST', `/api/admin/learning/contents/${video.id}/finish`, {
      token: viewer.token,
    });
    assert.equal(finishRefused.body.error.code, 'CONTENT_KIND');
    const detail = (await call('GET', `/api/admin/learning/tasks/${task.id}`, { token: chief })).body;
    assert.equal(detail.people.find((p: { userId: number }) => p.userId === viewer.id).status, 'done');
  });

  it('gives existing tasks to a physician who joins the department later, and not to other departments', async () => {
    const chief = await chiefToken();
    const a = await published();
    const task = (await newTask(chief, [a.id])).body;
    const late = await staff('physician', '心血管内科');
    const outsider = await staff('physician', '呼吸内科');
    const mine = (await call('GET', '/api/admin/learning/my-tasks?pageSize=100', { token: late.token })).body;
    assert.ok(mine.items.some((t: { id: number }) => t.id === task.id));
    const theirs = (await call('GET', '/api/admin/learning/my-tasks?pageSize=100', { token: outsider.token })).body;
    assert.ok(!theirs.items.some((t: { id: number }) => t.id === task.id));
    assert.equal((await call('GET', `/api/admin/learning/contents/${a.id}`, { token: outsider.token })).status, 404);
    const detail = (await call('GET', `/api/admin/learning/tasks/${task.id}`, { token: chief })).body;
    assert.ok(detail.people.some((p: { userId: number }) => p.userId === late.id));
    assert.ok(!detail.people.some((p: { userId: number }) => p.userId === outsider.id));
  });

  it('exports progress to Excel and reminds those who have not finished', async () => {
    const chief = await chiefToken();
    const a = await published();
    const reachable = await staff('physician', '心血管内科');
    const mp = await MpUser.create({
      openid: unique('o_staff_'),
      unionid: null,
      sessionKeyEnc: null,
      nickname: '医生',
      avatarUrl: null,
      phoneEnc: null,
      phoneHash: null,
    });
    await User.update({ mpUserId: mp.id }, { where: { id: reachable.id } });
    const task = (await newTask(chief, [a.id])).body;
    const { baseUrl } = await startStack();
    const res = await fetch(`${baseUrl}/api/admin/learning/tasks/${task.id}/export`, {
      headers: { authorization: `Bearer ${chief}` },
    });
    assert.equal(res.status, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('学习进度')!;
    assert.deepEqual((ws.getRow(1).values as unknown[]).slice(1), ['姓名', '科室', '已完成', '状态', '完成时间']);
    assert.equal(ws.rowCount - 1, task.people.length);
    const remind = await call('POST', `/api/admin/learning/tasks/${task.id}/remind`, { token: chief });
    assert.equal(remind.status, 200);
    assert.ok(remind.body.reminded >= 1);
    assert.equal(remind.body.reminded + remind.body.unreachable, task.people.length);
    const notice = await PatientNotice.findOne({ where: { userId: mp.id } });
    assert.match(notice!.content, new RegExp(task.title));
    assert.equal(notice!.linkType, 'learning_task');
    const doctor = await doctorToken();
    assert.equal((await call('POST', `/api/admin/learning/tasks/${task.id}/remind`, { token: doctor })).status, 403);
  });

  it('reminds the unfinished the day before the deadline (the daily job)', async () => {
    const chief = await chiefToken();
    const a = await published();
    const late = await staff('physician', '心血管内科');
    const mp = await MpUser.create({
      openid: unique('o_staff_'),
      unionid: null,
      sessionKeyEnc: null,
      nickname: '医生',
      avatarUrl: null,
      phoneEnc: null,
      phoneHash: null,
    });
    await User.update({ mpUserId: mp.id }, { where: { id: late.id } });
    const due = (await newTask(chief, [a.id], { deadline: addDays(shanghaiDate(), 1) })).body;
    const later = (await newTask(chief, [a.id], { deadline: addDays(shanghaiDate(), 5) })).body;
    const r = await remindDueTasks();
    assert.ok(r.tasks >= 1 && r.reminded >= 1);
    const notices = await PatientNotice.findAll({ where: { userId: mp.id, linkType: 'learning_task' } });
    assert.deepEqual(
      notices.map((n) => n.linkId),
      [String(due.id)],
      `only the task due tomorrow (${due.id}), not the later one (${later.id})`,
    );
  });
});
