import assert from 'node:assert/strict';
import { call, mpLogin } from '../../support/api';
import { deptId } from '../../support/booking';
import { EduContent } from '../../../bff/src/modules/education/models';
import { chiefToken, doctorToken, draft, published, staff } from './helpers';

describe('education: drafting, publishing, scope and what patients see', () => {
  it('a physician drafts but cannot publish; the chief physician publishes and is recorded as reviewer', async () => {
    const doctor = await doctorToken();
    const chief = await chiefToken();
    const d = await draft(doctor);
    assert.equal(d.status, 'draft');
    assert.equal(d.author.name, '张晓明');
    assert.equal(d.author.deptName, '心血管内科');
    assert.equal(d.author.institution, '医云示范医院');
    const refused = await call('POST', `/api/admin/education/contents/${d.id}/publish`, { token: doctor });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    const ok = await call('POST', `/api/admin/education/contents/${d.id}/publish`, { token: chief });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'published');
    assert.equal(ok.body.reviewer.name, '李建国');
    assert.equal(ok.body.reviewer.title, '主任医师');
    assert.ok(ok.body.reviewedAt);
    assert.equal(ok.body.needsReview, false);
    // Once published, the physician may no longer change it; the chief may, and each save is a version.
    const edit = { title: d.title, summary: '', body: '<p>改过的正文</p>', deptId: d.deptId, tags: [] };
    const physicianEdit = await call('PUT', `/api/admin/education/contents/${d.id}`, { token: doctor, body: edit });
    assert.equal(physicianEdit.status, 403);
    const chiefEdit = await call('PUT', `/api/admin/education/contents/${d.id}`, { token: chief, body: edit });
    assert.equal(chiefEdit.status, 200);
    assert.equal(chiefEdit.body.version, 2);
    const history = (await call('GET', `/api/admin/education/contents/${d.id}/revisions`, { token: chief })).body;
    assert.deepEqual(
      history.map((h: { action: string }) => h.action),
      ['edit', 'publish', 'create'],
    );
  });

  it('keeps a physician to their own drafts and a chief physician to their own department', async () => {
    const doctor = await doctorToken();
    const other = await staff('physician', '心血管内科');
    const d = await draft(doctor);
    // Another physician of the same department does not even see it (scope: self).
    assert.equal((await call('GET', `/api/admin/education/contents/${d.id}`, { token: other.token })).status, 404);
    const respChief = await staff('chief_physician', '呼吸内科');
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${d.id}/publish`, { token: respChief.token })).status,
      404,
    );
    const list = (await call('GET', '/api/admin/education/contents?pageSize=100', { token: respChief.token })).body;
    assert.ok(!list.items.some((i: { id: number }) => i.id === d.id));
    const foreign = await call('POST', '/api/admin/education/contents', {
      token: respChief.token,
      body: { kind: 'article', title: '跨科室草稿', body: '<p>x</p>', deptId: await deptId('心血管内科') },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'OUT_OF_SCOPE');
  });

  it('shows patients published items only, never drafts or offline ones', async () => {
    const chief = await chiefToken();
    const p = await mpLogin();
    const pub = await published();
    const d = await draft(chief);
    const off = await published();
    assert.equal((await call('POST', `/api/admin/education/contents/${off.id}/offline`, { token: chief })).status, 200);
    const list = (await call('GET', '/api/mp/education/contents?pageSize=100', { token: p.accessToken })).body;
    const ids = list.items.map((i: { id: number }) => i.id);
    assert.ok(ids.includes(pub.id));
    assert.ok(!ids.includes(d.id));
    assert.ok(!ids.includes(off.id));
    for (const id of [d.id, off.id]) {
      const r = await call('GET', `/api/mp/education/contents/${id}`, { token: p.accessToken });
      assert.equal(r.status, 404);
      assert.equal((await call('PUT', `/api/mp/education/contents/${id}/like`, { token: p.accessToken })).status, 404);
      assert.equal(
        (await call('GET', `/api/mp/education/contents/${id}/comments`, { token: p.accessToken })).status,
        404,
      );
    }
    const detail = (await call('GET', `/api/mp/education/contents/${pub.id}`, { token: p.accessToken })).body;
    assert.equal(detail.author.name, '李建国');
    assert.equal(detail.reviewer.name, '李建国');
    assert.equal(detail.readCount, 1);
    assert.equal(detail.liked, false);
    const search = (
      await call('GET', `/api/mp/education/contents?keyword=${encodeURIComponent(pub.title)}`, { token: p.accessToken })
    ).body;
    assert.deepEqual(
      search.items.map((i: { id: number }) => i.id),
      [pub.id],
    );
    const byTag = (
      await call('GET', `/api/mp/education/contents?tag=${encodeURIComponent('慢病管理')}&pageSize=100`, {
        token: p.accessToken,
      })
    ).body;
    assert.ok(byTag.items.some((i: { id: number }) => i.id === pub.id));
    const cats = (await call('GET', '/api/mp/education/categories', { token: p.accessToken })).body;
    assert.ok(cats.depts.some((c: { name: string }) => c.name === '心血管内科'));
    assert.ok(cats.tags.some((c: { name: string }) => c.name === '高血压'));
  });

  it('counts reads and likes; liking twice is still one like', async () => {
    const pub = await published();
    const a = await mpLogin();
    const b = await mpLogin();
    await call('GET', `/api/mp/education/contents/${pub.id}`, { token: a.accessToken });
    await call('GET', `/api/mp/education/contents/${pub.id}`, { token: b.accessToken });
    const likes = await Promise.all([
      call('PUT', `/api/mp/education/contents/${pub.id}/like`, { token: a.accessToken }),
      call('PUT', `/api/mp/education/contents/${pub.id}/like`, { token: a.accessToken }),
      call('PUT', `/api/mp/education/contents/${pub.id}/like`, { token: b.accessToken }),
    ]);
    assert.deepEqual(
      likes.map((l) => l.status),
      [200, 200, 200],
    );
    const seen = (await call('GET', `/api/mp/education/contents/${pub.id}`, { token: a.accessToken })).body;
    assert.equal(seen.likeCount, 2);
    assert.equal(seen.liked, true);
    assert.equal(seen.readCount, 3);
    const un = await call('DELETE', `/api/mp/education/contents/${pub.id}/like`, { token: a.accessToken });
    assert.equal(un.body.likeCount, 1);
    const again = await call('DELETE', `/api/mp/education/contents/${pub.id}/like`, { token: a.accessToken });
    assert.equal(again.body.likeCount, 1);
  });

  it('flags content past its review interval for re-review, and a review clears the flag', async () => {
    const chief = await chiefToken();
    const pub = await published();
    await EduContent.update({ reviewedAt: new Date(Date.now() - 400 * 86400_000) }, { where: { id: pub.id } });
    const due = (await call('GET', '/api/admin/education/contents?needsReview=true&pageSize=100', { token: chief }))
      .body;
    assert.ok(due.items.some((i: { id: number; needsReview: boolean }) => i.id === pub.id && i.needsReview));
    const reviewed = await call('POST', `/api/admin/education/contents/${pub.id}/review`, { token: chief });
    assert.equal(reviewed.status, 200);
    assert.equal(reviewed.body.needsReview, false);
    const after = (await call('GET', '/api/admin/education/contents?needsReview=true&pageSize=100', { token: chief }))
      .body;
    assert.ok(!after.items.some((i: { id: number }) => i.id === pub.id));
  });

  it('refuses to publish an empty article or a video without its file, and bad input with 4xx codes', async () => {
    const chief = await chiefToken();
    const empty = await draft(chief, { body: '<script>x</script>' });
    const r = await call('POST', `/api/admin/education/contents/${empty.id}/publish`, { token: chief });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'CONTENT_INCOMPLETE');
    const video = await draft(chief, { kind: 'video', body: '' });
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${video.id}/publish`, { token: chief })).body.error.code,
      'CONTENT_INCOMPLETE',
    );
    const badUrl = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: { kind: 'video', title: '坏链接', videoUrl: 'javascript:alert(1)', deptId: 1 },
    });
    assert.equal(badUrl.status, 400);
    assert.equal(badUrl.body.error.code, 'VALIDATION_FAILED');
    const again = await call('POST', `/api/admin/education/contents/${(await published()).id}/publish`, {
      token: chief,
    });
    assert.equal(again.body.error.code, 'CONTENT_STATE');
  });
});
