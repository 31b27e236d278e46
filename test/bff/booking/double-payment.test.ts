/**
 * One live WeChat Pay order per appointment, and no payment kept twice: a second order that gets paid — whichever
 * way we hear of it (notification, reconciliation, or the query made while closing) — is refunded in full.
 */
import assert from 'node:assert/strict';
import { call, loginAs, bookAsApp } from '../../support/api';
import { startStack } from '../../support/stack';
import { newDoctor, newSchedule, patient } from '../../support/booking';
import { legacySecondOrder } from '../../support/payments';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { PayOrder, PayRefund } from '../../../bff/src/modules/payment/models';

const book = (token: string, scheduleId: number, patientId: number) =>
  bookAsApp({ token, body: { scheduleId, patientId } });
const payAgain = (token: string, id: number) => call('POST', `/api/mp/appointments/${id}/pay`, { token });
const ordersOf = (appointmentId: number) =>
  PayOrder.findAll({ where: { subjectType: 'appointment', subjectId: appointmentId }, order: [['id', 'ASC']] });
const refundsOf = async (appointmentId: number) =>
  PayRefund.findAll({ where: { orderId: (await ordersOf(appointmentId)).map((o) => o.id) }, order: [['id', 'ASC']] });

async function booked(feeFen: number) {
  const doctor = await newDoctor();
  const s = await newSchedule(doctor.id, { slotCount: 3, feeFen });
  const p = await patient();
  const r = await book(p.token, s.id, p.patientId);
  assert.equal(r.status, 201);
  return { p, s, id: r.body.appointment.id as number, no: r.body.appointment.no as string, payment: r.body.payment };
}

describe('payment: one live order per appointment', () => {
  it('paying again in the last seconds of the hold gives the same order, twice', async () => {
    const { id, p, payment } = await booked(2100);
    // Time passes: 20 s of the hold (and of its order) are left.
    const soon = new Date(Date.now() + 20_000);
    await Appointment.update({ holdExpiresAt: soon }, { where: { id } });
    await PayOrder.update({ timeExpire: soon }, { where: { subjectType: 'appointment', subjectId: id } });
    const [a, b] = [await payAgain(p.token, id), await payAgain(p.token, id)];
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(a.body.payment.package, payment.package);
    assert.equal(b.body.payment.package, payment.package);
    assert.equal((await ordersOf(id)).length, 1, 'no second order at WeChat Pay');
    const both = await Promise.all([payAgain(p.token, id), payAgain(p.token, id)]);
    assert.deepEqual(
      both.map((r) => r.body.payment.package),
      [payment.package, payment.package],
    );
    assert.equal((await ordersOf(id)).length, 1);
  });

  it('an order without a usable prepay is closed at WeChat Pay before a new one is opened', async () => {
    const { pay } = await startStack();
    const { id, p } = await booked(2200);
    // The process stopped between writing the order and hearing WeChat's answer: no prepay id of ours.
    const [old] = await ordersOf(id);
    await old.update({ prepayId: null });
    const r = await payAgain(p.token, id);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const orders = await ordersOf(id);
    assert.deepEqual(
      orders.map((o) => o.status),
      ['closed', 'created'],
    );
    assert.equal(pay.order(old.outTradeNo)?.tradeState, 'CLOSED', 'the old order can no longer be paid');
    assert.equal(r.body.payment.package, `prepay_id=${orders[1].prepayId}`);
  });

  it('if that order turns out paid while closing it, the payment wins and no new order is opened', async () => {
    const { pay } = await startStack();
    const { id, p } = await booked(2300);
    const [old] = await ordersOf(id);
    await pay.pay(old.outTradeNo, { hold: true }); // paid at WeChat, the notification not delivered yet
    await old.update({ prepayId: null });
    const r = await payAgain(p.token, id);
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'NOT_PAYABLE');
    assert.equal((await Appointment.findByPk(id))!.status, 'booked');
    assert.deepEqual(
      (await ordersOf(id)).map((o) => o.status),
      ['paid'],
    );
    await pay.releaseHeld({ where: (n) => n.outTradeNo === old.outTradeNo });
    await pay.settled();
    assert.equal(await PayRefund.count({ where: { orderId: old.id } }), 0, 'the one payment is kept');
  });
});

describe('payment: a second payment for the same appointment is refunded in full', () => {
  it('both orders paid: the first is kept, the second refunded under its own refund number, and the console shows it', async () => {
    const { pay } = await startStack();
    const { id, p } = await booked(2500);
    const second = await legacySecondOrder(id);
    const [first] = await ordersOf(id);
    await pay.pay(first.outTradeNo);
    await pay.pay(second.outTradeNo);
    await pay.settled();

    const a = (await Appointment.findByPk(id))!;
    assert.equal(a.status, 'booked');
    const orders = await ordersOf(id);
    assert.deepEqual(
      orders.map((o) => o.status),
      ['paid', 'refunded'],
    );
    const refunds = await refundsOf(id);
    assert.equal(refunds.length, 1);
    assert.deepEqual([refunds[0].orderId, refunds[0].amountFen, refunds[0].status], [second.id, 2500, 'success']);
    assert.equal(refunds[0].outRefundNo, `${second.outTradeNo}R1`);
    assert.equal(pay.order(first.outTradeNo)?.tradeState, 'SUCCESS');
    assert.equal(pay.order(second.outTradeNo)?.tradeState, 'REFUND');

    const admin = await loginAs('admin');
    const detail = (await call('GET', `/api/admin/booking/appointments/${id}`, { token: admin })).body;
    assert.equal(detail.refund, null, 'the booking itself is not refunded');
    assert.deepEqual(
      detail.refunds.map((r: { amountFen: number; status: string; duplicate: boolean }) => [
        r.amountFen,
        r.status,
        r.duplicate,
      ]),
      [[2500, 'success', true]],
    );
    const listed = (await call('GET', `/api/admin/booking/appointments?no=${a.no}`, { token: admin })).body.items[0];
    assert.equal(listed.refunds.length, 1);
    assert.ok(
      (await call('GET', '/api/mp/notices', { token: p.token })).body.items.some(
        (n: { title: string }) => n.title === '重复支付退款',
      ),
    );

    // Cancelling now refunds the kept payment too: everything paid comes back.
    assert.equal((await call('POST', `/api/mp/appointments/${id}/cancel`, { token: p.token })).status, 200);
    await pay.settled();
    const all = await refundsOf(id);
    assert.deepEqual(
      all.map((r) => [r.orderId, r.amountFen, r.status]),
      [
        [second.id, 2500, 'success'],
        [first.id, 2500, 'success'],
      ],
    );
    assert.equal(pay.order(first.outTradeNo)?.tradeState, 'REFUND');
    const after = (await call('GET', `/api/admin/booking/appointments/${id}`, { token: admin })).body;
    assert.deepEqual(after.refund, { status: 'success', amountFen: 2500 });
    assert.equal(after.refunds.length, 2);
  });

  it('reconciliation finds a second payment whose notification never came and refunds it', async () => {
    const { pay, running } = await startStack();
    const { id } = await booked(2600);
    const second = await legacySecondOrder(id);
    const [first] = await ordersOf(id);
    await pay.pay(first.outTradeNo);
    await pay.pay(second.outTradeNo, { hold: true });
    await PayOrder.update({ createdAt: new Date(Date.now() - 5 * 60_000) }, { where: { id: second.id } });
    await running.infra.jobs.runNow('payment-reconcile');
    await pay.settled();
    assert.equal((await Appointment.findByPk(id))!.status, 'booked');
    assert.deepEqual(
      (await ordersOf(id)).map((o) => o.status),
      ['paid', 'refunded'],
    );
    const refunds = await refundsOf(id);
    assert.deepEqual(
      refunds.map((r) => [r.orderId, r.amountFen, r.status]),
      [[second.id, 2600, 'success']],
    );
    // The late notification changes nothing more.
    await pay.releaseHeld({ where: (n) => n.outTradeNo === second.outTradeNo });
    await pay.settled();
    assert.equal((await refundsOf(id)).length, 1);
    assert.equal((await Appointment.findByPk(id))!.status, 'booked');
  });

  it('cancelling while the second payment is still unheard of refunds both', async () => {
    const { pay } = await startStack();
    const { id, p } = await booked(2700);
    const second = await legacySecondOrder(id);
    const [first] = await ordersOf(id);
    await pay.pay(first.outTradeNo);
    await pay.pay(second.outTradeNo, { hold: true });
    await pay.settled();
    assert.equal((await call('POST', `/api/mp/appointments/${id}/cancel`, { token: p.token })).status, 200);
    await pay.releaseHeld({ where: (n) => n.outTradeNo === second.outTradeNo });
    await pay.settled();
    const refunds = await refundsOf(id);
    assert.deepEqual(
      refunds.map((r) => [r.orderId, r.amountFen, r.status]).sort((x, y) => Number(x[0]) - Number(y[0])),
      [
        [first.id, 2700, 'success'],
        [second.id, 2700, 'success'],
      ],
    );
    assert.equal(pay.order(first.outTradeNo)?.tradeState, 'REFUND');
    assert.equal(pay.order(second.outTradeNo)?.tradeState, 'REFUND');
    assert.equal((await Appointment.findByPk(id))!.status, 'cancelled');
  });
});
