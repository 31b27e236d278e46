/**
 * Time bands in the h5 build (real Chromium, real BFF) — issue 15: on the doctor's page a session with numbers left
 * shows its bands as chips (08:00–09:00 剩2 …, a full one 约满 and not choosable), the earliest with numbers chosen;
 * the patient picks another, the confirm page states it, and the appointment gets the lowest free number of that
 * band. The chips are radios with names, the chosen one announced, and in 关怀模式 they take the larger type.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call, consentAll } from '../support/api';
import { newDoctor, newSchedule, patient, tomorrow } from '../support/booking';
import { makeIdCard } from '../support/idcard';

buildH5BeforeAnySuite();

describe('miniprogram h5: choosing a time band (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-bands', consoleErrors: true });
  const { on, shot, open, token } = mp;
  let doctorId: number;

  before(async () => {
    await open('/');
    await on('.home-entry', '预约挂号').waitFor();
    doctorId = (await newDoctor('心血管内科', '冯时段')).id;
    // 8 numbers of 30 minutes, two per hour: 09:00–10:00 keeps one (number 3 is taken), 10:00–11:00 none
    const s = await newSchedule(doctorId, { date: tomorrow(), slotCount: 8, feeFen: 0 });
    for (const band of ['09:00', '10:00', '10:00']) {
      const other = await patient();
      const r = await call('POST', '/api/mp/appointments', {
        token: other.token,
        body: { scheduleId: s.id, patientId: other.patientId, bandStart: band },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const t = await token();
    await consentAll(t);
    const member = await call('POST', '/api/mp/patients', {
      token: t,
      body: { name: '冯时段', idCard: makeIdCard('1966-07-08', 523), phone: '13700003333', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors');
  });

  const chip = (start: string) => on(`.bk-band[data-band="${start}"]`);

  it('shows the bands, the earliest with numbers chosen; another is chosen and booked, and its number shown', async () => {
    await open(`/packages/booking/pages/doctor/index?id=${doctorId}`);
    const group = mp.page.getByRole('radiogroup', { name: '上午就诊时间段' }).filter({ visible: true });
    await group.waitFor();
    const bands = await group.getByRole('radio').allInnerTexts();
    assert.deepEqual(
      bands.map((b) => b.trim()),
      ['08:00–09:00 剩2', '09:00–10:00 剩1', '10:00–11:00 约满', '11:00–12:00 剩2'],
    );
    assert.equal(await chip('08:00').getAttribute('aria-checked'), 'true', 'the earliest band with numbers');
    assert.equal(await chip('10:00').getAttribute('aria-disabled'), 'true');
    await mp.accessible('医生排班·时间段');
    await shot('doctor-bands');

    // a full band can't be chosen; 09:00–10:00 can, and the choice is announced
    await chip('10:00').click({ force: true });
    assert.equal(await chip('10:00').getAttribute('aria-checked'), 'false');
    await chip('09:00').click();
    await on('.bk-band.chip-on[data-band="09:00"]').waitFor();
    assert.equal(await chip('08:00').getAttribute('aria-checked'), 'false');
    assert.ok(await group.getByRole('radio', { name: '09:00至10:00，剩1个号', checked: true }).isVisible());

    await on('.bk-session', '上午').locator('.bk-book').click();
    const chosen = on('.bk-band-chosen');
    await chosen.waitFor();
    assert.match(await chosen.innerText(), /09:00–10:00\s*（剩1个号）/);
    await on('.bk-patient-on', '冯时段').waitFor();
    await shot('confirm-band');
    await on('.bk-submit', '确认预约').click();

    // the lowest free number of the band: 3 is taken, so 第 4 号, 09:30–10:00
    await on('.bk-seq', '第 4 号').waitFor();
    assert.match(await on('.bk-detail').innerText(), /09:30–10:00/);
    await shot('ticket-band');
  });

  it('关怀模式: the chips take the larger type and stay accessible', async () => {
    await mp.tab('我的');
    await on('.menu-care').click();
    await on('.page.me.care').waitFor();
    try {
      await open(`/packages/booking/pages/doctor/index?id=${doctorId}`);
      await on('.bk-doctor-page.care .bk-band').waitFor();
      // after the booking: 09:00–10:00 is full too now
      assert.equal(await chip('09:00').getAttribute('aria-disabled'), 'true');
      assert.match(await chip('09:00').innerText(), /约满/);
      const size = await chip('08:00').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(size >= 18, `large type on the chips (${size}px)`);
      await mp.accessible('医生排班·时间段（关怀模式）');
      await shot('doctor-bands-care');
    } finally {
      await mp.tab('我的');
      await on('.menu-care').click();
      await on('.page.me:not(.care)').waitFor();
    }
  });
});
