// Privacy documents, consents (with version) and 注销账号.
import type { z } from 'zod'
import type {
  ConsentList as ConsentListS,
  DeleteAccountResult as DeleteAccountResultS,
  OutdatedConsentList as OutdatedConsentListS,
  PolicyDocument as PolicyDocumentS,
} from '@bff/modules/privacy/schemas'
import type { ConsentKind } from '@bff/modules/privacy/kinds'
import { http, type RequestOptions } from './client'
import type { Json } from './types'

export type { ConsentKind }
export type PolicyDocument = Json<z.infer<typeof PolicyDocumentS>>
export type ConsentList = Json<z.infer<typeof ConsentListS>>
export type ConsentState = ConsentList['items'][number]
export type OutdatedConsent = Json<z.infer<typeof OutdatedConsentListS>>['items'][number]

/** Public: readable after 退出登录 too. */
export const getDocument = (kind: ConsentKind, opts?: RequestOptions) =>
  http.get<PolicyDocument>(`/api/mp/privacy/documents/${kind}`, { ...opts, anonymous: true })
export const myConsents = (opts?: RequestOptions) => http.get<ConsentList>('/api/mp/privacy/consents', opts)
/** What I agreed to in a version older than the one published now (asked again when the app opens). */
export const outdatedConsents = (opts?: RequestOptions) =>
  http.get<{ items: OutdatedConsent[] }>('/api/mp/privacy/consents/outdated', opts)
const answeredListeners: ((kinds: ConsentKind[]) => void)[] = []
/** Told of every answer recorded, whichever screen gave it (the re-consent prompt drops what was answered). */
export function onConsentsAnswered(f: (kinds: ConsentKind[]) => void): void {
  answeredListeners.push(f)
}
export async function answerConsents(
  answers: { kind: ConsentKind; version: string; granted: boolean }[],
  opts?: RequestOptions,
): Promise<ConsentList> {
  const r = await http.post<ConsentList>('/api/mp/privacy/consents', { answers }, opts)
  answeredListeners.forEach((f) => f(answers.map((a) => a.kind)))
  return r
}
export const deleteAccount = () =>
  http.post<Json<z.infer<typeof DeleteAccountResultS>>>('/api/mp/account/delete', { confirm: '注销' }, { toast: false })

/** Grants the current version of each kind not granted yet (the versions the patient was shown come from `states`). */
export async function grantMissing(kinds: ConsentKind[], opts?: RequestOptions): Promise<ConsentList> {
  const current = await myConsents(opts)
  const missing = current.items.filter((c) => kinds.includes(c.kind) && !c.granted)
  if (!missing.length) return current
  return answerConsents(
    missing.map((c) => ({ kind: c.kind, version: c.version, granted: true })),
    opts,
  )
}
