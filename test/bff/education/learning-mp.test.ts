/**
 * 我的学习 in the mini-program: a physician whose console account is linked to their WeChat user does the same tasks
 * there, with the same server-kept progress the console and the task's creator see; patients, disabled accounts and
 * accounts without 我的学习 are refused with 403.
 */
import assert from 'node:assert/strict';
import { call, mpLogin, unique } from '../../support/api';
import { deptId } from '../../support/booking';
import { LearningProgress } from '../../../bff/src/modules/learning/models';
import { User, UserRole } from '../../../bff/src/modules/system/models';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';
import { invalidateAuthz } from '../../../bff/src/modules/system/authz';
import { chiefToken, published, staff } from './helpers';

const LONG_ARTICLE = `<p>${'按时随访，记录血压。'.repeat(100)}</p>`;

/** A physician of 心血管内科 whose staff account belongs to a WeChat user (what an approved staff application does). */
async function linkedPhysician() {
  const doc = await staff('physician', '心血管内科');
  const wx = await mpLogin();
  // Setup only: the link an approved staff application makes (system/staff.ts), without the approval round trip.
  await User.update({ mpUserId: wx.user.id }, { where: { id: doc.id } });
  return { ...doc, mp: wx.accessToken as string };
}

describe('learning: 我的学习 in the mini-program for linked staff', () => {
  it('shows the department’s tasks and keeps progress on the server, shared with the console and the creator', async () => {
    const chief = await chiefToken();
    const doc = await linkedPhysician();
    const article = await published({ body: LONG_ARTICLE });
    const video = await published({
      kind: 'video',
      body: '',
      videoUrl: 'https://media.example.org/bp.mp4',
      durationSec: 60,
    });
    const task = await call('POST', '/api/admin/learning/tasks', {
      token: chief,
      body: {
        title: unique('家庭血压监测培训'),
        description: '本周内完成',
        deadline: addDays(shanghaiDate(), 3),
        deptIds: [await deptId('心血管内科')],
        contentIds: [article.id, video.id],
      },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));

    const mine = await call('GET', '/api/mp/learning/my-tasks?pageSize=100', { token: doc.mp });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const t = mine.body.items.find((x: { id: number }) => x.id === task.body.id);
    assert.ok(t, 'the department’s task is listed');
    assert.deepEqual(
      t.items.map((i: { contentId: number; completed: boolean }) => [i.contentId, i.completed]),
      [
        [article.id, false],
        [video.id, false],
      ],
    );

    // The article: opened in the mini-program, finished too early → told to wait; after its reading time → done.
    const opened = await call('GET', `/api/mp/learning/contents/${article.id}`, { token: doc.mp });
    assert.equal(opened.status, 200);
    assert.match(opened.body.body, /按时随访/);
    const early = await call('POST', `/api/mp/learning/contents/${article.id}/finish`, { token: doc.mp });
    assert.equal(early.body.completed, false);
    assert.ok(early.body.waitSeconds > 0);
    const p = (await LearningProgress.findOne({ where: { userId: doc.id, contentId: article.id } }))!;
    await p.update({ openedAt: new Date(p.openedAt.getTime() - (opened.body.minReadSeconds + 1) * 1000) });
    const done = await call('POST', `/api/mp/learning/contents/${article.id}/finish`, { token: doc.mp });
    assert.equal(done.body.completed, true);

    // The video: a seek to the end earns nothing.
    await call('GET', `/api/mp/learning/contents/${video.id}`, { token: doc.mp });
    await call('POST', `/api/mp/learning/contents/${video.id}/position`, { token: doc.mp, body: { position: 0 } });
    const seek = await call('POST', `/api/mp/learning/contents/${video.id}/position`, {
      token: doc.mp,
      body: { position: 60 },
    });
    assert.equal(seek.status, 200);
    assert.equal(seek.body.completed, false);
    assert.equal(seek.body.percent, 0);

    // The console shows the same progress (one record per person), and so does the creator's view.
    const console = (await call('GET', '/api/admin/learning/my-tasks?pageSize=100', { token: doc.token })).body;
    const ct = console.items.find((x: { id: number }) => x.id === task.body.id);
    assert.deepEqual(
      ct.items.map((i: { contentId: number; completed: boolean }) => [i.contentId, i.completed]),
      [
        [article.id, true],
        [video.id, false],
      ],
    );
    const detail = (await call('GET', `/api/admin/learning/tasks/${task.body.id}`, { token: chief })).body;
    const me = detail.people.find((x: { userId: number }) => x.userId === doc.id);
    assert.equal(me.completedItems, 1);

    // Content not in any of their tasks stays closed.
    const other = await published();
    assert.equal((await call('GET', `/api/mp/learning/contents/${other.id}`, { token: doc.mp })).status, 404);
  });

  it('refuses patients, disabled staff accounts and accounts without 我的学习 (403)', async () => {
    const patient = await mpLogin();
    const r = await call('GET', '/api/mp/learning/my-tasks', { token: patient.accessToken });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'NOT_STAFF');
    assert.equal((await call('GET', '/api/mp/learning/my-tasks')).status, 401);

    const doc = await linkedPhysician();
    assert.equal((await call('GET', '/api/mp/learning/my-tasks', { token: doc.mp })).status, 200);
    // Roles taken away: the account is still staff, but without 我的学习.
    await UserRole.destroy({ where: { userId: doc.id } });
    await invalidateAuthz();
    const noRole = await call('GET', '/api/mp/learning/my-tasks', { token: doc.mp });
    assert.equal(noRole.status, 403);
    assert.equal(noRole.body.error.code, 'FORBIDDEN');
    // Disabled: no longer staff at all.
    await User.update({ status: 'disabled' }, { where: { id: doc.id } });
    const disabled = await call('GET', '/api/mp/learning/my-tasks', { token: doc.mp });
    assert.equal(disabled.status, 403);
    assert.equal(disabled.body.error.code, 'NOT_STAFF');
  });
});
