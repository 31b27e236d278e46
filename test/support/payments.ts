/** Payment fixtures for tests that need a state the current code no longer produces on its own. */
import { startStack } from './stack';
import { PayOrder } from '../../bff/src/modules/payment/models';

/**
 * A second WeChat Pay order for the same appointment, opened at the gateway the way the version before "one live
 * order per appointment" did in the last 30 s of a hold (setup only: the current code never opens one while
 * another is live). Both can then be paid at the fake gateway.
 */
export async function legacySecondOrder(appointmentId: number) {
  const { running } = await startStack();
  const { client, notifyUrl } = running.infra.pay!;
  const first = (await PayOrder.findOne({
    where: { subjectType: 'appointment', subjectId: appointmentId },
    order: [['id', 'ASC']],
  }))!;
  const o = await PayOrder.create({
    outTradeNo: `${first.outTradeNo.slice(0, -2)}P2`,
    subjectType: 'appointment',
    subjectId: appointmentId,
    userId: first.userId,
    openid: first.openid,
    amountFen: first.amountFen,
    description: first.description,
    status: 'created',
    timeExpire: new Date(Date.now() + 10 * 60_000),
  });
  const { prepayId } = await client.jsapi({
    outTradeNo: o.outTradeNo,
    description: o.description,
    amountFen: o.amountFen,
    openid: o.openid,
    timeExpire: o.timeExpire,
    notifyUrl,
  });
  await o.update({ prepayId });
  return o;
}
