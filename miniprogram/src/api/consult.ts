// 在线问诊: consultations, their messages (seq-ordered, resend-safe by client id) over the app's one socket with HTTP
// as the fallback. Types come type-only from the BFF's zod schemas.
import type {
  Consultation as ConsultationS,
  DoctorOffer as DoctorOfferS,
  History as HistoryS,
  Message as MessageS,
  PayParams as PayParamsS,
  SendResult as SendResultS,
} from '@bff/modules/consult/schemas'
import type { z } from 'zod'
import { apiBase, authorizedImage, uploadBytes } from '@/platform'
import { freshAccessToken, http } from './client'
import { toApiError } from './errors'
import { appSocket } from './realtime'
import type { Json, Page } from './types'

export type Consultation = Json<z.infer<typeof ConsultationS>>
export type ChatMessage = Json<z.infer<typeof MessageS>>
export type DoctorOffer = Json<z.infer<typeof DoctorOfferS>>
export type ConsultPayParams = Json<z.infer<typeof PayParamsS>>
type History = Json<z.infer<typeof HistoryS>>
type SendResult = Json<z.infer<typeof SendResultS>>

export const doctorOffer = (doctorId: number) => http.get<DoctorOffer>(`/api/mp/consult/doctors/${doctorId}`)
export const openConsultation = (body: { doctorId: number; patientId: number } | { appointmentId: number }) =>
  http.post<{ consultation: Consultation; payment: ConsultPayParams | null }>('/api/mp/consult/consultations', body)
export const myConsultations = (status?: 'live' | 'closed') =>
  http.get<Page<Consultation>>(`/api/mp/consult/consultations?pageSize=50${status ? `&status=${status}` : ''}`)
export const getConsultation = (id: number) => http.get<Consultation>(`/api/mp/consult/consultations/${id}`)
export const payConsultation = (id: number) =>
  http.post<{ payment: ConsultPayParams }>(`/api/mp/consult/consultations/${id}/pay`)
export const history = (id: number, q: { afterSeq?: number; beforeSeq?: number; limit?: number }) =>
  http.get<History>(
    `/api/mp/consult/consultations/${id}/messages?${Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}`,
    { toast: false },
  )
export const imagePath = (id: number, messageId: number) =>
  `/api/mp/consult/consultations/${id}/messages/${messageId}/image`

export const newClientMsgId = (): string =>
  `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 6)}`

/** Sends over the socket when it is up, over HTTP otherwise; the client id makes a resend (either way) safe. */
export async function sendText(consultationId: number, clientMsgId: string, text: string): Promise<ChatMessage> {
  if (appSocket.open) {
    const ack = await appSocket.request({ type: 'consult.send', consultationId, clientMsgId, text })
    if (ack.type === 'consult.ack') return ack.message as ChatMessage
    if (ack.code !== 'NETWORK') throw new Error(ack.message ?? '发送失败')
  }
  const r = await http.post<SendResult>(
    `/api/mp/consult/consultations/${consultationId}/messages`,
    { clientMsgId, text },
    { toast: false },
  )
  return r.message
}

export function markRead(consultationId: number, seq: number, kind: 'read' | 'delivered' = 'read') {
  if (appSocket.open) return appSocket.request({ type: `consult.${kind}`, consultationId, seq })
  return http
    .post(`/api/mp/consult/consultations/${consultationId}/receipts`, { seq, kind }, { toast: false })
    .catch(() => undefined)
}

export const yuanOf = (fen: number) => (fen / 100).toFixed(2)

/** Sends a photo: the request body is the image itself; the BFF checks its bytes and size. */
export async function sendImage(consultationId: number, clientMsgId: string, bytes: ArrayBuffer): Promise<ChatMessage> {
  const url = `${apiBase}/api/mp/consult/consultations/${consultationId}/images?clientMsgId=${clientMsgId}`
  let res = await uploadBytes(url, bytes, await freshAccessToken())
  if (res.status === 401) res = await uploadBytes(url, bytes, await freshAccessToken(true))
  if (res.status >= 400) throw toApiError(res.status, res.data)
  return (res.data as SendResult).message
}

const images = new Map<number, Promise<string>>()
/** A displayable source for an image message (fetched once per message with the token). */
export function imageSource(consultationId: number, messageId: number): Promise<string> {
  let p = images.get(messageId)
  if (!p) {
    p = freshAccessToken().then((token) => authorizedImage(apiBase + imagePath(consultationId, messageId), token))
    p.catch(() => images.delete(messageId))
    images.set(messageId, p)
  }
  return p
}
