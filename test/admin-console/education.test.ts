/**
 * 健康宣教 and 学习任务 in real Chromium against the real BFF: a chief physician writes an article in the editor,
 * previews and publishes it; stored XSS payloads shown in the console never run; a physician completes a learning
 * task in 我的学习 and the chief physician sees it done.
 */
import assert from 'node:assert/strict';
import { call, loginAs as apiLogin, unique } from '../support/api';
import { deptId } from '../support/booking';
import { field } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';
import { LearningProgress } from '../../bff/src/modules/learning/models';
import { User } from '../../bff/src/modules/system/models';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';
import { XSS_PAYLOADS } from '../bff/education/xss-payloads';

const fired: string[] = [];

async function publishedViaApi(body: string, title = unique('宣教')) {
  const chief = await apiLogin('chief');
  const d = await call('POST', '/api/admin/education/contents', {
    token: chief,
    body: { kind: 'article', title, body, deptId: await deptId('心血管内科'), tags: ['测试'] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  assert.equal(
    (await call('POST', `/api/admin/education/contents/${d.body.id}/publish`, { token: chief })).status,
    200,
  );
  return d.body as { id: number; title: string };
}

describe('console: 健康宣教 and 学习任务', () => {
  const ch = consoleHarness({ shots: 'education' });
  async function consoleFor(who: 'chief' | 'doctor', landing: string): Promise<ConsolePage> {
    const s = await ch.newPage();
    // Any alert() a payload manages to run opens a dialog: record it, and dismiss it so the page goes on.
    s.page.on('dialog', (d) => {
      fired.push(d.message());
      void d.dismiss();
    });
    await s.login(who, landing);
    return s;
  }

  it('a chief physician writes an article in the editor, previews it and publishes it', async () => {
    const { page } = await consoleFor('chief', '/education/content');
    await page.click('[data-test=content-new-article]');
    const title = unique('冬季心血管保健');
    await page.fill(field('content-title'), title);
    const editor = page.locator('[data-test=rich-body] .tiptap');
    await editor.click();
    await page.keyboard.type('天气转冷，血压容易波动。坚持服药');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.click('[data-test=rich-bold]');
    await page.waitForFunction(
      () => document.querySelector('[data-test=rich-body] strong')?.textContent === '坚持服药',
    );
    await page.click('[data-test=content-save]');
    const row = page.locator('[data-test=content-table] .el-table__row', { hasText: title });
    await row.waitFor();
    const id = Number((await row.locator('[data-test^=content-row-]').getAttribute('data-test'))!.split('-').pop());
    assert.equal((await page.locator(`[data-test=content-status-${id}]`).innerText()).trim(), '草稿');

    await page.click(`[data-test=content-preview-${id}]`);
    const preview = page.locator('[data-test=preview-body]');
    await preview.waitFor();
    assert.equal(await preview.locator('strong').innerText(), '坚持服药');
    assert.match(await page.locator('[data-test=preview-history]').innerText(), /创建/);
    await page.keyboard.press('Escape');

    await page.click(`[data-test=content-publish-${id}]`);
    await page.locator('.el-message-box .el-button--primary').click();
    await page.waitForFunction(
      (i) => document.querySelector(`[data-test=content-status-${i}]`)?.textContent?.trim() === '已发布',
      id,
    );
    const stored = (await call('GET', `/api/admin/education/contents/${id}`, { token: await apiLogin('chief') })).body;
    assert.equal(stored.status, 'published');
    assert.match(stored.body, /<strong>坚持服药<\/strong>/);
    assert.equal(stored.reviewer.name, '李建国');
  });

  it('shows stored XSS payloads inert: nothing runs in the preview', async () => {
    const marker = unique('xss');
    const item = await publishedViaApi(
      `<p>${marker}</p>${XSS_PAYLOADS.join('')}<img src=x onerror="window.__xss=1">`,
      `安全测试${marker}`,
    );
    const { page } = await consoleFor('chief', '/education/content');
    await page.fill(field('content-filter-keyword'), marker);
    await page.click('[data-test=query-search]');
    await page.click(`[data-test=content-preview-${item.id}]`);
    const preview = page.locator('[data-test=preview-body]');
    await preview.waitFor();
    await page.waitForFunction(
      (m) => document.querySelector('[data-test=preview-body]')?.textContent?.includes(m),
      marker,
    );
    // Every image in the body has loaded or failed by now, so any onerror handler would have run.
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-test=preview-body] img')].every((i) => (i as HTMLImageElement).complete),
    );
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.deepEqual(fired, []);
    const dangerous = await preview.evaluate((el) =>
      [...el.querySelectorAll('*')].flatMap((n) => [
        ...(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'svg', 'FORM'].includes(n.tagName) ? [n.tagName] : []),
        ...[...n.attributes].filter((a) => /^on/i.test(a.name) || /javascript:/i.test(a.value)).map((a) => a.name),
      ]),
    );
    assert.deepEqual(dangerous, []);
  });

  it('a physician completes a learning task in 我的学习 and the chief physician sees it done', async () => {
    const article = await publishedViaApi('<p>学习内容：高血压分级诊疗规范。</p>');
    const chief = await apiLogin('chief');
    const task = await call('POST', '/api/admin/learning/tasks', {
      token: chief,
      body: {
        title: unique('本月学习'),
        deadline: addDays(shanghaiDate(), 7),
        deptIds: [await deptId('心血管内科')],
        contentIds: [article.id],
      },
    });
    assert.equal(task.status, 201);
    const doctorId = (await User.findOne({ where: { username: 'doctor' } }))!.id;

    const { page } = await consoleFor('doctor', '/education/my-learning');
    await page.click(`[data-test=study-${task.body.id}-${article.id}]`);
    await page.locator('[data-test=study-article]').waitFor();
    await page.waitForSelector('[data-test=study-finish]:not([disabled])');
    // The server's reading clock: the article has been open for its reading time.
    const p = await LearningProgress.findOne({ where: { userId: doctorId, contentId: article.id } });
    await p!.update({ openedAt: new Date(p!.openedAt.getTime() - 120_000) });
    await page.click('[data-test=study-finish]');
    await page.locator('[data-test=study-done]').waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      (id) => document.querySelector(`[data-test=my-task-status-${id}]`)?.textContent?.trim() === '已完成',
      task.body.id,
    );

    const c = await consoleFor('chief', '/education/learning-task');
    await c.page.click(`[data-test=task-view-${task.body.id}]`);
    const status = c.page.locator(`[data-test=person-status-${doctorId}]`);
    await status.waitFor();
    assert.equal(await status.getAttribute('data-status'), 'done');
  });
});
