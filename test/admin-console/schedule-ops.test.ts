/**
 * 排班管理's week tools and 预约管理's check-in in real Chromium against the real BFF: a weekly template turned into a
 * week through the import preview, 复制上周, 加号 on a full session, 替诊 with the bookings kept, and 扫码签到 by a
 * scanner-typed code (a scanner is a keyboard: code + Enter).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { call } from '../support/api';
import { newDoctor, newSchedule, patient } from '../support/booking';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { Appointment } from '../../bff/src/modules/booking/models';
import { Schedule } from '../../bff/src/modules/scheduling/models';
import { addDays, mondayOf, shanghaiDate } from '../../bff/src/shared/time';

async function pick(page: Page, select: string, option: string | RegExp) {
  await page.click(`[data-test=${select}]`);
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}
const idle = (page: Page) => page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
const book = (token: string, scheduleId: number, patientId: number) =>
  call('POST', '/api/mp/appointments', { token, body: { scheduleId, patientId } });

describe('console: weekly templates, 复制上周, 加号, 替诊, 扫码签到', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'clinic' });

  it('a template row becomes next week through the preview, and that week is copied to the week after', async () => {
    const d = await newDoctor('心血管内科', '模板测试医生');
    const con = await ch.loginAs('chief', '/clinic/schedule');
    const { page } = con;
    await page.waitForSelector('[data-test=sched-calendar]');
    await pick(page, 'sched-filter-doctor', '模板测试医生');
    await page.click('[data-test=sched-next]'); // next week: all of it ahead
    const next = mondayOf(addDays(shanghaiDate(), 7));
    await page.waitForSelector(`[data-test="sched-day-${next}"]`);

    await page.click('[data-test=sched-templates]');
    await page.waitForSelector('[data-test=template-dialog]');
    await idle(page);
    await page.click('[data-test=template-add]'); // 周一 上午 08:00–12:00, 20 个号 by default
    await page.locator('[data-test^=template-row-]', { hasText: '模板测试医生' }).waitFor();
    await con.shot('schedule-templates');
    await page.click('[data-test=template-generate]');
    await page.waitForSelector('[data-test=import-report]');
    assert.equal(await page.locator('[data-test=import-to-create]').innerText(), '1');
    await con.shot('schedule-template-preview');
    await page.click('[data-test=import-commit]');
    await page.waitForSelector('[data-test=import-result]');
    assert.equal(await page.locator('[data-test=import-created]').innerText(), '1');
    await page.click('[data-test=import-close]');
    const made = await Schedule.findOne({ where: { doctorId: d.id, clinicDate: next } });
    assert.ok(made, 'the Monday session exists');
    assert.equal(made.slotCount, 20);

    // 复制上周 while the week after is shown: next week's sessions, one week later.
    await page.click('[data-test=sched-next]');
    await page.waitForSelector(`[data-test="sched-day-${addDays(next, 7)}"]`);
    await page.click('[data-test=sched-copy-week]');
    await page.waitForSelector('[data-test=import-report]');
    assert.equal(await page.locator('[data-test=import-to-create]').innerText(), '1');
    await con.shot('schedule-copy-week');
    await page.click('[data-test=import-commit]');
    await page.waitForSelector('[data-test=import-result]');
    assert.ok(await Schedule.findOne({ where: { doctorId: d.id, clinicDate: addDays(next, 7) } }));
  });

  it('加号 on a full session and 替诊 that keeps the bookings, from the list', async () => {
    const x = await newDoctor('心血管内科', '列表甲医生');
    await newDoctor('心血管内科', '列表乙医生');
    const full = await newSchedule(x.id, { slotCount: 1, feeFen: 0 });
    const other = await newSchedule(x.id, {
      slotCount: 5,
      feeFen: 0,
      period: 'pm',
      startTime: '13:30',
      endTime: '17:30',
    });
    const p = await patient();
    assert.equal((await book(p.token, full.id, p.patientId)).status, 201);
    const kept = (await book(p.token, other.id, p.patientId)).body.appointment;

    const con = await ch.loginAs('chief', '/clinic/schedule');
    const { page } = con;
    await page.waitForSelector('[data-test=sched-calendar]');
    await pick(page, 'sched-filter-doctor', '列表甲医生');
    await page.click('[data-test=sched-mode-list]');
    await page.waitForSelector(`[data-test=sched-row-${full.id}]`);
    // only the full session offers 加号
    assert.equal(await page.locator(`[data-test=sched-row-addslots-${other.id}]`).count(), 0);
    await page.click(`[data-test=sched-row-addslots-${full.id}]`);
    await page.waitForSelector('.el-message-box');
    await page.fill('.el-message-box input', '3');
    await con.shot('schedule-add-slots');
    await page.locator('.el-message-box .el-button--primary').click();
    await page.waitForSelector('.el-message--success');
    await page.locator(`[data-test=sched-row-addslots-${full.id}]`).waitFor({ state: 'detached' });
    assert.equal((await Schedule.findByPk(full.id))!.slotCount, 4);

    await page.click(`[data-test=sched-row-stop-${other.id}]`);
    await page.waitForSelector('[data-test=stop-dialog]');
    await page.click('[data-test=stop-mode-substitute]');
    await page.waitForSelector('[data-test=substitute-info]');
    await pick(page, 'substitute-doctor', '列表乙医生');
    await page.fill(field('stop-reason'), '外出会诊');
    await con.shot('schedule-substitute');
    // wait for this request's answer: the 加号 toast above may still be on screen
    const substituted = page.waitForResponse((r) => r.url().endsWith(`/schedules/${other.id}/substitute`));
    await page.click('[data-test=stop-submit]');
    assert.equal((await substituted).status(), 200);
    const after = (await Schedule.findByPk(other.id))!;
    assert.equal(after.status, 'open');
    assert.equal(after.substituteFor, x.id);
    const a = (await Appointment.findByPk(kept.id))!;
    assert.equal(a.status, 'booked');
    assert.notEqual(a.doctorId, x.id);
  });

  it('扫码签到: a scanner types the code and Enter; the row shows 已签到; a forged code is refused inline', async () => {
    const d = await newDoctor('心血管内科', '签到医生');
    const s = await newSchedule(d.id, { feeFen: 0 });
    const p = await patient();
    const appt = (await book(p.token, s.id, p.patientId)).body.appointment;
    // check-in is for today's patients, whatever the hour the test runs
    await Schedule.update({ clinicDate: shanghaiDate() }, { where: { id: s.id } });
    await Appointment.update({ clinicDate: shanghaiDate() }, { where: { id: appt.id } });
    const { code } = (await call('GET', `/api/mp/appointments/${appt.id}/ticket`, { token: p.token })).body;

    const con = await ch.loginAs('chief', '/clinic/appointment');
    const { page } = con;
    await page.waitForSelector('[data-test=checkin-card]');
    const input = page.locator(field('checkin-code'));
    await input.fill(code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A'));
    await con.expectProblems(/check-in → 4\d\d/, () => input.press('Enter'), { toast: false });
    const refused = page.locator('[data-test=checkin-refused]');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'TICKET_INVALID');
    assert.equal(await page.locator('.el-message--error').count(), 0, 'shown inline, not as a toast too');

    await input.fill(code);
    await input.press('Enter');
    const ok = page.locator('[data-test=checkin-ok]');
    await ok.waitFor();
    assert.match(await ok.innerText(), /签到成功.*王患者.*第 1 号/s);
    await page.locator(`[data-test=appt-checked-in-${appt.no}]`).waitFor();
    await con.shot('appointment-checkin');
    assert.ok((await Appointment.findByPk(appt.id))!.checkedInAt);

    await input.fill(code);
    await con.expectProblems(/check-in → 4\d\d/, () => input.press('Enter'), { toast: false });
    await page.locator('[data-test=checkin-refused][data-code=ALREADY_CHECKED_IN]').waitFor();
  });
});
