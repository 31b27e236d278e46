import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, loginAs, mpLogin, unique } from '../support/api';
import { startStack } from '../support/stack';
import { maskPersonalData } from '../../bff/src/infra/logger';
import { makeIdCard } from '../support/idcard';
import { registry } from '../../bff/src/http/route';
import { createApp } from '../../bff/src/app';
import type { Config } from '../../bff/src/config';

describe('platform', () => {
  it('serves health, readiness and an OpenAPI 3.1 document listing every route with its auth', async () => {
    assert.deepEqual((await call('GET', '/healthz')).body, { status: 'ok' });
    const ready = await call('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { database: true, cache: true });
    const doc = (await call('GET', '/api/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    const login = doc.paths['/api/mp/auth/login'].post;
    assert.equal(login['x-auth'], 'public');
    assert.deepEqual(login.requestBody.content['application/json'].schema.required, ['code']);
    const users = doc.paths['/api/admin/system/users'];
    assert.equal(users.post['x-permission'], 'system:user:add');
    assert.deepEqual(users.post.security, [{ adminBearer: [] }]);
    assert.ok(doc.paths['/api/mp/patients/{id}'].patch);
    const { running } = await startStack();
    assert.equal(
      Object.values(doc.paths).reduce((n: number, m) => n + Object.keys(m as object).length, 0),
      registry.length,
    );
    assert.ok(running.url);
  });

  it('sends security headers, a request id, and CORS only to listed origins', async () => {
    const r = await call('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('content-security-policy'));
    assert.ok(r.headers.get('x-request-id'));
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    // helmet's headers (asked of helmet once at start, app.ts fixedHeaders) on every answer, an API refusal too
    const refused = await call('GET', '/api/mp/me');
    assert.equal(refused.status, 401);
    for (const answer of [r, refused]) {
      const h = Object.fromEntries(
        [
          'x-frame-options',
          'strict-transport-security',
          'referrer-policy',
          'cross-origin-opener-policy',
          'cross-origin-resource-policy',
          'x-dns-prefetch-control',
          'x-permitted-cross-domain-policies',
          'x-xss-protection',
          'x-powered-by',
        ].map((n) => [n, answer.headers.get(n)]),
      );
      assert.deepEqual(h, {
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'x-dns-prefetch-control': 'off',
        'x-permitted-cross-domain-policies': 'none',
        'x-xss-protection': '0',
        'x-powered-by': null,
      });
      assert.match(answer.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    }
  });

  it('asks browsers to upgrade to https only when the request came over https, or when configured to', async () => {
    const { running } = await startStack();
    /** The same app over the shared stack's infrastructure, with some configuration changed. */
    async function appWith(overrides: Partial<Config>) {
      const server = http.createServer(
        createApp({ ...running.infra, config: { ...running.infra.config, ...overrides } }).callback(),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        csp: async (headers: Record<string, string> = {}) =>
          (await fetch(`${url}/healthz`, { headers })).headers.get('content-security-policy') ?? '',
        close: () => new Promise<void>((r) => server.close(() => r())),
      };
    }
    const upgrades = /(^|;)\s*upgrade-insecure-requests\s*(;|$)/;
    const plain = (await call('GET', '/healthz')).headers.get('content-security-policy') ?? '';
    assert.match(plain, /default-src 'self'/);
    assert.doesNotMatch(plain, upgrades, 'plain http (a clinic LAN) must not be sent to https');
    // Without a trusted proxy X-Forwarded-Proto is anyone's to write, so it changes nothing.
    assert.doesNotMatch(
      (await call('GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } })).headers.get(
        'content-security-policy',
      ) ?? '',
      upgrades,
    );

    const behindProxy = await appWith({ TRUST_PROXY: true });
    const forced = await appWith({ CSP_UPGRADE_INSECURE: true });
    try {
      assert.match(
        await behindProxy.csp({ 'x-forwarded-proto': 'https' }),
        upgrades,
        'TLS ended at our proxy: keep every request on https',
      );
      assert.doesNotMatch(await behindProxy.csp({ 'x-forwarded-proto': 'http' }), upgrades);
      assert.doesNotMatch(await behindProxy.csp(), upgrades);
      assert.match(await forced.csp(), upgrades);
    } finally {
      await behindProxy.close();
      await forced.close();
    }
  });

  it('masks phone and ID numbers in log lines', () => {
    const id = makeIdCard('1988-08-08', 88);
    const line = maskPersonalData(`user 13812345678 with id ${id}`);
    assert.equal(line.includes('13812345678'), false);
    assert.equal(line.includes(id), false);
    assert.ok(line.includes('138****5678'));
  });
});

describe('WeChat phone number binding', () => {
  it('binds the phone from a getPhoneNumber code, caching the access token', async () => {
    const { fake } = await startStack();
    const { accessToken } = await mpLogin();
    const before = fake.stats.stableToken;
    const code = fake.issuePhoneCode('13566667777');
    const r = await call('POST', '/api/mp/me/phone', { token: accessToken, body: { code } });
    assert.equal(r.status, 200);
    assert.equal(r.body.phoneMasked, '135****7777');
    const code2 = fake.issuePhoneCode('13566667778');
    await call('POST', '/api/mp/me/phone', { token: accessToken, body: { code: code2 } });
    assert.ok(fake.stats.stableToken - before <= 1, 'the access token is fetched once and cached');
    assert.equal((await call('GET', '/api/mp/me', { token: accessToken })).body.phoneMasked, '135****7778');
  });

  it('recovers once when WeChat invalidates the access token, and refuses a bad code', async () => {
    const { fake } = await startStack();
    const { accessToken } = await mpLogin();
    fake.invalidateTokens();
    const r = await call('POST', '/api/mp/me/phone', {
      token: accessToken,
      body: { code: fake.issuePhoneCode('13600001234') },
    });
    assert.equal(r.status, 200);
    const bad = await call('POST', '/api/mp/me/phone', { token: accessToken, body: { code: 'bogus' } });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'WECHAT_CODE_INVALID');
    assert.equal((await call('GET', '/api/mp/me', { token: accessToken })).body.phoneMasked, '136****1234');
  });

  it('proxies the simulator endpoints the h5 build uses', async () => {
    const r = await call('POST', '/sim-wechat/__sim/login', { body: { openid: unique('o_h5_') } });
    assert.equal(r.status, 200);
    const login = await call('POST', '/api/mp/auth/login', { body: { code: r.body.code } });
    assert.equal(login.status, 200);
  });
});

describe('staff applications', () => {
  it('a WeChat user applies, the account waits without roles, an admin approves with roles', async () => {
    const { accessToken: t } = await mpLogin();
    const depts = (await call('GET', '/api/mp/departments', { token: t })).body;
    const cardio = depts[0].children
      .find((d: { name: string }) => d.name === '内科')
      .children.find((d: { name: string }) => d.name === '心血管内科');
    const posts = (await call('GET', '/api/mp/positions', { token: t })).body;
    assert.equal((await call('GET', '/api/mp/staff-applications/mine', { token: t })).body, null);
    const username = unique('apply');
    const body = {
      name: '新医生',
      deptId: cardio.id,
      postId: posts.find((p: { name: string }) => p.name === '住院医师').id,
      username,
      password: 'Sunlit-Harbor-42',
      phone: '13511112222',
    };
    const app = await call('POST', '/api/mp/staff-applications', { token: t, body });
    assert.equal(app.status, 201);
    assert.equal(app.body.status, 'pending');
    assert.equal(
      (await call('POST', '/api/mp/staff-applications', { token: t, body: { ...body, username: unique('again') } }))
        .body.error.code,
      'APPLICATION_PENDING',
    );
    assert.equal(
      (await call('POST', '/api/admin/auth/login', { body: { username, password: 'Sunlit-Harbor-42' } })).body.error
        .code,
      'ACCOUNT_PENDING',
    );

    // The department admin of 内科 sees it (in scope); approves with a grantable role.
    const deptadmin = await loginAs('deptadmin');
    const list = (await call('GET', '/api/admin/system/staff-applications?status=pending', { token: deptadmin })).body
      .items;
    const mine = list.find((a: { username: string }) => a.username === username);
    assert.ok(mine);
    assert.equal(mine.phoneMasked, '135****2222');
    const roles = (await call('GET', '/api/admin/system/roles/grantable', { token: deptadmin })).body;
    const ok = await call('POST', `/api/admin/system/staff-applications/${mine.id}/approve`, {
      token: deptadmin,
      body: { deptId: cardio.id, roleIds: [roles.find((r: { key: string }) => r.key === 'physician').id] },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'approved');
    assert.equal(
      (
        await call('POST', `/api/admin/system/staff-applications/${mine.id}/approve`, {
          token: deptadmin,
          body: { deptId: cardio.id, roleIds: [] },
        })
      ).body.error.code,
      'APPLICATION_DECIDED',
    );
    const login = await call('POST', '/api/admin/auth/login', { body: { username, password: 'Sunlit-Harbor-42' } });
    assert.equal(login.status, 200);
    const me = (await call('GET', '/api/admin/me', { token: login.body.accessToken })).body;
    assert.deepEqual(me.roles, ['physician']);
    assert.equal((await call('GET', '/api/mp/staff-applications/mine', { token: t })).body.status, 'approved');
  });

  it('rejection frees the username; a department admin cannot decide outside their scope', async () => {
    const { accessToken: t } = await mpLogin();
    const depts = (await call('GET', '/api/mp/departments', { token: t })).body;
    const ortho = depts[0].children
      .find((d: { name: string }) => d.name === '外科')
      .children.find((d: { name: string }) => d.name === '骨科');
    const posts = (await call('GET', '/api/mp/positions', { token: t })).body;
    const username = unique('rej');
    const app = await call('POST', '/api/mp/staff-applications', {
      token: t,
      body: { name: '骨科医生', deptId: ortho.id, postId: posts[0].id, username, password: 'Sunlit-Harbor-42' },
    });
    const deptadmin = await loginAs('deptadmin');
    assert.equal(
      (
        await call('POST', `/api/admin/system/staff-applications/${app.body.id}/reject`, {
          token: deptadmin,
          body: { reason: '不在本科室' },
        })
      ).status,
      404,
    );
    const admin = await loginAs('admin');
    const rej = await call('POST', `/api/admin/system/staff-applications/${app.body.id}/reject`, {
      token: admin,
      body: { reason: '资料不全' },
    });
    assert.equal(rej.body.status, 'rejected');
    assert.equal(rej.body.reason, '资料不全');
    const again = await call('POST', '/api/mp/staff-applications', {
      token: t,
      body: { name: '骨科医生', deptId: ortho.id, postId: posts[0].id, username, password: 'Sunlit-Harbor-42' },
    });
    assert.equal(again.status, 201, 'the username is free again');
  });
});
