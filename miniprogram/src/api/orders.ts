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
    reason: string | null
    createdAt: string
    succeededAt: string | null
  }[]
}

export const myOrders = (page = 1, opts?: RequestOptions) =>
  http.get<Page<MyOrder>>(`/api/mp/orders?page=${page}&pageSize=20`, opts)
