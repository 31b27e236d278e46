/**
 * 协议管理: the documents patients agree to, kept as versions in `privacy_document` and edited in the console. A
 * draft is edited freely; publishing it gives it a new version (what consents record) and supersedes the version
 * before — everyone's earlier consent to that kind stops counting until they agree to the new text.
 */
import { Op, type Transaction } from 'sequelize';
import { infra, tx } from '../../infra';
import { conflict } from '../../http/errors';
import type { AdminActor } from '../../http/actor';
import { shanghaiDate } from '../../shared/time';
import { CONSENT_KINDS, policyDocuments, type ConsentKind, type PolicyDocument } from './documents';
import { PrivacyDocument } from './models';
import type { DocumentDraft } from './schemas';

type Section = PolicyDocument['sections'][number];
type SectionChange = { heading: string; change: 'added' | 'changed' | 'removed' };

/** "## 标题" lines open a section; other non-empty lines are its paragraphs (text before any heading: no heading). */
export function sectionsOf(body: string): Section[] {
  const sections: Section[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const heading = /^##\s*(.*)$/.exec(line);
    if (heading) sections.push({ heading: heading[1].trim(), paragraphs: [] });
    else {
      if (!sections.length) sections.push({ heading: '', paragraphs: [] });
      sections[sections.length - 1].paragraphs.push(line);
    }
  }
  return sections;
}

export const bodyOf = (sections: Section[]) =>
  sections.map((s) => [...(s.heading ? [`## ${s.heading}`] : []), ...s.paragraphs].join('\n')).join('\n\n');

const view = (d: PrivacyDocument): PolicyDocument => ({
  kind: d.kind,
  title: d.title,
  version: d.version,
  purpose: d.purpose,
  sections: sectionsOf(d.body),
});

/** The published version of every kind: what patients read and agree to. */
export async function publishedDocuments(t?: Transaction): Promise<Record<ConsentKind, PolicyDocument>> {
  // read in the caller's transaction when there is one: a second pooled connection per adding account could drain
  // the pool under concurrent adds (each holding its own) and time every one of them out
  const rows = await PrivacyDocument.findAll({ where: { status: 'published' }, transaction: t });
  const shipped = policyDocuments(infra().config);
  const out = { ...shipped };
  for (const r of rows) out[r.kind] = view(r);
  return out;
}

/** The sections that differ between two texts of a document, by heading: added, changed (other text) or removed. */
export function sectionChanges(before: Section[], after: Section[]): SectionChange[] {
  const text = (s: Section) => s.paragraphs.join('\n');
  const old = new Map(before.map((s) => [s.heading, text(s)]));
  const now = new Set(after.map((s) => s.heading));
  const changes: SectionChange[] = [];
  for (const s of after) {
    if (!old.has(s.heading)) changes.push({ heading: s.heading, change: 'added' });
    else if (old.get(s.heading) !== text(s)) changes.push({ heading: s.heading, change: 'changed' });
  }
  for (const s of before) if (!now.has(s.heading)) changes.push({ heading: s.heading, change: 'removed' });
  return changes;
}

/**
 * What changed in a kind since the version a patient agreed to: the published version's date and its sections
 * compared with the agreed text (none listed when that text is no longer kept).
 */
export async function changesSince(kind: ConsentKind, agreedVersion: string) {
  const rows = await PrivacyDocument.findAll({ where: { kind, status: { [Op.in]: ['published', 'superseded'] } } });
  const published = rows.find((r) => r.status === 'published');
  const agreed = rows.find((r) => r.version === agreedVersion);
  return {
    publishedAt: published?.publishedAt ?? null,
    changes: published && agreed ? sectionChanges(sectionsOf(agreed.body), sectionsOf(published.body)) : [],
  };
}

/** Base seed: the texts the product shipped with become version 1 of each kind (their version string kept, so
 * consents already given to them still count). Run at every start; a kind that has versions is left alone. */
export async function seedDocuments() {
  const shipped = policyDocuments(infra().config);
  for (const kind of CONSENT_KINDS) {
    if (await PrivacyDocument.count({ where: { kind } })) continue;
    const d = shipped[kind];
    await PrivacyDocument.create({
      kind,
      seq: 1,
      version: d.version,
      title: d.title,
      purpose: d.purpose,
      body: bodyOf(d.sections),
      status: 'published',
      createdBy: '系统',
      publishedBy: '系统',
      publishedAt: new Date(),
    }).catch((err: Error) => {
      // another instance seeded it at the same moment (unique kind + seq)
      if (err.name !== 'SequelizeUniqueConstraintError') throw err;
    });
  }
}

const row = (d: PrivacyDocument) => ({
  id: d.id,
  kind: d.kind,
  seq: d.seq,
  version: d.status === 'draft' ? null : d.version,
  title: d.title,
  purpose: d.purpose,
  body: d.body,
  status: d.status,
  createdBy: d.createdBy,
  publishedBy: d.publishedBy ?? null,
  publishedAt: d.publishedAt ?? null,
  updatedAt: d.updatedAt,
});

/** Each kind with its published version and its draft, if any. */
export async function documentOverview() {
  const rows = await PrivacyDocument.findAll({ where: { status: { [Op.in]: ['published', 'draft'] } } });
  return {
    items: CONSENT_KINDS.map((kind) => {
      const published = rows.find((r) => r.kind === kind && r.status === 'published');
      const draft = rows.find((r) => r.kind === kind && r.status === 'draft');
      return { kind, published: published ? row(published) : null, draft: draft ? row(draft) : null };
    }),
  };
}

/** Every version of a kind, newest first. */
export async function documentVersions(kind: ConsentKind) {
  const rows = await PrivacyDocument.findAll({ where: { kind }, order: [['seq', 'DESC']] });
  return { items: rows.map(row) };
}

/** Creates the kind's draft (the next version) or edits the one there is. */
export async function saveDraft(actor: AdminActor, kind: ConsentKind, input: DocumentDraft) {
  return tx(async (t) => {
    const rows = await PrivacyDocument.findAll({ where: { kind }, transaction: t, lock: t.LOCK.UPDATE });
    const draft = rows.find((r) => r.status === 'draft');
    if (draft) return row(await draft.update({ ...input }, { transaction: t }));
    const seq = Math.max(0, ...rows.map((r) => r.seq)) + 1;
    const created = await PrivacyDocument.create(
      { kind, seq, version: '', ...input, status: 'draft', createdBy: actor.name || actor.username },
      { transaction: t },
    );
    return row(created);
  });
}

/** Publishes the kind's draft: it becomes the version patients read, the one before is superseded. */
export async function publishDraft(actor: AdminActor, kind: ConsentKind) {
  return tx(async (t) => {
    const rows = await PrivacyDocument.findAll({ where: { kind }, transaction: t, lock: t.LOCK.UPDATE });
    const draft = rows.find((r) => r.status === 'draft');
    if (!draft) throw conflict('NO_DRAFT', '没有待发布的新版本，请先编辑并保存');
    for (const r of rows) if (r.status === 'published') await r.update({ status: 'superseded' }, { transaction: t });
    await draft.update(
      {
        status: 'published',
        // the day and the version number: "2026-12-02.2"; unique per kind because seq is
        version: `${shanghaiDate()}.${draft.seq}`,
        publishedBy: actor.name || actor.username,
        publishedAt: new Date(),
      },
      { transaction: t },
    );
    return row(draft);
  });
}
