/**
 * Booking in the patient app's h5 build, real Chromium against the real BFF and the simulated WeChat Pay:
 * a new patient adds a family member, books a session the test creates, pays in the simulated pay sheet,
 * sees 第 1 号; cancels from 我的预约 and sees the refund; a cancelled payment stays 待支付 with its
 * countdown and is paid later from 我的预约; a full session takes a 候补 that turns into an offer + a notice. The
 * 确认并支付 tap asks for the APPOINTMENT subscribe message through the shared composable: once per visit of the page,
 * and reported to the BFF even when the booking itself is refused.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call } from '../support/api';
import { newDoctor, newSchedule, patient, tomorrow } from '../support/booking';
import { addDays } from '../../bff/src/shared/time';
import { makeIdCard } from '../support/idcard';

buildH5BeforeAnySuite();

const SURNAMES = '赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜';
const GIVEN = '明远志诚嘉怡文博思雨浩然子轩梓涵若曦晨阳';
const randomName = () =>
  SURNAMES[Math.floor(Math.random() * SURNAMES.length)] +
  GIVEN[Math.floor(Math.random() * GIVEN.length)] +
  GIVEN[Math.floor(Math.random() * GIVEN.length)];

describe('miniprogram h5: booking, pay, cancel, refund (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-booking', consoleErrors: true });
  const { on, tab, shot } = mp;
  const userToken = mp.token;
  let doctorName: string;
  let doctorId: number;

  const mine = async (status: string) =>
    (await call('GET', `/api/mp/appointments?status=${status}`, { token: await userToken() })).body.items as any[];
  /** 预约 tab → search → 心血管内科 → our doctor. */
  async function openDoctor() {
    await tab('预约');
    await on('.bk-search-input input').fill('心血管');
    await on('.bk-dept', '心血管内科').click();
    await on('.bk-doctor', doctorName).click();
    await on('.bk-session').waitFor();
  }
  async function modalConfirm() {
    await mp.page.locator('.taro-model__confirm').filter({ visible: true }).first().click();
  }

  before(async () => {
    doctorName = randomName();
    doctorId = (await newDoctor('心血管内科', doctorName)).id;
  });

  it('a new patient adds a family member, books, pays in the simulated sheet and sees 第 1 号', async () => {
    const s = await newSchedule(doctorId, {
      date: tomorrow(),
      period: 'am',
      startTime: '08:00',
      endTime: '12:00',
      slotCount: 10,
      feeFen: 2500,
    });
    await mp.page.goto(`${mp.stack.baseUrl}/h5/`);
    await on('.home-entry', '预约挂号').waitFor();

    await tab('预约');
    // 内科's 小科 on the right (other suites add 大科 of their own, which may come first)
    await on('.bk-top', /^\s*内科\s*$/).click();
    await on('.bk-dept-name', '心血管内科').waitFor();
    const all = await mp.page.locator('.bk-dept').filter({ visible: true }).count();
    await on('.bk-search-input input').fill('心血管');
    // The search filters as the patient types: wait for the list on screen to shrink.
    await mp.page.waitForFunction((n) => {
      const shown = [...document.querySelectorAll('.bk-dept-name')].filter((e) => e.checkVisibility());
      return shown.length > 0 && shown.length < n;
    }, all);
    const names = await mp.page.locator('.bk-dept-name').filter({ visible: true }).allInnerTexts();
    assert.ok(
      names.includes('心血管内科') && names.every((n) => n.includes('心血管')),
      `the search narrows the list: ${names}`,
    );
    await shot('departments');
    await on('.bk-dept', '心血管内科').click();
    const card = on('.bk-doctor', doctorName);
    await card.waitFor();
    assert.match(await card.innerText(), /最近可约 明天/);
    assert.match(await card.innerText(), /¥25\.00 起/);
    await shot('doctors');
    await card.click();

    const session = on('.bk-session', '上午');
    await session.waitFor();
    assert.match(await session.innerText(), /08:00–12:00/);
    assert.match(await session.innerText(), /¥25\.00/);
    assert.match(await session.innerText(), /剩余 10 号/);
    assert.ok(await on('.bk-day-on', '明天').isVisible(), 'the first day with free numbers is selected');
    await shot('doctor');
    await session.locator('.bk-book').click();

    // No family member yet: the confirm page offers to add one, then comes back with it selected.
    await on('.bk-add-first').click();
    await on('.input-name input').fill('王秀英');
    await on('.input-idcard input').fill(makeIdCard('1958-03-21', 321));
    await on('.input-phone input').fill('13912345678');
    await on('.relation-parent').click();
    await on('.consent-toggle').click(); // the separate consents for ID numbers and health data (PIPL)
    await on('.patient-save').click();
    await on('.bk-patient-on', '王秀英').waitFor();
    assert.match(await on('.bk-summary').innerText(), /门诊楼 2 层/);
    await shot('confirm');

    // Booking asks for the APPOINTMENT subscribe message (the simulated user accepts) and reports it to the BFF.
    const reported = mp.page.waitForResponse(
      (r) => r.url().includes('/api/mp/notifications/subscriptions') && r.request().method() === 'POST',
    );
    await on('.bk-submit', '确认并支付').click();
    const sheet = on('.sim-pay-sheet');
    await sheet.waitFor();
    assert.match(await sheet.innerText(), /模拟微信支付/);
    assert.equal((await on('.sim-pay-amount').innerText()).trim(), '¥25.00');
    await shot('pay-sheet');
    await on('.sim-pay-confirm').click();

    await on('.bk-success-title', '预约成功').waitFor({ timeout: 15_000 });
    const [a] = await mine('upcoming');
    assert.equal(a.scheduleId, s.id);
    assert.equal(a.status, 'booked', 'the BFF learnt of the payment');
    assert.equal(a.seqNo, 1);
    assert.equal((await on('.bk-seq').innerText()).trim(), '第 1 号');
    assert.match(await on('.bk-hero-window').innerText(), new RegExp(`${a.windowStart}–${a.windowEnd}`));
    assert.match(await on('.bk-v-patient').innerText(), /王秀英/);
    assert.match(await on('.bk-v-location').innerText(), /门诊楼 2 层/);
    await shot('success');
    assert.deepEqual((await (await reported).json()).quota, { sim_tmpl_appointment: 1 });
    const rawOpenid = await mp.page.evaluate(() => localStorage.getItem('yiyun.sim.openid'));
    const openid = (() => {
      try {
        const v = JSON.parse(rawOpenid!);
        return typeof v === 'string' ? v : v.data;
      } catch {
        return rawOpenid;
      }
    })();
    assert.equal(
      mp.stack.fake.subscribeQuotaOf(openid, 'sim_tmpl_appointment'),
      1,
      'the simulated WeChat holds the acceptance too',
    );
  });

  it('cancels from 我的预约 after confirming and sees the refund', async () => {
    await on('.bk-to-mine').click();
    const card = on('.bk-appt', doctorName);
    await card.waitFor();
    assert.match(await card.innerText(), /待就诊|已预约/);
    await shot('mine');
    await card.click();
    await on('.bk-cancel').click();
    await mp.page.locator('.taro-modal__text', { hasText: '25.00' }).filter({ visible: true }).waitFor();
    await shot('cancel-confirm');
    await modalConfirm();
    await on('.bk-refund', '已退款 ¥25.00').waitFor({ timeout: 20_000 });
    await mp.stack.pay.settled();
    const [a] = await mine('cancelled');
    assert.equal(a.status, 'cancelled');
    assert.deepEqual(a.refund, { status: 'success', amountFen: 2500 });
    assert.equal((await mine('upcoming')).length, 0);
    await shot('refunded');
  });

  it('a cancelled payment stays 待支付 with a countdown; 去支付 from 我的预约 books it', async () => {
    await newSchedule(doctorId, {
      date: tomorrow(),
      period: 'pm',
      startTime: '14:00',
      endTime: '17:00',
      slotCount: 6,
      feeFen: 3000,
    });
    await openDoctor();
    await on('.bk-session', '下午').locator('.bk-book').click();
    await on('.bk-patient-on', '王秀英').waitFor();
    await on('.bk-submit').click();
    await on('.sim-pay-sheet').waitFor();
    assert.equal((await on('.sim-pay-amount').innerText()).trim(), '¥30.00');
    await on('.sim-pay-cancel').click();

    await on('.bk-pending-title', '待支付').waitFor();
    const t1 = await on('.bk-countdown-time').innerText();
    assert.match(t1, /^\d\d:\d\d$/);
    // The countdown ticks: wait for the text on screen to change (a frozen countdown times out here).
    await mp.page.waitForFunction(
      (first) =>
        [...document.querySelectorAll('.bk-countdown-time')].some(
          (e) => e.checkVisibility() && e.textContent!.trim() !== first,
        ),
      t1,
    );
    assert.notEqual(await on('.bk-countdown-time').innerText(), t1, 'the countdown runs');
    const [p] = await mine('pending');
    assert.equal(p.status, 'pending_payment');
    assert.ok(p.holdExpiresAt);
    await shot('pending');

    await on('.bk-to-mine').click();
    await on('.bk-tab-pending').click();
    const card = on('.bk-appt', '下午');
    await card.waitFor();
    assert.match(await card.innerText(), /请在 \d\d:\d\d 内支付/);
    await shot('mine-pending');
    await card.click();
    await on('.bk-pay').click();
    await on('.sim-pay-confirm').click();
    await on('.bk-success-title').waitFor({ timeout: 15_000 });
    assert.equal((await on('.bk-seq').innerText()).trim(), '第 1 号');
    const [b] = await mine('upcoming');
    assert.equal(b.id, p.id);
    assert.equal(b.status, 'booked');
  });

  it('a full session offers 候补; a freed number goes to the waiting member with a notice', async () => {
    const s = await newSchedule(doctorId, {
      date: tomorrow(),
      period: 'eve',
      startTime: '18:00',
      endTime: '20:00',
      slotCount: 1,
      feeFen: 1500,
    });
    const other = await patient();
    const taken = await call('POST', '/api/mp/appointments', {
      token: other.token,
      body: { scheduleId: s.id, patientId: other.patientId },
    });
    assert.equal(taken.status, 201, JSON.stringify(taken.body));

    await openDoctor();
    const session = on('.bk-session', '晚上');
    assert.match(await session.innerText(), /约满/);
    await shot('full');
    await session.locator('.bk-waitlist').click();
    await on('.bk-wl-title', '候补登记').waitFor();
    await on('.bk-submit', '登记候补').click();
    await mp.page.locator('.taro-modal__text', { hasText: '第 1 位候补' }).filter({ visible: true }).waitFor();
    await modalConfirm();
    const wl = (await call('GET', '/api/mp/waitlist', { token: await userToken() })).body as any[];
    assert.equal(wl.length, 1);
    assert.equal(wl[0].scheduleId, s.id);
    const waitingCard = on('.bk-wl-card', doctorName);
    await waitingCard.waitFor();
    assert.match(await waitingCard.innerText(), /候补中 · 第 1 位/);
    await shot('mine-waitlist');

    const cancelled = await call('POST', `/api/mp/appointments/${taken.body.appointment.id}/cancel`, {
      token: other.token,
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    let offered: any;
    for (let i = 0; i < 40 && !offered; i++) {
      offered = (await mine('pending')).find((x) => x.scheduleId === s.id);
      if (!offered) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(offered?.fromWaitlist, 'the freed number was offered to the waiting member');

    await on('.bk-mine-notices').click();
    await on('.bk-notice', '候补成功').waitFor();
    await shot('notices');
    const marked = mp.page.waitForResponse(
      (r) => /\/api\/mp\/notices\/\d+/.test(r.url()) && r.request().method() !== 'GET',
    );
    await on('.bk-notice', '候补成功').click();
    assert.ok((await marked).ok(), 'the app marks the notice read');
    const notices = (await call('GET', '/api/mp/notices', { token: await userToken() })).body;
    assert.equal(notices.items.find((n: any) => n.title === '候补成功').read, true, 'opening a notice marks it read');
    assert.deepEqual(mp.errors, [], 'no script errors');
  });

  it('确认并支付 asks for APPOINTMENT once per visit, and reports the answer even when the booking is refused', async () => {
    const token = await userToken();
    // 王秀英 already holds a number of this session (unpaid): 确认并支付 is refused with 已经预约过了
    const s = await newSchedule(doctorId, { date: addDays(tomorrow(), 2), period: 'pm', feeFen: 2000 });
    const member = (await call('GET', '/api/mp/patients', { token })).body.items.find((p: any) => p.name === '王秀英');
    const held = await call('POST', '/api/mp/appointments', {
      token,
      body: { scheduleId: s.id, patientId: member.id },
    });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    const bffQuota = async () =>
      ((await call('GET', '/api/mp/notifications/subscriptions', { token })).body.quota.sim_tmpl_appointment ??
        0) as number;
    const before = await bffQuota();

    await mp.open(`/packages/booking/pages/confirm/index?scheduleId=${s.id}`);
    await on('.bk-patient-on', '王秀英').waitFor();
    // what the page asks the (simulated) WeChat dialog for: each ask is sent before the booking's own request
    const asked: string[] = [];
    const onRequest = (r: { url(): string; postData(): string | null }) => {
      if (r.url().includes('/sim-wechat/__sim/subscribe')) asked.push(r.postData() ?? '');
    };
    mp.page.on('request', onRequest);
    try {
      const reported = mp.page.waitForResponse(
        (r) => r.url().endsWith('/api/mp/notifications/subscriptions') && r.request().method() === 'POST',
      );
      const refused = mp.page
        .locator('.taro-modal__text', { hasText: '可在 我的预约 查看或支付' })
        .filter({ visible: true });
      await on('.bk-submit', '确认并支付').click();
      await refused.waitFor();
      // the acceptance WeChat now holds is known to the BFF too, though no booking came of the tap
      assert.deepEqual((await (await reported).json()).quota.sim_tmpl_appointment, before + 1);
      assert.equal(await bffQuota(), before + 1);
      await mp.page.locator('.taro-model__cancel').filter({ visible: true }).click();
      await refused.waitFor({ state: 'hidden' });

      // tapped again on the same visit: refused again, and WeChat's dialog is not brought up a second time
      await on('.bk-submit', '确认并支付').click();
      await refused.waitFor();
      assert.equal(asked.length, 1, `asked once per visit: ${asked.join(' | ')}`);
      assert.match(asked[0], /sim_tmpl_appointment/);
      assert.equal(await bffQuota(), before + 1);
      await mp.page.locator('.taro-model__cancel').filter({ visible: true }).click();
    } finally {
      mp.page.off('request', onRequest);
    }
  });
});
