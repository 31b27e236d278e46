/**
 * 预约 in the h5 build (real Chromium, real BFF) — issue 15: the 大科 › 小科 picker, search by doctor name or 擅长,
 * the "by date" view, and the e-ticket's QR code on the appointment detail, which shows 已签到 once the clinic has
 * scanned it.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call, consentAll, loginAs } from '../support/api';
import { newDoctor, newSchedule } from '../support/booking';
import { makeIdCard } from '../support/idcard';
import { Appointment } from '../../bff/src/modules/booking/models';
import { Schedule } from '../../bff/src/modules/scheduling/models';
import { DoctorProfile } from '../../bff/src/modules/system/models';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

buildH5BeforeAnySuite();

describe('miniprogram h5: 大科 › 小科, search, by date, e-ticket (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-browse' });
  const { on, shot, token } = mp;
  async function bookingTab() {
    await mp.open('/');
    await on('.home-entry', '预约挂号').waitFor();
    await mp.page.locator('.weui-tabbar__item', { hasText: '预约' }).click();
  }

  it('picks 大科 then 小科, finds a doctor by 擅长, and lists who sees patients on a day', async () => {
    const d = await newDoctor('骨科', '骨科甲医生');
    await DoctorProfile.upsert({ userId: d.id, specialty: '半月板损伤微创修复', intro: null, avatarUrl: null });
    const day = addDays(shanghaiDate(), 2);
    await newSchedule(d.id, { date: day, slotCount: 6 });

    await bookingTab();
    // 内科 chosen (the first 大科 in the seed; other suites add 大科 of their own): its 小科 on the right
    await on('.bk-top', /^\s*内科\s*$/).click();
    await on('.bk-dept-name', '心血管内科').waitFor();
    await on('.bk-top', '外科').click();
    await on('.bk-dept-name', '骨科').waitFor();
    assert.equal(await on('.bk-dept-name', '心血管内科').count(), 0, 'the right side shows only 外科’s 小科');
    await shot('tree');
    await on('.bk-dept', '骨科').click();
    await on('.bk-doctor', '骨科甲医生').waitFor();

    await bookingTab();
    await on('.bk-search-input input').fill('半月板');
    const hit = on('.bk-found-doctor', '骨科甲医生');
    await hit.waitFor();
    assert.match(await hit.innerText(), /骨科.*擅长：半月板损伤微创修复/s);
    await shot('search');
    await hit.click();
    await mp.page.waitForURL(/pages\/doctor\/index/);

    await bookingTab();
    await on('.bk-mode-date').click();
    await on('.bk-date', `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日`).click();
    const row = on('.bk-on-date', '骨科甲医生');
    await row.waitFor();
    assert.match(await row.innerText(), /余 6/);
    await shot('by-date');
    assert.deepEqual(mp.errors, []);
  });

  it('shows the e-ticket QR code on a booked appointment, and 已签到 after the clinic scans it', async () => {
    const d = await newDoctor('心血管内科', '凭证医生');
    const s = await newSchedule(d.id, { feeFen: 0 });
    await mp.page.goto(`${mp.baseUrl}/h5/`);
    const t = await token();
    await consentAll(t);
    const member = await call('POST', '/api/mp/patients', {
      token: t,
      body: { name: '李凭证', idCard: makeIdCard('1975-03-04', 17), phone: '13700002222', relation: 'self' },
    });
    assert.equal(member.status, 201, JSON.stringify(member.body));
    const booked = await call('POST', '/api/mp/appointments', {
      token: t,
      body: { scheduleId: s.id, patientId: member.body.id },
    });
    assert.equal(booked.status, 201);
    const id = booked.body.appointment.id as number;

    await mp.page.goto(`${mp.baseUrl}/h5/packages/booking/pages/detail/index?id=${id}`);
    const ticket = on('.bk-ticket');
    await ticket.waitFor();
    const src = await ticket.locator('img').first().getAttribute('src');
    assert.match(src ?? '', /^data:image\/png;base64,/);
    // the QR image really drew: it has a size on screen
    await mp.page.waitForFunction(() => {
      const img = document.querySelector('.bk-ticket img') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 100;
    });
    assert.match(await ticket.innerText(), /就诊当天到诊室前台出示此码签到/);
    await shot('ticket');

    const code = (await call('GET', `/api/mp/appointments/${id}/ticket`, { token: t })).body.code;
    await Schedule.update({ clinicDate: shanghaiDate() }, { where: { id: s.id } });
    await Appointment.update({ clinicDate: shanghaiDate() }, { where: { id } });
    const checked = await call('POST', '/api/admin/booking/check-in', {
      token: await loginAs('chief'),
      body: { code },
    });
    assert.equal(checked.status, 200, JSON.stringify(checked.body));
    await mp.page.reload();
    await on('.bk-checked-in', '已签到').waitFor();
    await shot('ticket-checked-in');
  });
});
