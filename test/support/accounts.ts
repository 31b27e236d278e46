/**
 * Mini-program accounts created directly (setup only), with access tokens signed by the BFF's own code: for tests
 * that need many accounts without spending the fake WeChat's code2session quota (100 a minute, like WeChat's).
 */
import crypto from 'node:crypto';
import { MpUser } from '../../bff/src/modules/auth/models';
import { signAccess } from '../../bff/src/modules/auth/tokens';
import { MpConsent } from '../../bff/src/modules/privacy/models';
import { CONSENT_KINDS } from '../../bff/src/modules/privacy/documents';
import { publishedDocuments } from '../../bff/src/modules/privacy/library';
import assert from 'node:assert/strict';
import { startStack } from './stack';
import { adminLogin, call, loginAs, replaceInitialPassword, unique } from './api';
import { deptId } from './booking';

export async function mpAccounts(n: number): Promise<{ userId: number; token: string }[]> {
  await startStack();
  const out: { userId: number; token: string }[] = [];
  // The versions published now, not the ones shipped: a test earlier in the same run (协议管理, the privacy tests)
  // may have published newer ones, and a grant of an older version does not count (CONSENT_REQUIRED).
  const docs = await publishedDocuments();
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
    await MpConsent.bulkCreate(
      CONSENT_KINDS.map((kind) => ({ userId: u.id, kind, version: docs[kind].version, granted: true, ip: null })),
    );
    out.push({ userId: u.id, token: signAccess('mp', u.id) });
  }
  return out;
}

export const mpAccount = async () => (await mpAccounts(1))[0];

export interface StaffAccount {
  username: string;
  password: string;
  token: string;
}

/**
 * A console user holding one new role with the menu entries of `perms` and `dataScope` (through the API, as an
 * administrator would make it; the initial password replaced), and the built-in roles named in `alsoRoles` (e.g. a
 * 科室管理员 who was also given 布置任务): the credentials for the login form, and an access token. Only the entries
 * themselves are sent: the BFF stores the menus and directories above them (收费管理 › 订单管理 at /finance/order).
 */
export async function staffAccountWithPerms(
  perms: string[],
  opts: {
    dataScope: 'all' | 'dept' | 'dept_and_below';
    dept: string;
    roleName: string;
    alsoRoles?: string[];
  },
): Promise<StaffAccount> {
  const token = await loginAs('admin');
  type Menu = { id: number; perms: string | null; children?: Menu[] };
  const flat: Menu[] = [];
  const walk = (ns: Menu[]) =>
    ns.forEach((n) => {
      flat.push(n);
      walk(n.children ?? []);
    });
  walk((await call('GET', '/api/admin/system/menus', { token })).body as Menu[]);
  const menuIds = [
    ...new Set(perms.map((p) => flat.find((m) => m.perms === p)?.id ?? assert.fail(`no menu entry with ${p}`))),
  ];
  const role = await call('POST', '/api/admin/system/roles', {
    token,
    body: {
      key: unique('role_')
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, '_'),
      name: opts.roleName,
      dataScope: opts.dataScope,
      menuIds,
    },
  });
  assert.equal(role.status, 201, JSON.stringify(role.body));
  const builtIn = (await call('GET', '/api/admin/system/roles', { token })).body as { id: number; key: string }[];
  const also = (opts.alsoRoles ?? []).map(
    (key) => builtIn.find((r) => r.key === key)?.id ?? assert.fail(`no role ${key}`),
  );
  const user = await call('POST', '/api/admin/system/users', {
    token,
    body: {
      username: unique('staff'),
      name: opts.roleName,
      password: 'Sunlit-Harbor-42',
      deptId: await deptId(opts.dept),
      roleIds: [role.body.id, ...also],
    },
  });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  const password = 'Quiet-Meadow-7315';
  await replaceInitialPassword(user.body.username, 'Sunlit-Harbor-42', password);
  return {
    username: user.body.username,
    password,
    token: (await adminLogin(user.body.username, password)).accessToken,
  };
}

/** The access token of a staffAccountWithPerms account (for API tests). */
export async function staffWithPerms(
  perms: string[],
  opts: { dataScope: 'all' | 'dept'; dept: string; roleName: string },
): Promise<string> {
  return (await staffAccountWithPerms(perms, opts)).token;
}
