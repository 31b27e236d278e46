/**
 * 科普 in the patient app's h5 build, real Chromium against the real BFF: a patient finds a published article by
 * search, reads it (author and reviewer shown; stored XSS payloads inert), likes it and comments — a comment held by
 * a review word shows as pending to its author only. A video (a real WebM made at test time) plays to its end from
 * the patient's video page (the player in the page, not over it), served in ranges (206), and its read is counted
 * by the server.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, coveredBy, mpHarness } from '../support/mp-harness';
import { call, loginAs, unique } from '../support/api';
import { deptId } from '../support/booking';
import { settle } from './browser';
import { XSS_PAYLOADS } from '../bff/education/xss-payloads';
import { makeWebm } from '../support/video';
import { EduContent } from '../../bff/src/modules/education/models';

buildH5BeforeAnySuite();

describe('miniprogram h5: 科普 reading, likes and comments (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-education', hiDpi: false, recordDialogs: true });
  const { on, dialogs } = mp;

  it('finds an article, reads it safely, likes it and comments', async () => {
    const marker = unique('科普');
    const reviewWord = unique('偏方');
    const deptadmin = await loginAs('deptadmin');
    await call('POST', '/api/admin/education/sensitive-words', {
      token: deptadmin,
      body: { word: reviewWord, action: 'review' },
    });
    const chief = await loginAs('chief');
    const d = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'article',
        title: `${marker}：血压计怎么选`,
        body: `<p>上臂式电子血压计更准确。</p>${XSS_PAYLOADS.join('')}<img src=x onerror="window.__xss=1">`,
        deptId: await deptId('心血管内科'),
        tags: ['高血压'],
      },
    });
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${d.body.id}/publish`, { token: chief })).status,
      200,
    );

    await mp.page.goto(`${mp.stack.baseUrl}/h5/`);
    await mp.page.locator('.weui-tabbar__item', { hasText: '科普' }).click();
    await on('.edu-search input').fill(marker);
    const item = on('.edu-item', marker);
    await item.waitFor();
    await item.click();

    await on('.edu-title', marker).waitFor();
    const credit = await on('.edu-credit').innerText();
    assert.match(credit, /作者：李建国 主任医师 · 心血管内科 · 医云示范医院/);
    assert.match(credit, /审核：李建国/);
    const body = on('.edu-body');
    await body.waitFor();
    assert.match(await body.innerText(), /上臂式电子血压计更准确/);
    await mp.page.waitForFunction(() =>
      [...document.querySelectorAll('.edu-body img')].every((i) => (i as HTMLImageElement).complete),
    );
    assert.equal(await mp.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.deepEqual(dialogs, []);

    await on('.edu-like').click();
    await mp.page.waitForFunction(() => document.querySelector('.edu-like')?.textContent?.includes('已赞 1'));

    await on('.edu-post input').fill('写得很清楚，谢谢医生');
    await on('.edu-send').click();
    await on('.edu-comment', '写得很清楚').waitFor();
    await on('.edu-post input').fill(`我家有${reviewWord}`);
    await on('.edu-send').click();
    const held = on('.edu-comment', reviewWord);
    await held.waitFor();
    assert.match(await held.innerText(), /审核中，仅自己可见/);
    await settle(mp.page);

    // Another patient sees the published comment only; the like and the read were counted by the server.
    const other = await (await import('../support/api')).mpLogin();
    const seen = (await call('GET', `/api/mp/education/contents/${d.body.id}/comments`, { token: other.accessToken }))
      .body;
    assert.deepEqual(
      seen.items.map((c: { text: string }) => c.text),
      ['写得很清楚，谢谢医生'],
    );
    const detail = (await call('GET', `/api/mp/education/contents/${d.body.id}`, { token: other.accessToken })).body;
    assert.equal(detail.likeCount, 1);
    assert.ok(detail.readCount >= 2);
  });
  it('plays a published video from its page: served in ranges (206), its read counted by the server', async () => {
    const chief = await loginAs('chief');
    const webm = await makeWebm(mp.browser, { seconds: 2 });
    const up = await fetch(`${mp.baseUrl}/api/admin/files?kind=video&filename=handwash.webm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chief}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(webm),
    });
    const file = (await up.json()) as { url: string };
    assert.equal(up.status, 201, JSON.stringify(file));
    const title = unique('七步洗手法');
    const v = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'video',
        title,
        body: '<p>跟着视频一起洗手。</p>',
        videoUrl: file.url,
        durationSec: 2,
        deptId: await deptId('心血管内科'),
      },
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${v.body.id}/publish`, { token: chief })).status,
      200,
    );

    const served: number[] = [];
    mp.page.on('response', (r) => {
      if (r.url().endsWith(file.url)) served.push(r.status());
    });
    const opened = mp.page.waitForResponse(
      (r) => r.url().endsWith(`/api/mp/education/contents/${v.body.id}`) && r.request().method() === 'GET',
    );
    await mp.open(`/packages/education/pages/detail/index?id=${v.body.id}`);
    const readCount = (await (await opened).json()).readCount as number;
    const player = on('[data-test=edu-video] video');
    await player.waitFor();
    // the player sits in the page, between the title and the text (the h5 player once covered the whole page)
    for (const part of ['[data-test=edu-title]', '[data-test=edu-body]', '[data-test=edu-like]'])
      assert.equal(await coveredBy(on(part)), '', `nothing lies over ${part}`);
    const played = await player.evaluate(
      (el: HTMLVideoElement) =>
        new Promise<{ at: number; duration: number }>((resolve, reject) => {
          el.addEventListener('ended', () => resolve({ at: el.currentTime, duration: el.duration }), { once: true });
          el.addEventListener('error', () => reject(new Error(`media error ${el.error?.code}`)), { once: true });
          el.muted = true;
          el.play().catch(reject);
        }),
    );
    assert.ok(played.duration > 1.5 && played.duration < 2.5, `a 2-second video (${played.duration} s)`);
    assert.ok(played.at >= played.duration - 0.1, 'played to the end');
    assert.ok(served.includes(206), `the video was served in ranges (${served.join(', ')})`);
    assert.ok(readCount >= 1, 'the opening was counted');
    assert.equal((await EduContent.findByPk(v.body.id))!.readCount, readCount, 'the server kept the count');
  });
});
