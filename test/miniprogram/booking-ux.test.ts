/**
 * What a patient reads while booking, in the h5 build (real Chromium, real BFF) — issue 15: the confirm page states
 * the cancellation deadline, or "当日号不可退" for a session under way, before paying (defect 1); a day whose only
 * session is stopped says 停诊 like its card (4); the weekday appears once and every date is written one way (6);
 * 我的预约 › 待就诊 shows the soonest visit first (7); and from its feature lists, 首页's next-visit card and 我的消息
 * with the unread count in 我的, the h5 title bar with 返回.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call, consentAll } from '../support/api';
import { admin, newDoctor, newSchedule } from '../support/booking';
import { makeIdCard } from '../support/idcard';
import { addDays, chinaDay, shanghaiDate, shanghaiInstant, shanghaiParts } from '../../bff/src/shared/time';
const day = (n: number) => addDays(shanghaiDate(), n);
const WEEKDAY = /周[一二三四五六日]/g;

buildH5BeforeAnySuite();

describe('miniprogram h5: what the booking screens say (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-ux' });
  const { on, shot, open, token } = mp;

  before(async () => {
    await open('/');
    await on('.home-entry', '预约挂号').waitFor();
  });

  it('confirm page: the weekday once, and until when the booking can be cancelled', async () => {
    const doctor = await newDoctor('心血管内科', '钱确认');
    const date = day(4); // not 今天/明天/后天: the date is written with its weekday
    const s = await newSchedule(doctor.id, { date });
    await open(`/packages/booking/pages/confirm/index?scheduleId=${s.id}`);
    const dateRow = on('.bk-summary .bk-row', '日期').locator('.bk-row-v');
    await dateRow.waitFor();
    const text = await dateRow.innerText();
    const [, m, d] = date.split('-').map(Number);
    assert.equal(text.match(WEEKDAY)?.length, 1, `the weekday once in the date: ${text}`);
    assert.match(text, new RegExp(`^${m}月${d}日 周.$`));
    assert.match(await on('.bk-cancel-rule').innerText(), new RegExp(`${m}月${d}日 周. 08:00 前可取消，全额退款`));
    await shot('confirm-deadline');
  });

  it('confirm page of a session under way: 当日号不可退, stated before paying', async function () {
    const now = shanghaiParts(Date.now()).time;
    if (now < '00:15' || now > '23:40') this.skip(); // a session can't straddle midnight
    const doctor = await newDoctor('心血管内科', '孙当日');
    const s = await newSchedule(doctor.id, {
      date: day(0),
      startTime: '00:00',
      endTime: '23:59',
      slotCount: 288,
      releaseAt: shanghaiInstant(day(-1), '20:00').toISOString(),
    });
    await open(`/packages/booking/pages/confirm/index?scheduleId=${s.id}`);
    const rule = on('.bk-cancel-rule');
    await rule.waitFor();
    assert.match(await rule.innerText(), /当日号不可退/);
    assert.doesNotMatch(await on('.bk-note').innerText(), /全额退款/, 'no promise of a refund anywhere');
    await shot('confirm-same-day');
  });

  it('doctor page: a day whose session is stopped says 停诊 on its chip and its card; release times read like dates', async () => {
    const doctor = await newDoctor('心血管内科', '周停诊');
    const stopped = await newSchedule(doctor.id, { date: day(2) });
    const stop = await call('POST', `/api/admin/scheduling/schedules/${stopped.id}/stop`, {
      token: await admin(),
      body: { reason: '医生外出会诊' },
    });
    assert.ok(stop.status < 300, JSON.stringify(stop.body));
    // a session released later, to show its release time
    await newSchedule(doctor.id, {
      date: day(3),
      releaseAt: shanghaiInstant(day(1), '08:00').toISOString(),
    });
    await open(`/packages/booking/pages/doctor/index?id=${doctor.id}`);
    const chip = on('.bk-day', addDays(shanghaiDate(), 2).slice(5));
    await chip.waitFor();
    assert.match(await chip.innerText(), /停诊/);
    await chip.click();
    assert.match(await on('.bk-session').innerText(), /停诊/);
    await shot('doctor-stopped');

    await on('.bk-day', day(3).slice(5)).click();
    const release = await on('.bk-release-at').innerText();
    const [, m, d] = day(1).split('-').map(Number);
    assert.equal(release.trim(), `明天 ${m}月${d}日 08:00 放号`, 'the same date wording as everywhere else');
  });

  it('我的预约 › 待就诊: the soonest visit first', async () => {
    const doctor = await newDoctor('心血管内科', '吴顺序');
    const t = await token();
    await consentAll(t);
    const member = await call('POST', '/api/mp/patients', {
      token: t,
      body: { name: '吴顺序', idCard: makeIdCard('1970-02-03', 417), phone: '13700002222', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));
    const later = await newSchedule(doctor.id, { date: day(3), feeFen: 0 });
    const sooner = await newSchedule(doctor.id, { date: day(1), feeFen: 0 });
    for (const s of [later, sooner]) {
      const r = await call('POST', '/api/mp/appointments', {
        token: t,
        body: { scheduleId: s.id, patientId: member.body.id },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await open('/packages/booking/pages/mine/index');
    await on('.bk-appt').waitFor();
    const dates = await mp.page.locator('.bk-appt .bk-appt-date').filter({ visible: true }).allInnerTexts();
    assert.match(dates[0]!, /^明天/);
    assert.ok(dates.length >= 2);
    await shot('mine-order');
  });

  it('首页 shows the next visit as a card with its day, window and number; 我的 shows unread messages', async () => {
    const t = await token();
    const upcoming = (await call('GET', '/api/mp/appointments?status=upcoming', { token: t })).body.items as {
      id: number;
      seqNo: number;
      windowStart: string;
      windowEnd: string;
    }[];
    const next = upcoming[0]!; // tomorrow's, booked by the test before
    await open('/');
    const card = on('.next-visit');
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /下次就诊/);
    assert.match(text, /明天 \d+月\d+日 上午/);
    assert.ok(text.includes(`${next.windowStart}–${next.windowEnd}`), text);
    assert.equal((await on('.next-visit-no').innerText()).trim(), String(next.seqNo));
    await shot('home-next-visit');
    await card.click();
    await on('.bk-seq', `第 ${next.seqNo} 号`).waitFor();

    // a booking its doctor then stops leaves the patient a message
    const patientId = (await call('GET', '/api/mp/patients', { token: t })).body.items[0].id as number;
    const doctor = await newDoctor('心血管内科', '郑消息');
    const s = await newSchedule(doctor.id, { date: day(5), feeFen: 0 });
    assert.equal(
      (await call('POST', '/api/mp/appointments', { token: t, body: { scheduleId: s.id, patientId } })).status,
      201,
    );
    const stop = await call('POST', `/api/admin/scheduling/schedules/${s.id}/stop`, {
      token: await admin(),
      body: { reason: '医生外出会诊' },
    });
    assert.ok(stop.status < 300, JSON.stringify(stop.body));
    const notices = (await call('GET', '/api/mp/notices', { token: t })).body;
    const unread = notices.unread as number;
    assert.ok(unread > 0, 'the stop left a message');
    assert.match(
      notices.items[0].content,
      new RegExp(`您预约的 ${chinaDay(day(5))} 上午门诊`),
      'dates read as on screen',
    );
    await open('/pages/me/index');
    assert.equal((await on('.menu-notices .me-unread').innerText()).trim(), `${unread} 条未读`);
    await shot('me-unread');
    await on('.menu-notices').click();
    await on('.bk-notice').waitFor();
  });

  it('h5 title bar: each page’s title, and 返回 on a sub-page takes the patient back', async () => {
    await open('/pages/me/index');
    const bar = on('#taro-navigation-bar');
    await bar.waitFor();
    await mp.page.waitForFunction(
      () => document.querySelector('#taro-navigation-bar .taro-navigation-bar-title')?.textContent === '我的',
    );
    assert.equal(
      await mp.page.locator('.taro-navigation-bar-back').isVisible(),
      false,
      'a tab page has nowhere to go back',
    );
    await on('.menu-notices').click();
    await mp.page.waitForFunction(
      () => document.querySelector('#taro-navigation-bar .taro-navigation-bar-title')?.textContent === '我的消息',
    );
    await shot('title-bar');
    await on('.taro-navigation-bar-back').click();
    await on('.me-profile').waitFor();
    await mp.page.waitForFunction(
      () => document.querySelector('#taro-navigation-bar .taro-navigation-bar-title')?.textContent === '我的',
    );
  });
});
