/**
 * 门诊管理 in real Chromium against the real BFF (fresh database, demo seed): the schedule calendar per data scope,
 * the import round trip with a spreadsheet made here, 停诊, and appointments booked through the mini-program API —
 * marked visited, followed up and exported.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { call, loginAs as apiLogin, bookAsApp } from '../support/api';
import { newDoctor, newSchedule, patient } from '../support/booking';
import { field, type DemoUser } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';
import { addDays, shanghaiDate, shanghaiParts } from '../../bff/src/shared/time';

interface DeptNode {
  name: string;
  children: DeptNode[];
}
async function subtreeOf(name: string): Promise<string[]> {
  const tree = (await call<DeptNode[]>('GET', '/api/admin/system/depts', { token: await apiLogin('admin') })).body;
  const find = (nodes: DeptNode[]): DeptNode | undefined =>
    nodes.map((n) => (n.name === name ? n : find(n.children))).find(Boolean);
  const names = (n: DeptNode): string[] => [n.name, ...n.children.flatMap(names)];
  return names(find(tree)!);
}

/** the calendar's doctor rows: data-test key (username) and department */
async function calendarDoctors(page: Page): Promise<{ key: string; dept: string }[]> {
  await page.waitForSelector('[data-test=sched-calendar]');
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
  return page.$$eval('[data-test^="sched-doctor-"]', (els) =>
    els.map((e) => ({
      key: e.getAttribute('data-test')!.slice('sched-doctor-'.length),
      dept: e.getAttribute('data-dept')!,
    })),
  );
}

/** jump the calendar to the week of `day` through its date picker */
async function showWeekOf(page: Page, day: string): Promise<void> {
  const input = page.locator(field('sched-date'));
  await input.click();
  await input.fill(day);
  await input.press('Enter');
  await page.keyboard.press('Escape');
  const label = `${day.slice(5, 7)}/${day.slice(8, 10)}`;
  await page
    .waitForFunction(
      (l) => document.querySelector('[data-test=sched-range]')?.textContent?.includes(l) ?? false,
      label.replace(/^(\d\d)\/(\d\d)$/, '$1/$2'),
      { timeout: 5000 },
    )
    .catch(() => undefined);
  await page.waitForSelector(`[data-test="sched-day-${day}"]`);
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask'));
}

const HEADER = [
  '医生账号',
  '医生姓名',
  '日期',
  '时段',
  '开始时间',
  '结束时间',
  '号源数',
  '挂号费(元)',
  '放号时间',
  '就诊地点',
];
const mondayOf = (day: string) => addDays(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7));

describe('门诊管理 console pages (real Chromium)', function () {
  this.timeout(240_000);

  const ch = consoleHarness({ shots: 'clinic' });
  const consoleFor = (who: DemoUser, landing: string): Promise<ConsolePage> => ch.loginAs(who, landing);

  it('排班管理: a department admin sees exactly the doctors of 内科 the BFF lets them schedule', async () => {
    const con = await consoleFor('deptadmin', '/clinic/schedule');
    const { page } = con;
    const rows = await calendarDoctors(page);
    const subtree = await subtreeOf('内科');
    assert.ok(rows.length >= 6, `rows: ${JSON.stringify(rows)}`);
    for (const r of rows) assert.ok(subtree.includes(r.dept), `${r.key} of ${r.dept} is outside 内科`);
    const keys = rows.map((r) => r.key);
    for (const u of ['chief', 'doctor', 'chenjing', 'liuyang', 'zhaomin', 'sunli'])
      assert.ok(keys.includes(u), `${u} missing from ${keys.join(',')}`);
    for (const u of ['zhouqiang', 'wugang', 'zhengfang']) assert.ok(!keys.includes(u), `${u} (not 内科) is shown`);
    const allowed = (
      await call<{ username: string }[]>('GET', '/api/admin/scheduling/doctors', { token: await apiLogin('deptadmin') })
    ).body;
    assert.deepEqual([...keys].sort(), allowed.map((d) => d.username).sort());
    // the seeded week shows up as sessions with booked/total
    assert.ok(
      (await page.locator('[data-test^="sched-session-"][data-status=open]').count()) > 0,
      'the demo week has sessions',
    );
    assert.match(await page.locator('[data-test=sched-session-count]').first().innerText(), /^\d+\/\d+$/);
    await con.shot('schedule-week');

    // filtering by a department narrows the rows to it
    await page.click('[data-test=sched-filter-dept]');
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^呼吸内科$/ }).click();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-test^="sched-doctor-"]').length > 0 &&
        [...document.querySelectorAll('[data-test^="sched-doctor-"]')].every(
          (e) => e.getAttribute('data-dept') === '呼吸内科',
        ),
    );
    assert.ok((await calendarDoctors(page)).some((r) => r.key === 'liuyang'));
    await page.click('[data-test=sched-mode-month]');
    await page.waitForSelector('[data-test=sched-calendar] .cal.compact');
    await con.shot('schedule-month');
  });

  it('排班管理: downloads the template, imports a week for 心血管内科 with one bad row, commits, and stops a session', async () => {
    const con = await consoleFor('deptadmin', '/clinic/schedule');
    const { page } = con;
    await page.waitForSelector('[data-test=sched-calendar]');
    await page.click('[data-test=sched-import]');
    await page.waitForSelector('[data-test=import-dialog]');

    // the template, downloaded by the browser through the authenticated client
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test=import-template-xlsx]'),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(fs.readFileSync((await download.path())!) as never);
    const header = (template.worksheets[0].getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header, HEADER);

    // a real-looking week for three doctors of 心血管内科, weeks out (beyond the seed and other suites), one row bad
    const monday = mondayOf(addDays(shanghaiDate(), 7 * (9 + crypto.randomInt(30))));
    const day = (i: number) => addDays(monday, i);
    const rows: unknown[][] = [];
    for (let i = 0; i < 5; i++)
      rows.push([
        'chief',
        '李建国',
        day(i),
        '上午',
        '08:00',
        '12:00',
        20,
        50,
        `${addDays(day(i), -7)} 08:00`,
        '门诊楼 2 层 心内科专家诊室',
      ]);
    for (const i of [0, 2, 4])
      rows.push(['doctor', '张晓明', day(i), '下午', '13:30', '17:30', 24, '25', '', '门诊楼 2 层 心内科 3 诊室']);
    rows.push(['chenjing', '陈静', day(1), '中午', '11:00', '13:00', 10, 20, '', '门诊楼 2 层 心内科 5 诊室']); // bad period
    for (const i of [1, 3])
      rows.push(['chenjing', '陈静', day(i), '上午', '08:00', '11:30', 30, 20, '', '门诊楼 2 层 心内科 5 诊室']);
    rows.push(['chenjing', '陈静', day(5), '上午', '08:30', '11:30', 16, 20, '', '门诊楼 2 层 心内科 5 诊室']);
    const badRow = 2 + rows.findIndex((r) => r[3] === '中午');
    // filled in like a person would: the template's header, our rows, real date cells for the days
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('心血管内科');
    sheet.addRow(header);
    for (const r of rows)
      sheet.addRow([r[0], r[1], new Date(`${r[2]}T00:00:00Z`), ...r.slice(3)]).getCell(3).numFmt = 'yyyy-mm-dd';
    sheet.getRow(1).font = { bold: true };
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());

    await page.setInputFiles('[data-test=import-file]', {
      name: '心血管内科排班.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer,
    });
    await page.waitForSelector('[data-test=import-report]');
    assert.equal(await page.locator('[data-test=import-invalid]').innerText(), '1');
    assert.equal(await page.locator('[data-test=import-valid]').innerText(), String(rows.length - 1));
    assert.equal(await page.locator('[data-test=import-to-create]').innerText(), String(rows.length - 1));
    // errors first, and with "only errors" on (the default when there are errors) only the bad row
    assert.equal(await page.locator(`[data-test=import-row-${badRow}]`).getAttribute('data-ok'), 'false');
    assert.match(await page.locator(`[data-test=import-error-${badRow}]`).innerText(), /时段/);
    assert.equal(await page.locator('[data-test^=import-row-]').count(), 1);
    await page.click('[data-test=import-only-errors]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-test^=import-row-]').length === n, rows.length);
    const order = await page.$$eval('[data-test^=import-row-]', (els) => els.map((e) => e.getAttribute('data-ok')));
    assert.equal(order[0], 'false', 'the bad row is listed first');
    await con.shot('schedule-import-report');

    await page.click('[data-test=import-commit]');
    await page.waitForSelector('[data-test=import-result]');
    assert.equal(await page.locator('[data-test=import-created]').innerText(), String(rows.length - 1));
    await con.shot('schedule-import-done');
    await page.click('[data-test=import-close]');

    // the sessions are in the calendar, in the cells of their doctor and day
    await showWeekOf(page, monday);
    for (const r of rows) {
      if (r[3] === '中午') continue;
      const period = r[3] === '上午' ? 'am' : 'pm';
      await page
        .locator(`[data-test="sched-cell-${r[0]}-${r[2]}"] [data-period=${period}][data-status=open]`)
        .waitFor();
    }
    assert.equal(
      await page.locator(`[data-test="sched-cell-chenjing-${day(1)}"] [data-period]`).count(),
      1,
      'the bad row made nothing',
    );
    await con.shot('schedule-imported');

    // create a session by clicking an empty cell: doctor and day come from the cell, money in yuan, release in China time
    await page.locator(`[data-test="sched-cell-liuyang-${day(2)}"]`).click({ position: { x: 20, y: 20 } });
    await page.waitForSelector('[data-test=sched-form]');
    await page.click('[data-test=sched-form-submit]');
    const created = page.locator(`[data-test="sched-cell-liuyang-${day(2)}"] [data-period=am]`);
    await created.waitFor();
    const createdId = Number((await created.getAttribute('data-test'))!.replace('sched-session-', ''));
    const deptToken = await apiLogin('deptadmin');
    let stored = (await call('GET', `/api/admin/scheduling/schedules/${createdId}`, { token: deptToken })).body;
    assert.deepEqual([stored.startTime, stored.endTime, stored.slotCount, stored.feeFen], ['08:00', '12:00', 20, 2000]);
    assert.equal(
      stored.releaseAt,
      `${addDays(day(2), -7)}T00:00:00.000Z`,
      'released 7 days before at 08:00 Beijing time',
    );
    // edit it: the fee typed in yuan is stored in fen
    await created.click();
    await page.waitForSelector('[data-test=sched-form]');
    const fee = page.locator(field('sched-form-fee'));
    await fee.fill('35.5');
    await fee.blur();
    await page.click('[data-test=sched-form-submit]');
    await page.waitForSelector('[data-test=sched-form]', { state: 'hidden' });
    stored = (await call('GET', `/api/admin/scheduling/schedules/${createdId}`, { token: deptToken })).body;
    assert.equal(stored.feeFen, 3550);

    // 停诊 one session: the dialog explains what happens; the session is then greyed with its reason
    const target = page.locator(`[data-test="sched-cell-chief-${day(2)}"] [data-period=am]`);
    const id = Number((await target.getAttribute('data-test'))!.replace('sched-session-', ''));
    await target.click();
    await page.waitForSelector('[data-test=sched-form]');
    await page.click('[data-test=sched-stop]');
    await page.waitForSelector('[data-test=stop-dialog]');
    assert.match(await page.locator('[data-test=stop-warning]').innerText(), /取消|退款|通知/);
    await page.click('[data-test=stop-submit]');
    await page.waitForSelector('[data-test=stop-dialog] .el-form-item__error'); // a reason is required
    await page.fill(field('stop-reason'), '参加学术会议');
    await con.shot('schedule-stop');
    await page.click('[data-test=stop-submit]');
    await page.waitForSelector('.el-message--success');
    await page.locator(`[data-test=sched-session-${id}][data-status=stopped]`).waitFor();
    assert.match(
      await page.locator(`[data-test=sched-session-${id}] [data-test=sched-session-reason]`).innerText(),
      /参加学术会议/,
    );
    const after = (await call('GET', `/api/admin/scheduling/schedules/${id}`, { token: await apiLogin('deptadmin') }))
      .body;
    assert.equal(after.status, 'stopped');
    assert.equal(after.stopReason, '参加学术会议');
    await con.shot('schedule-stopped');
  });

  it('排班管理: a physician sees only their own sessions, read-only, with no import or stop', async () => {
    const con = await consoleFor('doctor', '/clinic/schedule');
    const { page } = con;
    const rows = await calendarDoctors(page);
    assert.deepEqual(
      rows.map((r) => r.key),
      ['doctor'],
    );
    assert.equal(await page.locator('[data-test=sched-import]').count(), 0);
    assert.equal(await page.locator('[data-test=sched-add]').count(), 0);
    const sessions = page.locator('[data-test^="sched-session-"][data-status=open]');
    if (!(await sessions.count())) await page.click('[data-test=sched-next]');
    await sessions.first().waitFor();
    // every session the page shows is theirs (the BFF's scope, not just the rows)
    const token = await apiLogin('doctor');
    const mine = (
      await call<{ items: { doctorName: string }[] }>('GET', '/api/admin/scheduling/schedules?pageSize=500', { token })
    ).body.items;
    assert.ok(mine.length > 0 && mine.every((s) => s.doctorName === '张晓明'));
    await sessions.first().click();
    await page.waitForSelector('[data-test=sched-form]');
    assert.equal(await page.locator('[data-test=sched-stop]').count(), 0);
    assert.equal(await page.locator('[data-test=sched-form-submit]').count(), 0);
    await con.shot('schedule-physician');
    // and the BFF refuses the import with this browser's own session
    let status = 0;
    await con.expectProblems(
      /scheduling\/imports\?filename=x\.csv → 403/,
      async () => {
        status = await page.evaluate(async () => {
          const r = await fetch('/api/admin/scheduling/imports?filename=x.csv', {
            method: 'POST',
            headers: {
              'content-type': 'application/octet-stream',
              authorization: `Bearer ${localStorage.getItem('yiyun.admin.accessToken')}`,
            },
            body: 'a,b',
          });
          return r.status;
        });
      },
      { toast: false },
    );
    assert.equal(status, 403);
  });
  it('预约管理: an appointment booked and paid through the mini-program is found, marked visited, followed up and exported', async function () {
    // today's session gives only numbers still ahead of the clock: the last of 288 starts at 23:54
    if (shanghaiParts(Date.now()).time > '23:50') this.skip();
    // a fresh doctor of 心血管内科 with a session today, booked by a patient through the real mp API and paid at WeChat Pay
    const doctor = await newDoctor('心血管内科');
    const session = await newSchedule(doctor.id, {
      date: shanghaiDate(),
      startTime: '00:00',
      endTime: '23:59',
      slotCount: 288,
      feeFen: 2500,
      releaseAt: new Date(Date.now() - 86400_000).toISOString(),
    });
    const p = await patient();
    const booked = await bookAsApp({
      token: p.token,
      body: { scheduleId: session.id, patientId: p.patientId },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const paid = await call('POST', '/sim-wechatpay/__sim/pay', { body: booked.body.payment });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await ch.stack.pay.settled();
    const appt = (await call('GET', `/api/mp/appointments/${booked.body.appointment.id}`, { token: p.token })).body;
    assert.equal(appt.status, 'booked');
    const no: string = appt.no;

    const con = await consoleFor('deptadmin', '/clinic/appointment');
    const { page } = con;
    await page.waitForSelector('[data-test=appt-table]');
    await page.fill(field('appt-filter-no'), no);
    await page.click('[data-test=query-search]');
    await page.waitForSelector(`[data-test="appt-row-${no}"]`);
    assert.equal(await page.locator('[data-test^=appt-row-]').count(), 1);
    const row = page.locator('[data-test=appt-table] .el-table__body-wrapper tbody tr').first();
    const text = await row.innerText();
    for (const want of [
      '王患者',
      '137****1111',
      '测试医生',
      '心血管内科',
      `${shanghaiDate()} 上午`,
      `第 ${appt.seqNo} 号`,
      '¥25.00',
      '已预约',
    ])
      assert.ok(text.includes(want), `row lacks ${want}: ${text}`);
    assert.match(text, /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}/, 'the paid time is shown');
    await con.shot('appointment');

    // mark visited, after a confirmation
    await page.click(`[data-test="appt-visit-${no}"]`);
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator(`[data-test="appt-status-${no}"] [data-status=visited]`).waitFor();
    assert.equal((await call('GET', `/api/mp/appointments/${appt.id}`, { token: p.token })).body.status, 'visited');

    // the drawer: detail and follow-ups — plan one, then record its result
    await page.click(`[data-test="appt-detail-${no}"]`);
    await page.waitForSelector('[data-test=appt-drawer]');
    assert.equal(await page.locator('[data-test=appt-drawer-no]').innerText(), no);
    await page.click('[data-test=followup-add]');
    await page.waitForSelector('[data-test=followup-plan-dialog]');
    await page.fill(field('followup-content'), '一周后电话随访，询问血压控制情况');
    await page.click('[data-test=followup-plan-submit]');
    const item = page.locator('[data-test=followup-list] [data-test^="followup-"][data-status=planned]').first();
    await item.waitFor();
    const fuId = Number((await item.getAttribute('data-test'))!.replace('followup-', ''));
    await page.click(`[data-test=followup-record-${fuId}]`);
    await page.click('[data-test=followup-submit]');
    await page.waitForSelector('[data-test=followup-dialog] .el-form-item__error'); // a result is required
    await page.fill(field('followup-result'), '血压 128/82，按时服药，无不适');
    await page.click('[data-test=followup-submit]');
    await page.locator(`[data-test=followup-${fuId}][data-status=done]`).waitFor();
    assert.match(await page.locator(`[data-test=followup-result-${fuId}]`).innerText(), /血压 128\/82/);
    await con.shot('appointment-drawer');
    const fus = (
      await call('GET', `/api/admin/booking/appointments/${appt.id}/follow-ups`, { token: await apiLogin('deptadmin') })
    ).body;
    assert.deepEqual(
      fus.map((f: { status: string; result: string }) => [f.status, f.result]),
      [['done', '血压 128/82，按时服药，无不适']],
    );
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      (n) => document.querySelector(`[data-test="appt-followups-${n}"]`)?.textContent?.trim() === '1',
      no,
    );

    // export: the browser downloads the xlsx (with the token) and it holds this appointment
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=appt-export]')]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await download.path())!) as never);
    const ws = wb.worksheets[0];
    assert.equal(ws.getRow(1).getCell(1).value, '预约号');
    assert.equal(ws.rowCount, 2, 'the export follows the filter: one appointment');
    assert.equal(ws.getRow(2).getCell(1).value, no);
    assert.equal(ws.getRow(2).getCell(2).value, '已就诊');
  });

  it('随访管理: lists planned follow-ups by view and date, reveals the number to call, and records a result', async () => {
    const doctor = await newDoctor('心血管内科');
    // tomorrow: a session today has no number left ahead late in the (Beijing) evening
    const session = await newSchedule(doctor.id, {
      date: addDays(shanghaiDate(), 1),
      feeFen: 0,
      releaseAt: new Date(Date.now() - 86400_000).toISOString(),
    });
    const p = await patient();
    const booked = await bookAsApp({
      token: p.token,
      body: { scheduleId: session.id, patientId: p.patientId },
    });
    assert.equal(booked.body.appointment.status, 'booked', JSON.stringify(booked.body));
    const token = await apiLogin('chief');
    const planDate = addDays(shanghaiDate(), 3 + crypto.randomInt(20));
    const fu = await call('POST', `/api/admin/booking/appointments/${booked.body.appointment.id}/follow-ups`, {
      token,
      body: { planDate, content: '复查心电图' },
    });
    assert.equal(fu.status, 201, JSON.stringify(fu.body));

    const con = await consoleFor('chief', '/clinic/follow-up');
    const { page } = con;
    await page.waitForSelector('[data-test=fu-table]');
    // 待随访 (planned, from today on), narrowed to the plan date
    await page.click('[data-test=fu-view-planned]');
    const range = page.locator(field('fu-filter-dates')).first();
    await range.click();
    await range.fill(planDate);
    await page.locator(field('fu-filter-dates')).nth(1).fill(planDate);
    await page.locator(field('fu-filter-dates')).nth(1).press('Enter');
    await page.keyboard.press('Escape');
    await page.click('[data-test=query-search]');
    await page.waitForSelector(`[data-test=fu-row-${fu.body.id}]`);
    const dates = await page.$$eval('[data-test^=fu-row-]', (els) => els.map((e) => e.textContent!.trim()));
    assert.ok(
      dates.every((d) => d === planDate),
      dates.join(','),
    );
    assert.equal(await page.locator(`[data-test=fu-status-${fu.body.id}]`).getAttribute('data-status'), 'planned');
    await con.shot('follow-up');

    await page.click(`[data-test=fu-record-${fu.body.id}]`);
    // the number to call is in 记录随访结果, masked; 查看 reveals it there, one number, written to the access log
    const dialog = page.locator('[data-test=followup-dialog]');
    await dialog.locator(`[data-test=phone-${p.patientId}]`, { hasText: /^137\*{4}1111$/ }).waitFor();
    await dialog.locator(`[data-test=phone-reveal-${p.patientId}]`).click();
    await dialog.locator(`[data-test=phone-${p.patientId}]`, { hasText: /^13700001111$/ }).waitFor();
    const admin = await apiLogin('admin');
    const reveals = await call('GET', `/api/admin/monitor/access-logs?patientId=${p.patientId}&pageSize=50`, {
      token: admin,
    });
    assert.deepEqual(
      (reveals.body.items as { what: string }[]).filter((l) => l.what === 'booking.patient.phone').length,
      1,
      JSON.stringify(reveals.body.items),
    );
    await page.fill(field('followup-result'), '心电图正常，三个月后复诊');
    await page.click('[data-test=followup-submit]');
    await page.waitForSelector('.el-message--success');
    // done ones leave the 待随访 list; shown under 已完成 with the result
    await page.waitForSelector(`[data-test=fu-row-${fu.body.id}]`, { state: 'detached' });
    await page.click('[data-test=fu-view-done]');
    await page.waitForSelector(`[data-test=fu-row-${fu.body.id}]`);
    assert.equal(await page.locator(`[data-test=fu-result-${fu.body.id}]`).innerText(), '心电图正常，三个月后复诊');
    // 详情 shows the number masked with 查看 too
    await page.click(`[data-test=fu-detail-${fu.body.id}]`);
    const drawer = page.locator('[data-test=fu-drawer]');
    await drawer.locator(`[data-test=phone-${p.patientId}]`, { hasText: /^137\*{4}1111$/ }).waitFor();
    await drawer.locator(`[data-test=phone-reveal-${p.patientId}]`).click();
    await drawer.locator(`[data-test=phone-${p.patientId}]`, { hasText: /^13700001111$/ }).waitFor();
    const stored = (
      await call('GET', `/api/admin/booking/appointments/${booked.body.appointment.id}/follow-ups`, { token })
    ).body;
    assert.equal(stored[0].status, 'done');
  });
});
