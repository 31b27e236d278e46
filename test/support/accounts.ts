/**
 * Mini-program accounts created directly (setup only), with access tokens signed by the BFF's own code: for tests
 * that need many accounts without spending the fake WeChat's code2session quota (100 a minute, like WeChat's).
 */
import crypto from 'node:crypto';
import { MpUser } from '../../bff/src/modules/auth/models';
import { signAccess } from '../../bff/src/modules/auth/tokens';
import { MpConsent } from '../../bff/src/modules/privacy/models';
import { CONSENT_KINDS, policyDocuments } from '../../bff/src/modules/privacy/documents';
import { infra } from '../../bff/src/infra';
import { startStack } from './stack';

export async function mpAccounts(n: number): Promise<{ userId: number; token: string }[]> {
  await startStack();
  const out: { userId: number; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const u = await MpUser.create({
      openid: `o_acct_${crypto.randomBytes(9).toString('hex')}`,
      unionid: null,
      sessionKeyEnc: null,
      nickname: '患者',
      avatarUrl: null,
      phoneEnc: null,
      phoneHash: null,
    });
    // as every patient who adds family members has: agreed to the current privacy documents
    const docs = policyDocuments(infra().config);
    await MpConsent.bulkCreate(
      CONSENT_KINDS.map((kind) => ({ userId: u.id, kind, version: docs[kind].version, granted: true, ip: null })),
    );
    out.push({ userId: u.id, token: signAccess('mp', u.id) });
  }
  return out;
}

export const mpAccount = async () => (await mpAccounts(1))[0];
