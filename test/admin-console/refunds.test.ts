/**
 * 预约管理 in real Chromium: a patient who paid twice for one appointment sees the second payment refunded, and the
 * console says so in the list and in the appointment's detail.
 */
import assert from 'node:assert/strict';
import { bookAsApp } from '../support/api';
import { newDoctor, newSchedule, patient } from '../support/booking';
import { legacySecondOrder } from '../support/payments';
import { field, screenshot } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { PayOrder } from '../../bff/src/modules/payment/models';

describe('预约管理: refunds in the console (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'console-refunds' });

  it('shows a duplicate payment as “重复支付已退款 ¥x” in the list and the detail drawer', async () => {
    const { pay } = ch.stack;
    const doctor = await newDoctor('心血管内科');
    const s = await newSchedule(doctor.id, { feeFen: 2500 });
    const p = await patient();
    const booked = await bookAsApp({
      token: p.token,
      body: { scheduleId: s.id, patientId: p.patientId },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const { id, no } = booked.body.appointment as { id: number; no: string };
    const second = await legacySecondOrder(id);
    const first = (await PayOrder.findOne({
      where: { subjectType: 'appointment', subjectId: id },
      order: [['id', 'ASC']],
    }))!;
    await pay.pay(first.outTradeNo);
    await pay.pay(second.outTradeNo);
    await pay.settled();

    const { page } = await ch.loginAs('admin', '/clinic/appointment');
    await page.waitForSelector('[data-test=appt-table]');
    await page.fill(field('appt-filter-no'), no);
    await page.click('[data-test=query-search]');
    await page.waitForSelector(`[data-test="appt-row-${no}"]`);
    assert.equal(
      (await page.locator(`[data-test="appt-dup-refund-${no}"]`).innerText()).trim(),
      '重复支付已退款 ¥25.00',
    );
    assert.ok(
      (await page.locator(`[data-test="appt-status-${no}"]`).innerText()).includes('已预约'),
      'the booking itself stands',
    );

    await page.click(`[data-test="appt-detail-${no}"]`);
    await page.waitForSelector('[data-test=appt-drawer]');
    assert.equal(
      (await page.locator('[data-test=appt-drawer] [data-test=appt-refund-duplicate]').innerText()).trim(),
      '重复支付已退款 ¥25.00',
    );
    assert.equal(
      await page.locator('[data-test=appt-drawer] [data-test=appt-refund]').count(),
      0,
      'no refund of the booking itself',
    );
    await screenshot(page, 'clinic-appointment-duplicate-refund');
  });
});
