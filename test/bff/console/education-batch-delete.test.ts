/**
 * 批量删除 in 健康宣教 (issue 15): comments and draft/offline content are deleted many at once, all or nothing — every
 * id is checked (permission, data scope, state, still in use) before any is deleted, and a refusal is a 4xx with a
 * stable code that names the ids, with nothing deleted.
 */
import assert from 'node:assert/strict';
import { adminLogin, call, loginAs, mpLogin, replaceInitialPassword, unique } from '../../support/api';
import { admin, deptId } from '../../support/booking';
import { chiefToken, doctorToken, draft, learningTask, published, staff } from '../education/helpers';

const batch = (kind: 'comments' | 'contents', token: string, ids: unknown) =>
  call('POST', `/api/admin/education/${kind}/batch-delete`, { token, body: { ids } });
const contentExists = async (id: number) =>
  (await call('GET', `/api/admin/education/contents/${id}`, { token: await admin() })).status === 200;
const commentCount = async (id: number) =>
  (await call('GET', `/api/admin/education/contents/${id}`, { token: await admin() })).body.commentCount as number;
async function comments(contentId: number, n: number) {
  const p = await mpLogin();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call('POST', `/api/mp/education/contents/${contentId}/comments`, {
      token: p.accessToken,
      body: { text: `${unique('有帮助')}，谢谢医生` },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    ids.push(r.body.id);
  }
  return ids;
}
const liveCommentIds = async (contentId: number) =>
  (
    (
      await call('GET', `/api/admin/education/comments?contentId=${contentId}&pageSize=100`, {
        token: await admin(),
      })
    ).body.items as { id: number }[]
  ).map((c) => c.id);
async function operLogged(action: string) {
  const log = await call('GET', '/api/admin/monitor/oper-logs?module=education&pageSize=50', { token: await admin() });
  return (log.body.items as { action: string }[]).some((l) => l.action === action);
}
/** a console account with no role at all: holds none of 健康宣教's permissions */
async function noRole() {
  const username = unique('norole');
  const r = await call('POST', '/api/admin/system/users', {
    token: await admin(),
    body: { username, name: '无角色', password: 'Sunlit-Harbor-42', deptId: await deptId('心血管内科') },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await replaceInitialPassword(username, 'Sunlit-Harbor-42', 'Quiet-Meadow-731');
  return (await adminLogin(username, 'Quiet-Meadow-731')).accessToken;
}

describe('console: batch delete of education comments and content (all or nothing)', function () {
  this.timeout(120_000);

  it('comments: the selected ones are soft-deleted, counts follow, the others stay, and it is in the operation log', async () => {
    const c = await published();
    const [a, b, keep] = await comments(c.id, 3);
    assert.equal(await commentCount(c.id), 3);
    const r = await batch('comments', await chiefToken(), [a, b, a]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { deleted: 2 });
    assert.deepEqual(await liveCommentIds(c.id), [keep]);
    assert.equal(await commentCount(c.id), 1);
    assert.ok(await operLogged('批量删除评论'));
  });

  it('comments: a deleted, unknown or out-of-scope id refuses the whole batch (404 naming the ids), nothing deleted', async () => {
    const c = await published();
    const [a, b, gone] = await comments(c.id, 3);
    assert.equal((await batch('comments', await chiefToken(), [gone])).status, 200);
    const chief = await chiefToken();
    for (const ids of [
      [a, gone],
      [a, 2_000_000_000],
    ]) {
      const r = await batch('comments', chief, ids);
      assert.equal(r.status, 404, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'NOT_FOUND');
      assert.deepEqual(r.body.error.details, { ids: [ids[1]] });
    }
    // a chief physician of 呼吸内科 does not see 心血管内科's comments
    const other = await staff('chief_physician', '呼吸内科');
    const out = await batch('comments', other.token, [a, b]);
    assert.equal(out.status, 404, JSON.stringify(out.body));
    assert.deepEqual(out.body.error.details, { ids: [a, b] });
    assert.deepEqual((await liveCommentIds(c.id)).sort(), [a, b].sort());
    assert.equal(await commentCount(c.id), 2);
  });

  it('comments: needs 删除评论 (403) and 1–100 whole ids (400)', async () => {
    const c = await published();
    const [a] = await comments(c.id, 1);
    const denied = await batch('comments', await doctorToken(), [a]);
    assert.equal(denied.status, 403);
    for (const ids of [[], ['x'], [0], Array.from({ length: 101 }, (_, i) => i + 1)]) {
      const r = await batch('comments', await chiefToken(), ids);
      assert.equal(r.status, 400, JSON.stringify(ids));
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
    assert.deepEqual(await liveCommentIds(c.id), [a]);
  });

  it('content: the author deletes their own drafts; history, likes and comments go with an offline item', async () => {
    const author = await staff('physician', '心血管内科');
    const d1 = await draft(author.token);
    const d2 = await draft(author.token);
    const mine = await batch('contents', author.token, [d1.id, d2.id]);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual(mine.body, { deleted: 2 });
    assert.equal(await contentExists(d1.id), false);
    assert.equal(await contentExists(d2.id), false);

    // an offline item with comments: the publisher deletes it, and its comments with it
    const chief = await chiefToken();
    const off = await published();
    await comments(off.id, 1);
    assert.equal((await call('POST', `/api/admin/education/contents/${off.id}/offline`, { token: chief })).status, 200);
    const keep = await draft(chief);
    const r = await batch('contents', chief, [off.id]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(await contentExists(off.id), false);
    assert.equal(await contentExists(keep.id), true);
    assert.deepEqual(await liveCommentIds(off.id), []);
    assert.ok(await operLogged('批量删除宣教内容'));
  });

  it('content: published, someone else’s draft without 审核发布, out of scope, in use or unknown refuse the whole batch', async () => {
    const chief = await chiefToken();
    const author = await staff('physician', '心血管内科');
    const own = await draft(author.token);
    const pub = await published();

    const live = await batch('contents', chief, [own.id, pub.id]);
    assert.equal(live.status, 422, JSON.stringify(live.body));
    assert.equal(live.body.error.code, 'CONTENT_STATE');
    assert.deepEqual(live.body.error.details, { ids: [pub.id] });

    // a physician sees only their own drafts; a department admin (编写草稿, no 审核发布) sees theirs but may not delete it
    const colleague = await staff('physician', '心血管内科');
    const theirs = await draft(colleague.token);
    const unseen = await batch('contents', author.token, [own.id, theirs.id]);
    assert.equal(unseen.status, 404, JSON.stringify(unseen.body));
    assert.deepEqual(unseen.body.error.details, { ids: [theirs.id] });
    const deptadmin = await loginAs('deptadmin');
    const mineOnly = await draft(deptadmin);
    const notMine = await batch('contents', deptadmin, [mineOnly.id, theirs.id]);
    assert.equal(notMine.status, 403, JSON.stringify(notMine.body));
    assert.equal(notMine.body.error.code, 'FORBIDDEN');
    assert.deepEqual(notMine.body.error.details, { ids: [theirs.id] });

    // another department's chief physician does not see 心血管内科's drafts
    const other = await staff('chief_physician', '呼吸内科');
    const out = await batch('contents', other.token, [theirs.id]);
    assert.equal(out.status, 404, JSON.stringify(out.body));
    assert.equal(out.body.error.code, 'NOT_FOUND');

    // an offline item a learning task lists is kept
    const tasked = await published();
    await learningTask(chief, [tasked.id]);
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${tasked.id}/offline`, { token: chief })).status,
      200,
    );
    const used = await batch('contents', chief, [own.id, tasked.id]);
    assert.equal(used.status, 409, JSON.stringify(used.body));
    assert.equal(used.body.error.code, 'CONTENT_IN_USE');
    assert.match(used.body.error.message, /学习任务/);
    assert.deepEqual(used.body.error.details, { ids: [tasked.id] });

    const unknown = await batch('contents', chief, [own.id, 2_000_000_000]);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body.error.details, { ids: [2_000_000_000] });

    for (const id of [own.id, pub.id, theirs.id, mineOnly.id, tasked.id])
      assert.equal(await contentExists(id), true, String(id));
  });

  it('content: needs 编写草稿 (403) and 1–100 whole ids (400)', async () => {
    const d = await draft(await chiefToken());
    const denied = await batch('contents', await noRole(), [d.id]);
    assert.equal(denied.status, 403, JSON.stringify(denied.body));
    assert.equal((await batch('contents', await chiefToken(), [])).status, 400);
    assert.equal((await batch('contents', await chiefToken(), [-1])).status, 400);
    assert.equal(await contentExists(d.id), true);
  });
});
