/**
 * The demo seed's paid bookings (the demo physician's queue today) stand on paid orders like bookings paid in the
 * mini-program: exactly one paid order each (subject appointment, amount = fee, a simulated WeChat transaction id),
 * the appointment pointing at it — and re-seeding adds none.
 */
import assert from 'node:assert/strict';
import { Op } from 'sequelize';
import { startStack } from '../../support/stack';
import { MpUser } from '../../../bff/src/modules/auth/models';
import { Appointment } from '../../../bff/src/modules/booking/models';
import { PayOrder } from '../../../bff/src/modules/payment/models';
import { seedRecordsDemo } from '../../../bff/src/modules/records/demo-seed';

async function demoPaidAppointments() {
  const users = await MpUser.findAll({ where: { openid: { [Op.like]: 'demo-patient-%' } } });
  return Appointment.findAll({ where: { userId: users.map((u) => u.id), paidAt: { [Op.ne]: null } } });
}

async function assertOnePaidOrderEach() {
  const appts = await demoPaidAppointments();
  assert.ok(appts.length >= 5, `the demo seed books its five patients (found ${appts.length})`);
  for (const a of appts) {
    const paid = await PayOrder.findAll({
      where: { subjectType: 'appointment', subjectId: a.id, paidAt: { [Op.ne]: null } },
    });
    assert.equal(paid.length, 1, `appointment ${a.no} has exactly one paid order`);
    const o = paid[0]!;
    assert.ok(['paid', 'refunding', 'refunded'].includes(o.status), `order ${o.outTradeNo} is in a paid state`);
    assert.equal(o.amountFen, a.feeFen, 'amount = the booking fee');
    assert.equal(o.userId, a.userId);
    assert.match(o.outTradeNo, new RegExp(`^${a.no}P\\d+$`));
    assert.match(o.transactionId ?? '', /^4200\d{24}$/, 'a transaction id shaped like the simulated one');
    assert.equal(a.paidOrderId, o.id, 'the appointment stands on that order');
  }
  return appts.length;
}

describe('records demo seed: paid bookings have their paid orders', function () {
  this.timeout(120_000);
  before(async () => {
    await startStack();
  });

  it('every paid demo appointment has exactly one paid order', async () => {
    await assertOnePaidOrderEach();
  });

  it('re-seeding adds no order, and mends a booking left without one', async () => {
    const ordersOfDemo = async () =>
      PayOrder.count({
        where: { subjectType: 'appointment', subjectId: (await demoPaidAppointments()).map((a) => a.id) },
      });
    const before = await ordersOfDemo();
    await seedRecordsDemo();
    await assertOnePaidOrderEach();
    assert.equal(await ordersOfDemo(), before, 're-seeding adds no order');
    // A database seeded before orders were: a booking with no order behind it gets one on the next run.
    const [a] = await demoPaidAppointments();
    assert.equal(await PayOrder.destroy({ where: { subjectType: 'appointment', subjectId: a!.id } }), 1);
    await a!.update({ paidOrderId: null });
    await seedRecordsDemo();
    await assertOnePaidOrderEach();
    assert.equal(await ordersOfDemo(), before);
  });
});
