/**
 * 每周模板 rows are edited in the console (issue 15): 编辑 loads a row into the dialog's form, the import's rules for
 * a session's times are said before saving (nothing is sent), a clash with another row is refused by the server with
 * nothing changed, and 保存修改 changes the row.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call, unique } from '../support/api';
import { admin, newDoctor } from '../support/booking';
import { consoleHarness } from '../support/console-harness';

async function pick(page: Page, select: string, option: string | RegExp) {
  await page.click(`[data-test=${select}]`);
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}
const idle = (page: Page) => page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
async function setNumber(page: Page, test: string, value: number) {
  const input = page.locator(`[data-test=${test}] input`);
  await input.fill(String(value));
  await input.press('Tab');
}

describe('console: editing a weekly template row (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'clinic-schedule-template' });

  it('edits a row with the import’s rules; a clash is refused with nothing changed', async () => {
    const name = unique('模板编辑');
    const d = await newDoctor('心血管内科', name);
    const mk = async (weekday: number) => {
      const r = await call('POST', '/api/admin/scheduling/templates', {
        token: await admin(),
        body: {
          doctorId: d.id,
          weekday,
          period: 'am',
          startTime: '08:00',
          endTime: '12:00',
          slotCount: 20,
          feeFen: 2500,
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: number };
    };
    const monday = await mk(1);
    await mk(2);
    const rowOf = async (id: number) =>
      (
        (await call('GET', `/api/admin/scheduling/templates?doctorId=${d.id}`, { token: await admin() })).body as {
          id: number;
          weekday: number;
          slotCount: number;
          feeFen: number;
          startTime: string;
          releaseDaysBefore: number;
        }[]
      ).find((r) => r.id === id)!;

    const s = await ch.loginAs('chief', '/clinic/schedule');
    const { page } = s;
    await page.waitForSelector('[data-test=sched-calendar]');
    await pick(page, 'sched-filter-doctor', name);
    await page.click('[data-test=sched-templates]');
    await page.waitForSelector('[data-test=template-dialog]');
    await idle(page);
    await page.click(`[data-test=template-edit-${monday.id}]`);
    await page.waitForSelector('[data-test=template-editing]');
    assert.match(await page.locator('[data-test=template-editing]').innerText(), /周一上午/);

    // 300 numbers in four hours: refused before anything is sent
    let sent = 0;
    page.on('request', (r) => r.method() === 'PUT' && r.url().includes('/scheduling/templates/') && sent++);
    await setNumber(page, 'template-slots', 300);
    await page.click('[data-test=template-save]');
    await page.waitForSelector('.el-message:has-text("号源过多：每个号源至少 1 分钟")');
    assert.equal(sent, 0);

    // moved onto 周二上午, which has its row already: the server refuses, nothing changes
    await setNumber(page, 'template-slots', 30);
    await pick(page, 'template-weekday', '周二');
    const refused = await s.expectProblems(/PUT \/api\/admin\/scheduling\/templates\/\d+ → 409/, () =>
      page.click('[data-test=template-save]'),
    );
    assert.equal(refused.length, 2, refused.join('; ')); // the 409 and its error toast
    assert.equal((await rowOf(monday.id)).weekday, 1);
    assert.equal((await rowOf(monday.id)).slotCount, 20);

    // back to 周一, 30 numbers, 40 元, released 3 days before
    await pick(page, 'template-weekday', '周一');
    await setNumber(page, 'template-fee', 40);
    await setNumber(page, 'template-release-days', 3);
    await s.shot('edit');
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && r.url().includes('/scheduling/templates/'),
    );
    await page.click('[data-test=template-save]');
    assert.equal((await saved).status(), 200);
    await page.waitForSelector('[data-test=template-editing]', { state: 'detached' });
    const row = await rowOf(monday.id);
    assert.deepEqual(
      {
        weekday: row.weekday,
        slotCount: row.slotCount,
        feeFen: row.feeFen,
        startTime: row.startTime,
        release: row.releaseDaysBefore,
      },
      { weekday: 1, slotCount: 30, feeFen: 4000, startTime: '08:00', release: 3 },
    );
    await page.waitForFunction((id) => {
      const cell = document.querySelector(`[data-test="template-row-${id}"]`)?.closest('tr');
      return !!cell && cell.textContent!.includes('30') && cell.textContent!.includes('提前 3 天');
    }, monday.id);
  });
});
