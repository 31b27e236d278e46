import { http, type RequestOptions } from './client'
import type { Page } from './types'

export interface MyOrder {
  outTradeNo: string
  description: string
  amountFen: number
  status: 'created' | 'paid' | 'closed' | 'refunding' | 'refunded'
  subject: { type: string; id: number }
  createdAt: string
  paidAt: string | null
  refunds: {
    outRefundNo: string
    amountFen: number
    status: 'processing' | 'success' | 'failed'
    /** failed: closed (the hospital refunds it again) or abnormal (the card was cancelled; a debit card is needed) */
    failure: 'closed' | 'abnormal' | null
    /** where the money went, as WeChat Pay says (支付用户零钱, 招商银行借记卡0403), or 医院线下退还（银行转账） */
    account: string | null
    /** sent back to the hospital's account (the card was cancelled): pending until the hospital paid it by hand */
    offline: 'pending' | 'paid' | null
    reason: string | null
    createdAt: string
    succeededAt: string | null
  }[]
}

export const myOrders = (page = 1, opts?: RequestOptions) =>
  http.get<Page<MyOrder>>(`/api/mp/orders?page=${page}&pageSize=20`, opts)
