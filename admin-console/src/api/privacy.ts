// 系统管理 › 协议管理: the privacy policy, user agreement and separate consents patients agree to, by version.
import type { z } from 'zod'
import type * as P from '@bff/modules/privacy/schemas'
import { get, post, put } from './http'
import type { Wire } from './types'

export type DocumentKind = z.infer<typeof P.ConsentKind>
export type DocumentVersion = Wire<z.infer<typeof P.DocumentVersion>>
export type DocumentDraft = z.input<typeof P.DocumentDraft>
export type DocumentOverviewItem = {
  kind: DocumentKind
  published: DocumentVersion | null
  draft: DocumentVersion | null
}

export const agreementApi = {
  overview: () => get<{ items: DocumentOverviewItem[] }>('/privacy/documents'),
  versions: (kind: DocumentKind) => get<{ items: DocumentVersion[] }>(`/privacy/documents/${kind}/versions`),
  saveDraft: (kind: DocumentKind, body: DocumentDraft) =>
    put<DocumentVersion>(`/privacy/documents/${kind}/draft`, body),
  publish: (kind: DocumentKind) => post<DocumentVersion>(`/privacy/documents/${kind}/publish`),
}
