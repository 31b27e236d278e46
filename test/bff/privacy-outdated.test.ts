/**
 * Which of my consents are outdated (GET /api/mp/privacy/consents/outdated): a document the patient agreed to has a
 * newer version published in 协议管理. Only the asking patient's own answers count; answering the new version, either
 * way, takes the document off the list, so the app never asks twice about the same version.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call, loginAs, mpLogin } from '../support/api';
import { publishNewVersion } from '../support/privacy';

type Outdated = {
  kind: string;
  title: string;
  version: string;
  agreedVersion: string;
  publishedAt: string | null;
  changes: { heading: string; change: string }[];
};
const outdated = async (token: string) => {
  const r = await call<{ items: Outdated[] }>('GET', '/api/mp/privacy/consents/outdated', { token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
};

describe('privacy: which of my consents are outdated after 协议管理 publishes a new version', () => {
  it('lists what I agreed to in an older version, with what changed; answering either way takes it off', async () => {
    const admin = await loginAs('admin');
    const agreedBefore = await mpLogin(`o_od_${crypto.randomBytes(8).toString('hex')}`);
    const neverAsked = await mpLogin(`o_od_${crypto.randomBytes(8).toString('hex')}`, { consent: false });
    assert.deepEqual(await outdated(agreedBefore.accessToken), [], 'nothing new yet');

    const health = await publishNewVersion(admin, 'health_data');
    const agreedAfter = await mpLogin(`o_od_${crypto.randomBytes(8).toString('hex')}`);

    const mine = await outdated(agreedBefore.accessToken);
    assert.deepEqual(
      mine.map((i) => [i.kind, i.agreedVersion, i.version]),
      [['health_data', health.before, health.version]],
    );
    assert.match(mine[0].title, /健康/);
    assert.ok(mine[0].publishedAt, 'the new version’s date');
    assert.deepEqual(mine[0].changes, health.changes, 'the sections that differ from the text agreed to');
    // patient-scoped: someone who agreed to the new version, or never agreed to anything, is not asked
    assert.deepEqual(await outdated(agreedAfter.accessToken), []);
    assert.deepEqual(await outdated(neverAsked.accessToken), []);
    // a login is needed, and a console token is not one
    assert.equal((await call('GET', '/api/mp/privacy/consents/outdated')).status, 401);
    assert.equal((await call('GET', '/api/mp/privacy/consents/outdated', { token: admin })).status, 401);

    // agreeing names the new version (the old one is refused); then nothing is outdated
    const stale = await call('POST', '/api/mp/privacy/consents', {
      token: agreedBefore.accessToken,
      body: { answers: [{ kind: 'health_data', version: health.before, granted: true }] },
    });
    assert.equal(stale.body.error?.code, 'CONSENT_OUTDATED');
    const agreed = await call('POST', '/api/mp/privacy/consents', {
      token: agreedBefore.accessToken,
      body: { answers: [{ kind: 'health_data', version: health.version, granted: true }] },
    });
    assert.equal(agreed.status, 200);
    assert.deepEqual(await outdated(agreedBefore.accessToken), []);

    // refusing the next version is an answer too: recorded for that version, not asked again
    const next = await publishNewVersion(admin, 'health_data');
    const again = await outdated(agreedBefore.accessToken);
    assert.deepEqual(
      again.map((i) => [i.agreedVersion, i.version]),
      [[health.version, next.version]],
    );
    assert.deepEqual(again[0].changes, next.changes);
    assert.ok(
      next.changes.some((c) => c.change === 'removed'),
      'a section dropped is listed too',
    );
    const refused = await call('POST', '/api/mp/privacy/consents', {
      token: agreedBefore.accessToken,
      body: { answers: [{ kind: 'health_data', version: next.version, granted: false }] },
    });
    assert.equal(refused.status, 200);
    const state = refused.body.items.find((i: { kind: string }) => i.kind === 'health_data');
    assert.deepEqual([state.granted, state.answeredVersion], [false, next.version]);
    assert.deepEqual(await outdated(agreedBefore.accessToken), []);
  });
});
