import { z } from 'zod';
import { CONSENT_KINDS } from './kinds';

export const ConsentKind = z.enum(CONSENT_KINDS);

export const PolicyDocument = z.object({
  kind: ConsentKind,
  title: z.string(),
  version: z.string(),
  purpose: z.string(),
  sections: z.array(z.object({ heading: z.string(), paragraphs: z.array(z.string()) })),
});
export const KindParams = z.object({ kind: ConsentKind });

export const ConsentState = z.object({
  kind: ConsentKind,
  title: z.string(),
  purpose: z.string(),
  /** the document's current version */
  version: z.string(),
  /** agreed to the current version and not withdrawn since */
  granted: z.boolean(),
  /** when the latest answer (grant or withdrawal) was recorded; null: never asked */
  answeredAt: z.date().nullable(),
  answeredVersion: z.string().nullable(),
});
export const ConsentList = z.object({ items: z.array(ConsentState) });

/** A document the patient agreed to in an earlier version than the one published now (asked again at app open). */
export const OutdatedConsent = z.object({
  kind: ConsentKind,
  title: z.string(),
  purpose: z.string(),
  /** the version published now, the one a new grant must name */
  version: z.string(),
  publishedAt: z.date().nullable(),
  /** the version the patient agreed to, and when */
  agreedVersion: z.string(),
  agreedAt: z.date(),
  /** what differs from the agreed text, by section (a heading; '' for text before the first heading) */
  changes: z.array(z.object({ heading: z.string(), change: z.enum(['added', 'changed', 'removed']) })),
});
export const OutdatedConsentList = z.object({ items: z.array(OutdatedConsent) });

export const ConsentAnswer = z.strictObject({
  answers: z
    .array(z.strictObject({ kind: ConsentKind, version: z.string().min(1).max(16), granted: z.boolean() }))
    .min(1)
    .max(CONSENT_KINDS.length)
    .refine((a) => new Set(a.map((x) => x.kind)).size === a.length, '同一项同意只能出现一次'),
});
export type ConsentAnswer = z.infer<typeof ConsentAnswer>;

export const DeleteAccountBody = z.strictObject({
  confirm: z.literal('注销', { error: '请输入“注销”以确认' }),
});
export const DeleteAccountResult = z.object({
  deleted: z.literal(true),
  erased: z.array(z.string()),
  kept: z.array(z.string()),
});

// ---- 协议管理 (console) ----

export const DocumentDraft = z.strictObject({
  title: z.string().trim().min(1, '请输入标题').max(64),
  purpose: z.string().trim().min(1, '请输入用途说明').max(128),
  body: z.string().trim().min(1, '请输入正文').max(20_000),
});
export type DocumentDraft = z.infer<typeof DocumentDraft>;

export const DocumentVersion = z.object({
  id: z.number().int(),
  kind: ConsentKind,
  seq: z.number().int(),
  /** null while a draft: a version is given when it is published */
  version: z.string().nullable(),
  title: z.string(),
  purpose: z.string(),
  body: z.string(),
  status: z.enum(['draft', 'published', 'superseded']),
  createdBy: z.string(),
  publishedBy: z.string().nullable(),
  publishedAt: z.date().nullable(),
  updatedAt: z.date(),
});
export type DocumentVersion = z.infer<typeof DocumentVersion>;
export const DocumentOverview = z.object({
  items: z.array(
    z.object({ kind: ConsentKind, published: DocumentVersion.nullable(), draft: DocumentVersion.nullable() }),
  ),
});
export const DocumentVersionList = z.object({ items: z.array(DocumentVersion) });
