import { z } from 'zod';
import type { RouteTree } from '../../http/route';
import { pageOf, PageQuery } from '../../http/schemas';
import { myOrders } from './orders';

const Refund = z.object({
  outRefundNo: z.string(),
  amountFen: z.number().int(),
  status: z.enum(['processing', 'success', 'failed']),
  failure: z.enum(['closed', 'abnormal']).nullable().describe('failed: closed (医院将重新退款) or abnormal (原卡异常)'),
  account: z
    .string()
    .nullable()
    .describe(
      'where the money went, as WeChat Pay says (支付用户零钱, 招商银行借记卡0403), or 医院线下退还（银行转账）',
    ),
  offline: z
    .enum(['pending', 'paid'])
    .nullable()
    .describe(
      'sent back to the hospital’s account (原卡异常): pending — the hospital pays it by hand (医院将线下退还); paid',
    ),
  reason: z.string().nullable(),
  createdAt: z.date(),
  succeededAt: z.date().nullable(),
});
const Order = z.object({
  outTradeNo: z.string(),
  description: z.string(),
  amountFen: z.number().int(),
  status: z.enum(['created', 'paid', 'closed', 'refunding', 'refunded']),
  subject: z.object({ type: z.string(), id: z.number().int() }),
  createdAt: z.date(),
  paidAt: z.date().nullable(),
  refunds: z.array(Refund),
});

export function paymentMpRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/orders',
    summary: '我的订单（支付与退款，仅本人）',
    auth: 'mp',
    query: PageQuery,
    response: pageOf(Order),
    handler: ({ actor, query }) => myOrders(actor, query),
  });
}
