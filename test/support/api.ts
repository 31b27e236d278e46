/** A thin HTTP client for tests: real requests to the running BFF, nothing mocked. */
import { startStack, type Stack } from './stack';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Res<T>> {
  const stack = await startStack();
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(stack.baseUrl + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/**
 * Books as the mini-program does: the booking, then at once — for a hold waiting for payment — its pay parameters
 * (POST /api/mp/appointments/:id/pay, which opens the WeChat Pay order). The answer is the booking's, with `payment`
 * (null if the pay request failed) added, for tests that go on to pay.
 */
export async function bookAsApp(opts: { token: string; body: { scheduleId: number; patientId: number } }) {
  const r = await call('POST', '/api/mp/appointments', opts);
  if (r.status !== 201 || r.body.appointment.status !== 'pending_payment') return r;
  const pay = await call('POST', `/api/mp/appointments/${r.body.appointment.id}/pay`, { token: opts.token });
  return { ...r, body: { ...r.body, payment: pay.status === 200 ? pay.body.payment : null } };
}

export const DEMO = {
  admin: { username: 'admin', password: 'Harbor-Lamp-2468' },
  deptadmin: { username: 'deptadmin', password: 'Maple-River-1357' },
  chief: { username: 'chief', password: 'Cedar-Stone-8642' },
  doctor: { username: 'doctor', password: 'Willow-Cloud-9753' },
} as const;

export async function adminLogin(username: string, password: string) {
  const r = await call<{ accessToken: string; refreshToken: string }>('POST', '/api/admin/auth/login', {
    body: { username, password },
  });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * An account an administrator created is on its initial password and may do nothing else until it sets its own:
 * this is that first login (through the API), after which it logs out again.
 */
export async function replaceInitialPassword(username: string, initial: string, chosen: string) {
  const login = await adminLogin(username, initial);
  const r = await call('PUT', '/api/admin/me/password', {
    token: login.accessToken,
    body: { oldPassword: initial, newPassword: chosen },
  });
  if (r.status !== 204)
    throw new Error(`password change for ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  await call('POST', '/api/admin/auth/logout', { token: login.accessToken });
}

export async function loginAs(role: keyof typeof DEMO) {
  return (await adminLogin(DEMO[role].username, DEMO[role].password)).accessToken;
}

/**
 * What a patient agrees to before adding family members (privacy policy, user agreement and the separate consents
 * for ID numbers and health data), at the versions the BFF currently serves.
 */
export async function consentAll(token: string) {
  const answers = [];
  for (const kind of ['privacy_policy', 'user_agreement', 'health_data', 'id_number']) {
    const d = await call<{ version: string }>('GET', `/api/mp/privacy/documents/${kind}`);
    answers.push({ kind, version: d.body.version, granted: true });
  }
  const r = await call('POST', '/api/mp/privacy/consents', { token, body: { answers } });
  if (r.status !== 200) throw new Error(`consent failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * A patient: the fake WeChat issues a login code for an openid, the BFF exchanges it. Unless told otherwise they
 * have agreed to the privacy documents (consentAll), as every patient who adds a family member has.
 */
export async function mpLogin(openid?: string, opts: { consent?: boolean } = {}) {
  const stack: Stack = await startStack();
  const code = stack.fake.issueLoginCode(openid);
  const r = await call<{ accessToken: string; refreshToken: string; user: { id: number } }>(
    'POST',
    '/api/mp/auth/login',
    { body: { code } },
  );
  if (r.status !== 200) throw new Error(`mp login failed: ${r.status} ${JSON.stringify(r.body)}`);
  if (opts.consent !== false) await consentAll(r.body.accessToken);
  return r.body;
}

let seq = 0;
/** A name unique within this run, for data the test creates. */
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

/**
 * The console session id inside an access token. Tests that force a session out kick only their own login by it:
 * the demo accounts' other sessions belong to other suites in the same run.
 */
export function sessionIdOf(accessToken: string): string {
  const payload = accessToken.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const sid = (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid?: unknown }).sid;
  if (typeof sid !== 'string') throw new Error('the token carries no session id');
  return sid;
}
