/**
 * 替诊 and 号别 fee (issue 15): the session's fee follows the substitute's 号别 for new bookings; patients already
 * booked keep the price they paid and are told; when the substitute's fee is lower, those who paid get the
 * difference back through payment's refund path, once; a later cancellation refunds only what is left.
 */
import assert from 'node:assert/strict';
import { call, loginAs, bookAsApp } from '../../support/api';
import { startStack } from '../../support/stack';
import { admin, newDoctor, newSchedule, patient } from '../../support/booking';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { PayOrder, PayRefund } from '../../../bff/src/modules/payment/models';
import { refundPart } from '../../../bff/src/modules/payment/service';
import { Schedule } from '../../../bff/src/modules/scheduling/models';

const book = (token: string, scheduleId: number, patientId: number) =>
  bookAsApp({ token, body: { scheduleId, patientId } });
const orderOf = async (appointmentId: number) =>
  (await PayOrder.findOne({
    where: { subjectType: 'appointment', subjectId: appointmentId },
    order: [['id', 'DESC']],
  }))!;
async function payAndWait(appointmentId: number) {
  const { pay } = await startStack();
  await pay.pay((await orderOf(appointmentId)).outTradeNo);
  await pay.settled();
}
const refundsOf = async (appointmentId: number) =>
  PayRefund.findAll({ where: { orderId: (await orderOf(appointmentId)).id }, order: [['id', 'ASC']], raw: true });

/** a doctor of 心血管内科 with the given 号别 */
async function doctorOfLevel(level: string, name: string) {
  const d = await newDoctor('心血管内科', name);
  const r = await call('PUT', `/api/admin/scheduling/doctor-profiles/${d.id}`, {
    token: await admin(),
    body: { level },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return d;
}

describe('替诊 and 号别 fee: the fee follows the substitute, paid patients keep their price or get the difference', function () {
  this.timeout(120_000);
  let cheap: { code: string; feeFen: number };
  let dear: { code: string; feeFen: number };
  let chief: string;

  before(async () => {
    chief = await loginAs('chief');
    const levels = (await call('GET', '/api/admin/scheduling/levels', { token: await admin() })).body as {
      code: string;
      feeFen: number;
    }[];
    const sorted = [...levels].sort((a, b) => a.feeFen - b.feeFen);
    [cheap, dear] = [sorted[0], sorted[sorted.length - 1]];
    assert.ok(dear.feeFen > cheap.feeFen, JSON.stringify(levels));
  });

  it('a cheaper substitute: new bookings pay the lower fee, paid patients get the difference back once and are told', async () => {
    const x = await doctorOfLevel(dear.code, '贵号医生');
    const y = await doctorOfLevel(cheap.code, '平价替诊');
    const s = await newSchedule(x.id, { slotCount: 5 });
    assert.equal((await Schedule.findByPk(s.id))!.feeFen, dear.feeFen, 'priced by the doctor’s 号别');
    const [paid, unpaid, later] = [await patient(), await patient(), await patient()];
    const b1 = await book(paid.token, s.id, paid.patientId);
    assert.equal(b1.status, 201, JSON.stringify(b1.body));
    await payAndWait(b1.body.appointment.id);
    const b2 = await book(unpaid.token, s.id, unpaid.patientId);
    assert.equal(b2.status, 201);

    const r = await call('POST', `/api/admin/scheduling/schedules/${s.id}/substitute`, {
      token: chief,
      body: { doctorId: y.id, reason: '外出会诊' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kept, 2);
    assert.equal(r.body.schedule.feeFen, cheap.feeFen, 'the session now costs the substitute’s fee');
    await (await startStack()).pay.settled();

    // the paid patient: the difference, refunded; the booking and its order stand
    const diff = dear.feeFen - cheap.feeFen;
    const refunds = await refundsOf(b1.body.appointment.id);
    assert.equal(refunds.length, 1, JSON.stringify(refunds));
    assert.equal(refunds[0].amountFen, diff);
    assert.equal(refunds[0].status, 'success');
    assert.equal((await orderOf(b1.body.appointment.id)).status, 'paid', 'a part refund leaves the order paid');
    const a1 = (await Appointment.findByPk(b1.body.appointment.id))!;
    assert.equal(a1.status, 'booked');
    assert.equal(a1.feeFen, dear.feeFen, 'the booking keeps the price it was paid at');
    const notices = (await call('GET', '/api/mp/notices', { token: paid.token })).body.items as {
      title: string;
      content: string;
    }[];
    const told = notices.find((n) => n.title === '替诊通知');
    assert.ok(told, JSON.stringify(notices));
    assert.match(told.content, new RegExp(`差价 ${(diff / 100).toFixed(2)} 元将原路退回`));
    assert.ok(
      notices.some((n) => n.title === '退款成功'),
      'and told when the money is back',
    );

    // the unpaid hold: nothing refunded, it keeps the price it was shown
    assert.equal((await refundsOf(b2.body.appointment.id)).length, 0);

    // a new booking pays the substitute's fee
    const b3 = await book(later.token, s.id, later.patientId);
    assert.equal(b3.status, 201, JSON.stringify(b3.body));
    assert.equal((await orderOf(b3.body.appointment.id)).amountFen, cheap.feeFen);

    // the same part again is a no-op (its refund number is keyed by the new fee)
    const again = await refundPart(await orderOf(b1.body.appointment.id), diff, `sub${cheap.feeFen}`, '重复');
    assert.equal(again.created, false);
    assert.equal((await refundsOf(b1.body.appointment.id)).length, 1);

    // cancelling later refunds only what is left, and then the order is refunded
    const c = await call('POST', `/api/mp/appointments/${b1.body.appointment.id}/cancel`, { token: paid.token });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    await (await startStack()).pay.settled();
    const all = await refundsOf(b1.body.appointment.id);
    assert.equal(all.length, 2, JSON.stringify(all));
    assert.equal(all[1].amountFen, cheap.feeFen);
    assert.equal(
      all.reduce((n, x) => n + x.amountFen, 0),
      dear.feeFen,
      'never more back than was paid',
    );
    assert.equal((await orderOf(b1.body.appointment.id)).status, 'refunded');
  });

  it('a dearer substitute: new bookings pay the higher fee; those already booked pay nothing more and are told', async () => {
    const x = await doctorOfLevel(cheap.code, '平价医生');
    const y = await doctorOfLevel(dear.code, '贵号替诊');
    const s = await newSchedule(x.id, { slotCount: 5 });
    const p = await patient();
    const b = await book(p.token, s.id, p.patientId);
    await payAndWait(b.body.appointment.id);
    const r = await call('POST', `/api/admin/scheduling/schedules/${s.id}/substitute`, {
      token: chief,
      body: { doctorId: y.id, reason: '临时调班' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.schedule.feeFen, dear.feeFen);
    assert.equal((await refundsOf(b.body.appointment.id)).length, 0);
    assert.equal((await orderOf(b.body.appointment.id)).amountFen, cheap.feeFen, 'no charge added');
    const told = (
      (await call('GET', '/api/mp/notices', { token: p.token })).body.items as { title: string; content: string }[]
    ).find((n) => n.title === '替诊通知');
    assert.match(told!.content, new RegExp(`仍按已付的 ${(cheap.feeFen / 100).toFixed(2)} 元计，无需补交`));
  });

  it('a substitute without a 号别 leaves the session’s fee as it was', async () => {
    const x = await doctorOfLevel(dear.code, '贵号医生丙');
    const y = await newDoctor('心血管内科', '无号别替诊');
    const s = await newSchedule(x.id, { slotCount: 3 });
    const r = await call('POST', `/api/admin/scheduling/schedules/${s.id}/substitute`, {
      token: chief,
      body: { doctorId: y.id, reason: '外出会诊' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.schedule.feeFen, dear.feeFen);
  });
});
