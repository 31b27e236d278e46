import type {
  OrderPage,
  OrderQuery,
  PayoutBody,
  PayoutCorrectionBody,
  PayoutResult,
  ReconDetail as ReconDetailSchema,
  ReconPage,
  ReconQuery,
  RefundBody,
  RefundResult,
  RetryBody,
  WechatState as WechatStateSchema,
} from '@bff/modules/payment/schemas'
import type { z } from 'zod'
import { get, post, put } from './http'
import type { Wire } from './types'
import { PAY_ORDER_STATUS_LABEL } from '@bff/shared/payment-labels'

export type PayOrderRow = Wire<z.infer<typeof OrderPage>>['items'][number]
export type PayOrderStatus = PayOrderRow['status']
export type PayRefundRow = PayOrderRow['refunds'][number]
export {
  ABNORMAL_REFUND_BANKS as ABNORMAL_BANKS,
  ABNORMAL_REFUND_TYPES,
  OFFLINE_PAYOUT_METHODS,
  type AbnormalRefundType,
  type OfflinePayoutMethod,
} from '@bff/shared/refund-banks'
export { orderStateLabel, refundStateLabel } from '@bff/shared/payment-labels'
export type PayOrderQuery = Partial<z.output<typeof OrderQuery>>
export type WechatState = z.infer<typeof WechatStateSchema>
export type Reconciliation = Wire<z.infer<typeof ReconPage>>['items'][number]
export type ReconDetail = Wire<z.infer<typeof ReconDetailSchema>>
export type ReconDiff = ReconDetail['diffs'][number]
export type ReconStatus = Reconciliation['status']

/** The words are the export's too (bff/src/shared/payment-labels.ts); the tag colours are the console's own. */
export const ORDER_STATUS: Record<
  PayOrderStatus,
  { label: string; tag: 'success' | 'info' | 'warning' | 'danger' | 'primary' }
> = {
  created: { label: PAY_ORDER_STATUS_LABEL.created, tag: 'warning' },
  paid: { label: PAY_ORDER_STATUS_LABEL.paid, tag: 'success' },
  closed: { label: PAY_ORDER_STATUS_LABEL.closed, tag: 'info' },
  refunding: { label: PAY_ORDER_STATUS_LABEL.refunding, tag: 'warning' },
  refunded: { label: PAY_ORDER_STATUS_LABEL.refunded, tag: 'danger' },
}
/** WeChat Pay's own trade_state words */
export const TRADE_STATE: Record<string, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '未支付',
  CLOSED: '已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败',
}
export const RECON_STATUS: Record<ReconStatus, { label: string; tag: 'success' | 'info' | 'warning' | 'danger' }> = {
  balanced: { label: '平账', tag: 'success' },
  differences: { label: '有差异', tag: 'danger' },
  no_bill: { label: '无账单', tag: 'info' },
  failed: { label: '失败', tag: 'warning' },
}
export const DIFF_KIND: Record<ReconDiff['kind'], string> = {
  trade_missing_local: '微信有支付，本院未记为已支付',
  trade_missing_bill: '本院记为已支付，微信账单没有',
  trade_amount_mismatch: '支付金额不一致',
  refund_missing_local: '微信有退款，本院未记为已退款',
  refund_missing_bill: '本院记为已退款，微信账单没有',
  refund_amount_mismatch: '退款金额不一致',
}

export const paymentApi = {
  orders: (q: PayOrderQuery) => get<Wire<z.infer<typeof OrderPage>>>('/payment/orders', q),
  wechat: (id: number) => get<WechatState>(`/payment/orders/${id}/wechat`),
  refund: (id: number, body: z.input<typeof RefundBody>) =>
    post<Wire<z.infer<typeof RefundResult>>>(`/payment/orders/${id}/refund`, body),
  retryRefund: (id: number, outRefundNo: string, body: z.input<typeof RetryBody>) =>
    post<Wire<z.infer<typeof RefundResult>>>(
      `/payment/orders/${id}/refunds/${encodeURIComponent(outRefundNo)}/retry`,
      body,
    ),
  recordPayout: (id: number, outRefundNo: string, body: z.input<typeof PayoutBody>) =>
    post<Wire<z.infer<typeof PayoutResult>>>(
      `/payment/orders/${id}/refunds/${encodeURIComponent(outRefundNo)}/payout`,
      body,
    ),
  correctPayout: (id: number, outRefundNo: string, body: z.input<typeof PayoutCorrectionBody>) =>
    put<Wire<z.infer<typeof PayoutResult>>>(
      `/payment/orders/${id}/refunds/${encodeURIComponent(outRefundNo)}/payout`,
      body,
    ),
  reconciliations: (q: Partial<z.output<typeof ReconQuery>>) =>
    get<Wire<z.infer<typeof ReconPage>>>('/payment/reconciliations', q),
  reconciliation: (id: number) => get<ReconDetail>(`/payment/reconciliations/${id}`),
  reconcile: (billDate: string) => post<ReconDetail>('/payment/reconciliations', { billDate }),
}
