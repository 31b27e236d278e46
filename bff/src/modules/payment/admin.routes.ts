import type { Context } from 'koa';
import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import * as S from './schemas';
import {
  assertHospitalWide,
  correctPayoutByHand,
  exportOrders,
  listOrders,
  recordPayoutByHand,
  refundByHand,
  retryRefundByHand,
  wechatState,
} from './console';
import { listReconciliations, reconcileDay, reconciliationDetail } from './reconcile-daily';

const readOrigin = (ctx: Context) => ({ ip: ctx.ip, requestId: ctx.state.requestId as string | undefined });

/** 收费管理: orders and refunds with their WeChat Pay states, refunds by hand, the daily reconciliation. */
export function paymentAdminRoutes(t: RouteTree) {
  const a = 'admin' as const;
  t.add({
    method: 'get',
    path: '/payment/orders',
    summary: '订单与退款',
    auth: a,
    perm: 'payment:order:list',
    query: S.OrderQuery,
    response: S.OrderPage,
    handler: ({ actor, query, ctx }) => listOrders(actor, query, readOrigin(ctx)),
  });
  t.add({
    method: 'get',
    path: '/payment/orders/export',
    summary: '导出订单（Excel）',
    auth: a,
    perm: 'payment:order:export',
    // Payers' nicknames and masked phones leave the system in the file: the operation log records who took it.
    audit: 'payment',
    query: S.OrderQuery,
    handler: async ({ actor, query, ctx }) => {
      const file = await exportOrders(actor, query, readOrigin(ctx));
      ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment(`订单-${new Date().toISOString().slice(0, 10)}.xlsx`);
      return file;
    },
  });
  t.add({
    method: 'get',
    path: '/payment/orders/:id/wechat',
    summary: '向微信支付查询订单与退款的当前状态',
    auth: a,
    perm: 'payment:order:list',
    params: IdParams,
    response: S.WechatState,
    handler: ({ actor, params }) => wechatState(actor, params.id),
  });
  t.add({
    method: 'post',
    path: '/payment/orders/:id/refund',
    summary: '人工退款（全额，原路退回）',
    auth: a,
    perm: 'payment:refund:add',
    params: IdParams,
    body: S.RefundBody,
    response: S.RefundResult,
    status: 200,
    audit: 'payment',
    handler: ({ actor, params, body }) => refundByHand(actor, params.id, body.reason),
  });
  t.add({
    method: 'post',
    path: '/payment/orders/:id/refunds/:outRefundNo/retry',
    summary: '重新退款（退款关闭：新退款单号重退；退款异常：发起异常退款至患者银行卡或医院账户）',
    auth: a,
    perm: 'payment:refund:retry',
    params: S.RetryParams,
    body: S.RetryBody,
    response: S.RefundResult,
    status: 200,
    audit: 'payment',
    handler: ({ actor, params, body }) => retryRefundByHand(actor, params.id, params.outRefundNo, body),
  });
  t.add({
    method: 'post',
    path: '/payment/orders/:id/refunds/:outRefundNo/payout',
    summary: '登记线下支付（退至医院账户的异常退款已由工作人员线下支付给患者；每笔退款只能登记一次）',
    auth: a,
    perm: 'payment:refund:payout',
    params: S.PayoutParams,
    body: S.PayoutBody,
    response: S.PayoutResult,
    status: 201,
    audit: 'payment',
    handler: ({ actor, params, body }) => recordPayoutByHand(actor, params.id, params.outRefundNo, body),
  });
  t.add({
    method: 'put',
    path: '/payment/orders/:id/refunds/:outRefundNo/payout',
    summary: '更正线下支付登记（须填写原因；原值与新值均保留；按版本号更正，他人已更正则 409）',
    auth: a,
    perm: 'payment:refund:payout',
    params: S.PayoutParams,
    body: S.PayoutCorrectionBody,
    response: S.PayoutResult,
    audit: 'payment',
    handler: ({ actor, params, body }) => correctPayoutByHand(actor, params.id, params.outRefundNo, body),
  });
  t.add({
    method: 'get',
    path: '/payment/reconciliations',
    summary: '每日对账结果',
    auth: a,
    perm: 'payment:recon:list',
    query: S.ReconQuery,
    response: S.ReconPage,
    handler: ({ actor, query }) => {
      assertHospitalWide(actor);
      return listReconciliations(query);
    },
  });
  t.add({
    method: 'get',
    path: '/payment/reconciliations/:id',
    summary: '对账差异明细',
    auth: a,
    perm: 'payment:recon:list',
    params: IdParams,
    response: S.ReconDetail,
    handler: ({ actor, params }) => {
      assertHospitalWide(actor);
      return reconciliationDetail(params.id);
    },
  });
  t.add({
    method: 'post',
    path: '/payment/reconciliations',
    summary: '对账（下载微信支付账单并与本院记录核对）',
    auth: a,
    perm: 'payment:recon:run',
    body: S.ReconRun,
    response: S.ReconDetail,
    status: 200,
    audit: 'payment',
    handler: ({ actor, body }) => {
      assertHospitalWide(actor);
      return reconcileDay(body.billDate, actor.userId);
    },
  });
}
