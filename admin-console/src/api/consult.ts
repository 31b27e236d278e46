import type {
  AdminConversation,
  AdminMessageQuery,
  Consultation as ConsultationSchema,
  History,
  Message as MessageSchema,
  AdminMessage as AdminMessageSchema,
  SendResult,
  UnreadTotal,
  DoctorSettingsBody,
  Receipt,
} from '@bff/modules/consult/schemas'
import type { z } from 'zod'
import { get, http, post, put } from './http'
import type { Page, Wire } from './types'

export type Consultation = Wire<z.infer<typeof ConsultationSchema>>
export type ChatMessage = Wire<z.infer<typeof MessageSchema>>
export type AdminMessage = Wire<z.infer<typeof AdminMessageSchema>>
export type Conversation = Wire<z.infer<typeof AdminConversation>>
export type MessageQuery = Partial<z.output<typeof AdminMessageQuery>>
export type DoctorSettings = z.infer<typeof DoctorSettingsBody>
type HistoryPage = Wire<z.infer<typeof History>>
type Sent = Wire<z.infer<typeof SendResult>>

export const CONSULT_STATUS_TAG: Record<Consultation['status'], 'warning' | 'success' | 'info'> = {
  pending_payment: 'warning',
  open: 'success',
  closed: 'info',
  cancelled: 'info',
}
export const CLOSE_REASON: Record<NonNullable<Consultation['closeReason']>, string> = {
  doctor: '医生结束',
  idle: '长时间无消息自动结束',
  unanswered: '未及时回复，已退款',
  unpaid: '未支付',
}

export const workbenchApi = {
  list: (q: { page: number; pageSize: number; status: 'live' | 'closed' }) =>
    get<Page<Consultation>>('/consult/workbench', q),
  unread: () => get<z.infer<typeof UnreadTotal>>('/consult/workbench/unread', undefined, { silent: true }),
  quickReplies: () => get<string[]>('/consult/workbench/quick-replies'),
  settings: () => get<DoctorSettings>('/consult/workbench/settings'),
  saveSettings: (s: DoctorSettings) => put<DoctorSettings>('/consult/workbench/settings', s),
  get: (id: number) => get<Consultation>(`/consult/workbench/${id}`),
  history: (id: number, q: { afterSeq?: number; beforeSeq?: number; limit?: number }) =>
    get<HistoryPage>(`/consult/workbench/${id}/messages`, q),
  send: (id: number, body: { clientMsgId: string; text: string }) =>
    post<Sent>(`/consult/workbench/${id}/messages`, body, { silent: true }),
  read: (id: number, seq: number) =>
    post<z.infer<typeof Receipt>>(`/consult/workbench/${id}/receipts`, { seq, kind: 'read' }, { silent: true }),
  close: (id: number) => post<Consultation>(`/consult/workbench/${id}/close`),
  imageUrl: (id: number, messageId: number) => `/consult/workbench/${id}/messages/${messageId}/image`,
  /** The request body is the image itself; the BFF recognises it by its bytes and caps its size. */
  sendImage: (id: number, clientMsgId: string, file: Blob) =>
    post<Sent>(`/consult/workbench/${id}/images`, file, {
      params: { clientMsgId },
      headers: { 'Content-Type': 'application/octet-stream' },
      timeout: 120_000,
      silent: true,
    }),
}

export const consultDataApi = {
  consultations: (q: { page: number; pageSize: number; status?: Consultation['status']; patientName?: string }) =>
    get<Page<Consultation>>('/consult/consultations', q),
  messages: (q: MessageQuery) => get<Page<AdminMessage>>('/consult/messages', q),
  conversation: (id: number) => get<Conversation>(`/consult/consultations/${id}`),
  hide: (id: number, messageId: number, reason: string) =>
    put<AdminMessage>(`/consult/consultations/${id}/messages/${messageId}/hide`, { reason }),
  systemMessage: (id: number, text: string) =>
    post<AdminMessage>(`/consult/consultations/${id}/system-messages`, { text }),
  imageUrl: (id: number, messageId: number) => `/consult/consultations/${id}/messages/${messageId}/image`,
}

/**
 * An image behind the console's auth: fetched with the token and shown as a data: URL (the CSP allows data: images,
 * not blob: ones).
 */
export async function imageObjectUrl(path: string): Promise<string> {
  const res = await http.get<Blob>(path, { responseType: 'blob', silent: true })
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(res.data)
  })
}

export const newClientMsgId = (): string =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
