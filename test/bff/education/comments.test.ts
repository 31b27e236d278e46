import assert from 'node:assert/strict';
import { call, loginAs, mpLogin, unique } from '../../support/api';
import { startStack } from '../../support/stack';
import { OperLog } from '../../../bff/src/modules/monitor/models';
import { EduComment } from '../../../bff/src/modules/education/models';
import { MpUser } from '../../../bff/src/modules/auth/models';
import { normalizeForMatch } from '../../../bff/src/modules/education/sensitive';
import { chiefToken, doctorToken, published } from './helpers';

const comment = (token: string, id: number, text: string) =>
  call('POST', `/api/mp/education/contents/${id}/comments`, { token, body: { text } });

describe('education: comments, moderation and the sensitive-word list', () => {
  let blockWord: string;
  let reviewWord: string;

  before(async () => {
    const deptadmin = await loginAs('deptadmin');
    blockWord = unique('代开发票');
    reviewWord = unique('祖传偏方');
    for (const [word, action] of [
      [blockWord, 'block'],
      [reviewWord, 'review'],
    ]) {
      const r = await call('POST', '/api/admin/education/sensitive-words', {
        token: deptadmin,
        body: { word, action },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  it('manages the word list from the console: duplicates, empty words and physicians are refused', async () => {
    const deptadmin = await loginAs('deptadmin');
    const dup = await call('POST', '/api/admin/education/sensitive-words', {
      token: deptadmin,
      body: { word: blockWord, action: 'review' },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'WORD_TAKEN');
    const blank = await call('POST', '/api/admin/education/sensitive-words', {
      token: deptadmin,
      body: { word: ' ，。 ', action: 'block' },
    });
    assert.equal(blank.body.error.code, 'INVALID_WORD');
    const doctor = await doctorToken();
    assert.equal(
      (
        await call('POST', '/api/admin/education/sensitive-words', {
          token: doctor,
          body: { word: 'x', action: 'block' },
        })
      ).status,
      403,
    );
    const w = await call('POST', '/api/admin/education/sensitive-words', {
      token: deptadmin,
      body: { word: unique('临时词'), action: 'block' },
    });
    const list = (
      await call('GET', `/api/admin/education/sensitive-words?keyword=${encodeURIComponent(w.body.word)}`, {
        token: deptadmin,
      })
    ).body;
    assert.equal(list.total, 1);
    const upd = await call('PUT', `/api/admin/education/sensitive-words/${w.body.id}`, {
      token: deptadmin,
      body: { word: w.body.word, action: 'review' },
    });
    assert.equal(upd.body.action, 'review');
    assert.equal(
      (await call('DELETE', `/api/admin/education/sensitive-words/${w.body.id}`, { token: deptadmin })).status,
      204,
    );
  });

  it('normalizes spaces, punctuation and full-width characters before matching', () => {
    assert.equal(normalizeForMatch('代 开　发*票'), '代开发票');
    assert.equal(normalizeForMatch('ＡＢＣ１２３'), 'abc123');
    assert.equal(normalizeForMatch('代\u200b开-发.票'), '代开发票');
  });

  it('blocks a comment with a blocking word even when spaces or full-width characters are slipped in', async () => {
    const pub = await published();
    const p = await mpLogin();
    const spaced = blockWord.split('').join(' ');
    const fullWidth = [...blockWord]
      .map((ch) => (/[\x21-\x7e]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch))
      .join('　');
    for (const text of [`有需要的找我${blockWord}`, `便宜${spaced}啦`, fullWidth]) {
      const r = await comment(p.accessToken, pub.id, text);
      assert.equal(r.status, 422, text);
      assert.equal(r.body.error.code, 'COMMENT_BLOCKED');
    }
    assert.equal(await EduComment.count({ where: { contentId: pub.id } }), 0, 'a blocked comment is not stored');
  });

  it('holds a comment with a review word: its author sees it pending, others do not until approved', async () => {
    const pub = await published();
    const author = await mpLogin();
    const other = await mpLogin();
    await MpUser.update({ nickname: unique('评论者') }, { where: { id: author.user.id } });
    const ok = await comment(author.accessToken, pub.id, '讲得很清楚，谢谢医生');
    assert.equal(ok.status, 201);
    assert.equal(ok.body.status, 'published');
    const held = await comment(author.accessToken, pub.id, `我有${reviewWord.split('').join(' ')}想分享`);
    assert.equal(held.status, 201);
    assert.equal(held.body.status, 'pending');
    const mine = (await call('GET', `/api/mp/education/contents/${pub.id}/comments`, { token: author.accessToken }))
      .body;
    assert.deepEqual(
      mine.items.map((c: { id: number; status: string; mine: boolean }) => [c.id, c.status, c.mine]),
      [
        [held.body.id, 'pending', true],
        [ok.body.id, 'published', true],
      ],
    );
    const theirs = (await call('GET', `/api/mp/education/contents/${pub.id}/comments`, { token: other.accessToken }))
      .body;
    assert.deepEqual(
      theirs.items.map((c: { id: number }) => c.id),
      [ok.body.id],
    );
    const detail = (await call('GET', `/api/mp/education/contents/${pub.id}`, { token: other.accessToken })).body;
    assert.equal(detail.commentCount, 1);

    const chief = await chiefToken();
    const pending = (
      await call('GET', `/api/admin/education/comments?status=pending&contentId=${pub.id}`, { token: chief })
    ).body;
    assert.equal(pending.total, 1);
    assert.ok(pending.items[0].heldFor);
    assert.equal(
      (await call('POST', `/api/admin/education/comments/${held.body.id}/approve`, { token: chief })).status,
      204,
    );
    const now = (await call('GET', `/api/mp/education/contents/${pub.id}/comments`, { token: other.accessToken })).body;
    assert.equal(now.total, 2);
    assert.equal(
      (await call('GET', `/api/mp/education/contents/${pub.id}`, { token: other.accessToken })).body.commentCount,
      2,
    );
  });

  it('moderates: search by content, commenter and time; reply as the institution; soft delete, logged', async () => {
    const pub = await published();
    const p = await mpLogin();
    const nickname = unique('搜索用户');
    await MpUser.update({ nickname }, { where: { id: p.user.id } });
    const marker = unique('关键内容');
    const c = (await comment(p.accessToken, pub.id, `想问一下${marker}怎么办`)).body;
    const chief = await chiefToken();
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const byText = (
      await call(
        'GET',
        `/api/admin/education/comments?keyword=${encodeURIComponent(marker)}&from=${today}&to=${today}`,
        {
          token: chief,
        },
      )
    ).body;
    assert.deepEqual(
      byText.items.map((x: { id: number }) => x.id),
      [c.id],
    );
    assert.equal(byText.items[0].contentTitle, pub.title);
    const byUser = (
      await call('GET', `/api/admin/education/comments?commenter=${encodeURIComponent(nickname)}`, { token: chief })
    ).body;
    assert.deepEqual(
      byUser.items.map((x: { id: number }) => x.id),
      [c.id],
    );
    const yesterday = (
      await call('GET', `/api/admin/education/comments?keyword=${encodeURIComponent(marker)}&to=2020-01-01`, {
        token: chief,
      })
    ).body;
    assert.equal(yesterday.total, 0);

    const reply = await call('PUT', `/api/admin/education/comments/${c.id}/reply`, {
      token: chief,
      body: { reply: '请按时服药并复诊。' },
    });
    assert.equal(reply.status, 204);
    const seen = (await call('GET', `/api/mp/education/contents/${pub.id}/comments`, { token: p.accessToken })).body;
    assert.equal(seen.items[0].reply, '请按时服药并复诊。');

    const doctor = await doctorToken();
    assert.equal((await call('DELETE', `/api/admin/education/comments/${c.id}`, { token: doctor })).status, 403);
    assert.equal((await call('DELETE', `/api/admin/education/comments/${c.id}`, { token: chief })).status, 204);
    assert.equal((await call('DELETE', `/api/admin/education/comments/${c.id}`, { token: chief })).status, 404);
    const gone = (await call('GET', `/api/mp/education/contents/${pub.id}/comments`, { token: p.accessToken })).body;
    assert.equal(gone.total, 0);
    const row = await EduComment.findByPk(c.id);
    assert.ok(row?.deletedAt, 'soft deleted: the row stays');
    const withDeleted = (
      await call('GET', `/api/admin/education/comments?keyword=${encodeURIComponent(marker)}&includeDeleted=true`, {
        token: chief,
      })
    ).body;
    assert.equal(withDeleted.items[0].deleted, true);
    const log = await OperLog.findOne({
      where: { path: `/api/admin/education/comments/${c.id}`, method: 'DELETE', status: 'success' },
    });
    assert.ok(log, 'the deletion is in the operation log');
    assert.equal(log!.target, String(c.id));
  });

  it('limits each patient to EDU_COMMENT_RATE_PER_MIN comments a minute (refused ones count): 429 COMMENT_RATE_LIMITED', async () => {
    const { running } = await startStack();
    const perMinute = running.infra.config.EDU_COMMENT_RATE_PER_MIN;
    const a = await published();
    const b = await published();
    const flooder = await mpLogin();
    const other = await mpLogin();
    // One refused attempt (blocking word) and the rest accepted, spread over two items: all count.
    const blocked = await comment(flooder.accessToken, a.id, `找我${blockWord}`);
    assert.equal(blocked.status, 422);
    for (let i = 1; i < perMinute; i++) {
      const ok = await comment(flooder.accessToken, i % 2 ? a.id : b.id, `第 ${i} 条评论`);
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    }
    const over = await comment(flooder.accessToken, b.id, '再来一条');
    assert.equal(over.status, 429);
    assert.equal(over.body.error.code, 'COMMENT_RATE_LIMITED');
    assert.match(over.body.error.message, /评论太频繁/);
    assert.equal(over.body.error.details.limitPerMinute, perMinute);
    const retry = Number(over.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal(
      await EduComment.count({ where: { userId: flooder.user.id } }),
      perMinute - 1,
      'the refused comment is not stored',
    );
    // Another patient is not affected.
    assert.equal((await comment(other.accessToken, b.id, '写得很好')).status, 201);
  });

  it('keeps another department’s chief physician out of these comments', async () => {
    const pub = await published();
    const p = await mpLogin();
    const c = (await comment(p.accessToken, pub.id, '好文章')).body;
    const { staff } = await import('./helpers');
    const resp = await staff('chief_physician', '呼吸内科');
    assert.equal((await call('DELETE', `/api/admin/education/comments/${c.id}`, { token: resp.token })).status, 404);
    const list = (await call('GET', `/api/admin/education/comments?contentId=${pub.id}`, { token: resp.token })).body;
    assert.equal(list.total, 0);
  });
});
