/** 协议管理 through the console API: a new published version of a document patients agree to. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call } from './api';

type Section = { heading: string; paragraphs: string[] };
const text = (s: Section) => [...(s.heading ? [`## ${s.heading}`] : []), ...s.paragraphs].join('\n');

/**
 * Publishes a new version of `kind` as an administrator would: its first section rewritten, a section added (its
 * heading returned as `added`), the last one dropped when there are several. Returns the version before and after,
 * and the sections' changes as the BFF lists them for a patient who agreed to the version before.
 */
export async function publishNewVersion(admin: string, kind: string) {
  const current = (await call('GET', '/api/admin/privacy/documents', { token: admin })).body.items.find(
    (i: { kind: string }) => i.kind === kind,
  ).published;
  const sections: Section[] = (await call('GET', `/api/mp/privacy/documents/${kind}`)).body.sections;
  const [first, ...rest] = sections;
  const added = `新增说明${crypto.randomBytes(3).toString('hex')}`;
  const body = [
    text({ ...first, paragraphs: [...first.paragraphs, '我们补充了一句说明。'] }),
    ...rest.slice(0, rest.length ? -1 : undefined).map(text),
    `## ${added}\n随访提醒需要处理您的就诊信息。`,
  ].join('\n\n');
  const draft = await call('PUT', `/api/admin/privacy/documents/${kind}/draft`, {
    token: admin,
    body: { title: current.title, purpose: current.purpose, body },
  });
  assert.equal(draft.status, 200, JSON.stringify(draft.body));
  const published = await call('POST', `/api/admin/privacy/documents/${kind}/publish`, { token: admin });
  assert.equal(published.status, 200, JSON.stringify(published.body));
  return {
    title: current.title as string,
    before: current.version as string,
    version: published.body.version as string,
    added,
    changes: [
      { heading: first.heading, change: 'changed' },
      { heading: added, change: 'added' },
      ...(rest.length ? [{ heading: rest.at(-1)!.heading, change: 'removed' }] : []),
    ],
  };
}
