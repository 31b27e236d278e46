/**
 * RuoYi's table conventions on the rest of the console's lists (issue 15), in real Chromium through the console
 * harness: 在线用户, 定时任务, 消息记录, 排班管理 (list view), 医生管理, 随访管理, 订单管理, 对账管理, 学习任务, 宣教内容 and
 * 评论管理 have 显示/隐藏搜索 · 刷新 · 显隐列 (ListPage / RightToolbar), keep their last search over a reload, and
 * 评论管理 and 宣教内容 delete many at once — the selected rows really gone, the others untouched, and a refused batch
 * changes nothing.
 */
import assert from 'node:assert/strict';
import type { Page, Response } from 'playwright-core';
import { EduContent } from '../../bff/src/modules/education/models';
import { call, loginAs as apiLogin, mpLogin, unique } from '../support/api';
import { admin } from '../support/booking';
import { field } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';
import { draft, learningTask, published } from '../bff/education/helpers';

const PAGES: [path: string, table: string, column: string, label: string, search: boolean][] = [
  ['/monitor/online', 'online-table', 'ip', 'IP', true],
  ['/monitor/job', 'job-table', 'concurrency', '并发', false],
  ['/consult/messages', 'cm-table', 'recipient', '接收人', true],
  ['/clinic/doctor', 'doc-table', 'specialty', '擅长', true],
  ['/clinic/follow-up', 'fu-table', 'content', '随访内容', true],
  ['/finance/order', 'order-table', 'payer', '付款人', true],
  ['/finance/reconcile', 'recon-table', 'updatedAt', '对账时间', true],
  ['/education/learning-task', 'task-table', 'createdAt', '创建时间', true],
  ['/education/content', 'content-table', 'author', '作者', true],
  ['/education/comment', 'comment-table', 'createdAt', '时间', true],
];

const headers = (page: Page, table: string) =>
  page.$$eval(`[data-test=${table}] .el-table__header-wrapper th .cell`, (els) =>
    els.map((e) => e.textContent?.trim() ?? ''),
  );

/** toggles one column in the chooser (opening it unless it is open) and waits for the header to follow */
async function toggleColumn(s: ConsolePage, table: string, key: string, label: string, shown: boolean) {
  const chooser = s.page.locator('[data-test=column-chooser]:visible');
  if (!(await chooser.count())) await s.page.click('[data-test=toolbar-columns]');
  await chooser.locator(`[data-test=column-${key}]`).click();
  await s.page.waitForFunction(
    ([t, l, want]) =>
      [...document.querySelectorAll(`[data-test=${t}] .el-table__header-wrapper th .cell`)].some(
        (e) => e.textContent?.trim() === l,
      ) === want,
    [table, label, shown] as const,
  );
}

/** selects the rows whose cell holds `${prefix}${id}` */
async function selectRows(s: ConsolePage, table: string, prefix: string, ids: number[]) {
  for (const id of ids)
    await s.page
      .locator(`[data-test=${table}] .el-table__body-wrapper tr`, { has: s.page.locator(`[data-test=${prefix}${id}]`) })
      .locator('.el-checkbox')
      .click();
  await s.page.waitForSelector(`[data-test=batch-remove]:has-text("(${ids.length})")`);
}

describe('console lists: toolbar, columns, kept search and batch delete on the remaining pages (real Chromium)', function () {
  this.timeout(300_000);
  const ch = consoleHarness({ shots: 'console-conventions' });
  let chief = '';
  before(async () => {
    chief = await apiLogin('chief');
  });

  it('every converted page has 显示/隐藏搜索 · 刷新 · 显隐列; a hidden column stays hidden after a reload', async () => {
    const s = await ch.loginAs('admin');
    for (const [path, table, column, label, search] of PAGES) {
      await s.open(path);
      await s.page.waitForSelector(`[data-test=${table}]`);
      await s.page.waitForSelector('[data-test=right-toolbar] [data-test=toolbar-columns]');
      assert.equal(await s.page.locator('[data-test=toolbar-search]').count(), search ? 1 : 0, path);
      // 刷新 asks the server again
      const again = s.page.waitForResponse((r) => r.url().includes('/api/admin/') && r.request().method() === 'GET');
      await s.page.click('[data-test=toolbar-refresh]');
      assert.ok((await again).ok(), `${path}: refresh`);
      await s.done();
      if (search) {
        await s.page.click('[data-test=toolbar-search]');
        await s.page.waitForSelector('[data-test=search-card]', { state: 'hidden' });
        await s.page.click('[data-test=toolbar-search]');
        await s.page.waitForSelector('[data-test=search-card]', { state: 'visible' });
      }
      assert.ok((await headers(s.page, table)).includes(label), `${path}: ${label}`);
      await toggleColumn(s, table, column, label, false);
      await s.page.reload();
      await s.done();
      await s.page.waitForSelector(`[data-test=${table}] .el-table__header-wrapper th`);
      assert.ok(!(await headers(s.page, table)).includes(label), `${path}: ${label} hidden after a reload`);
      if (path === '/finance/order') await s.shot('order-column-hidden');
      await toggleColumn(s, table, column, label, true);
    }

    // 排班管理's list view: the same toolbar over the calendar's filters
    await s.open('/clinic/schedule');
    await s.page.click('[data-test=sched-mode-list]');
    await s.page.waitForSelector('[data-test=sched-table]');
    await s.done();
    await toggleColumn(s, 'sched-table', 'location', '地点', false);
    await s.page.click('[data-test=toolbar-search]');
    await s.page.waitForSelector('[data-test=search-card]', { state: 'hidden' });
    await s.shot('schedule-list');
    await s.page.click('[data-test=toolbar-search]');
    await toggleColumn(s, 'sched-table', 'location', '地点', true);
  });

  it('a search survives a reload (评论管理)', async () => {
    const s = await ch.loginAs('admin', '/education/comment');
    await s.page.fill(field('comment-filter-keyword'), '保留的搜索');
    const searched = s.page.waitForResponse((r) => r.url().includes('/api/admin/education/comments?'));
    await s.page.click('[data-test=query-search]');
    assert.match(decodeURIComponent((await searched).url()), /keyword=保留的搜索/);
    await s.page.reload();
    const again = s.page.waitForResponse((r) => r.url().includes('/api/admin/education/comments?'));
    assert.match(decodeURIComponent((await again).url()), /keyword=保留的搜索/);
    assert.equal(await s.page.inputValue(field('comment-filter-keyword')), '保留的搜索');
    await s.done();
  });

  it("a filter whose value is of another type than its empty start (宣教内容 复审: true vs '') survives a reload; junk kept in storage does not", async () => {
    const tag = unique('保留复审');
    const due = await published({ title: `${tag}到期` });
    const fresh = await published({ title: `${tag}新发布` });
    await EduContent.update({ reviewedAt: new Date(Date.now() - 400 * 86400_000) }, { where: { id: due.id } });

    const s = await ch.loginAs('chief', '/education/content');
    await s.page.fill(field('content-filter-keyword'), tag);
    await s.page.click('[data-test=content-filter-review]');
    await s.page.locator('.el-select-dropdown__item:visible', { hasText: '待复审' }).click();
    await s.page.click('[data-test=query-search]');
    await s.page.waitForSelector(`[data-test=content-row-${fresh.id}]`, { state: 'detached' });
    await s.page.waitForSelector(`[data-test=content-row-${due.id}]`);
    await s.done();

    const contents = (r: Response) => r.url().includes('/api/admin/education/contents?');
    const again = s.page.waitForResponse(contents);
    await s.page.reload();
    const restored = new URL((await again).url()).searchParams;
    assert.equal(restored.get('needsReview'), 'true');
    assert.equal(restored.get('keyword'), tag);
    await s.page.waitForSelector(`[data-test=content-row-${due.id}]`);
    await s.done();
    assert.equal(await s.page.locator(`[data-test=content-row-${fresh.id}]`).count(), 0);
    assert.equal(await s.page.locator('[data-test=content-filter-review]').innerText(), '待复审');
    await s.shot('content-review-kept');

    // what the page did not write itself is refused field by field: the kept keyword stays, the rest starts empty
    const key = await s.page.evaluate(() =>
      Object.keys(sessionStorage).find((k) => k.startsWith('yy-list:/education/content:')),
    );
    assert.ok(key);
    await s.page.evaluate(
      ([k, keyword]) =>
        sessionStorage.setItem(
          k,
          JSON.stringify({
            query: { keyword, needsReview: { $ne: 1 }, status: ['published'], kind: [{}], other: 'x' },
            page: -3,
            pageSize: 'all',
          }),
        ),
      [key, tag] as const,
    );
    const third = s.page.waitForResponse(contents);
    await s.page.reload();
    const cleaned = new URL((await third).url()).searchParams;
    assert.deepEqual(Object.fromEntries(cleaned), { keyword: tag, page: '1', pageSize: '20' });
    await s.page.waitForSelector(`[data-test=content-row-${fresh.id}]`);
    await s.done();
  });

  it('评论管理: 批量删除 names the count, the selected comments are gone, the others stay', async () => {
    const c = await published();
    const p = await mpLogin();
    const tag = unique('批删评论');
    const ids: number[] = [];
    for (const n of [1, 2, 3]) {
      const r = await call('POST', `/api/mp/education/contents/${c.id}/comments`, {
        token: p.accessToken,
        body: { text: `${tag}${n} 讲得很清楚` },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    const s = await ch.loginAs('chief', '/education/comment');
    await s.page.fill(field('comment-filter-keyword'), tag);
    await s.page.click('[data-test=query-search]');
    await s.page.waitForSelector(`[data-test=comment-row-${ids[2]}]`);
    await s.done();
    await selectRows(s, 'comment-table', 'comment-row-', [ids[0]!, ids[1]!]);
    await s.page.click('[data-test=batch-remove]');
    const box = s.page.locator('.el-message-box');
    await box.waitFor();
    assert.match(await box.innerText(), /确定删除选中的 2 个评论吗/);
    await s.shot('comment-confirm');
    const deleted = s.page.waitForResponse((r) => r.url().endsWith('/api/admin/education/comments/batch-delete'));
    await box.locator('.el-button--primary').click();
    assert.equal((await deleted).status(), 200);
    await s.page.waitForSelector(`[data-test=comment-row-${ids[0]}]`, { state: 'detached' });
    await s.done();
    const left = await call('GET', `/api/admin/education/comments?contentId=${c.id}&pageSize=50`, { token: chief });
    assert.deepEqual(
      left.body.items.map((x: { id: number }) => x.id),
      [ids[2]],
    );
  });

  it('宣教内容: only drafts and offline items can be ticked; a refused batch (in a learning task) deletes nothing; a good one deletes', async () => {
    const tag = unique('批删内容');
    const d1 = (await draft(chief, { title: `${tag}草稿一` })).id;
    const d2 = (await draft(chief, { title: `${tag}草稿二` })).id;
    const pub = await published({ title: `${tag}已发布` });
    // an offline item a learning task lists
    const tasked = await published({ title: `${tag}学习中` });
    await learningTask(chief, [tasked.id]);
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${tasked.id}/offline`, { token: chief })).status,
      200,
    );

    const s = await ch.loginAs('chief', '/education/content');
    await s.page.fill(field('content-filter-keyword'), tag);
    await s.page.click('[data-test=query-search]');
    await s.page.waitForSelector(`[data-test=content-row-${tasked.id}]`);
    await s.done();
    // the published item's box is disabled
    const pubBox = s.page
      .locator('[data-test=content-table] .el-table__body-wrapper tr', {
        has: s.page.locator(`[data-test=content-row-${pub.id}]`),
      })
      .locator('.el-checkbox');
    assert.ok(await pubBox.evaluate((e) => e.classList.contains('is-disabled')));

    // refused: one of the selection is still in a learning task — nothing deleted
    await selectRows(s, 'content-table', 'content-row-', [d1, tasked.id]);
    await s.page.click('[data-test=batch-remove]');
    await s.page.locator('.el-message-box').waitFor();
    assert.match(await s.page.locator('.el-message-box').innerText(), /确定删除选中的 2 个宣教内容吗/);
    const refused = await s.expectProblems(/contents\/batch-delete → 409/, () =>
      s.page.locator('.el-message-box .el-button--primary').click(),
    );
    assert.ok(
      refused.some((t) => /学习任务/.test(t)),
      refused.join('; '),
    );
    await s.shot('content-refused');
    const exists = async (id: number) =>
      (await call('GET', `/api/admin/education/contents/${id}`, { token: await admin() })).status === 200;
    for (const id of [d1, d2, pub.id, tasked.id]) assert.equal(await exists(id), true, String(id));

    // the two drafts go; the rest stays
    await s.page.reload();
    await s.page.waitForSelector(`[data-test=content-row-${d2}]`);
    await s.done();
    await selectRows(s, 'content-table', 'content-row-', [d1, d2]);
    await s.page.click('[data-test=batch-remove]');
    await s.page.locator('.el-message-box .el-button--primary').click();
    await s.page.waitForSelector(`[data-test=content-row-${d1}]`, { state: 'detached' });
    await s.done();
    assert.equal(await exists(d1), false);
    assert.equal(await exists(d2), false);
    assert.equal(await exists(pub.id), true);
    assert.equal(await exists(tasked.id), true);
  });
});
