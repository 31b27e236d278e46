/** Fixtures for the education and learning tests: staff of given roles and departments, content through the API. */
import { call, adminLogin, loginAs, replaceInitialPassword, unique } from '../../support/api';
import { admin, deptId } from '../../support/booking';
import { addDays, shanghaiDate } from '../../../bff/src/shared/time';

export async function roleId(key: string) {
  const roles = (await call('GET', '/api/admin/system/roles', { token: await admin() })).body as {
    id: number;
    key: string;
  }[];
  return roles.find((r) => r.key === key)!.id;
}

/** A console user with one built-in role in a department, past their initial password, logged in. */
export async function staff(role: 'chief_physician' | 'physician', dept: string) {
  const username = unique('edu');
  const r = await call('POST', '/api/admin/system/users', {
    token: await admin(),
    body: {
      username,
      name: role === 'chief_physician' ? '主任测试' : '医师测试',
      password: 'Sunlit-Harbor-42',
      deptId: await deptId(dept),
      roleIds: [await roleId(role)],
    },
  });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  await replaceInitialPassword(username, 'Sunlit-Harbor-42', 'Quiet-Meadow-731');
  const login = await adminLogin(username, 'Quiet-Meadow-731');
  return { id: r.body.id as number, username, token: login.accessToken, deptId: r.body.deptId as number };
}

// One login per role while its access token lasts: the BFF limits logins per user (LOGIN_RATE_PER_USER_PER_MIN), and
// a whole run takes longer than one token lives (ACCESS_TOKEN_TTL_SEC, 15 min), so a token near its end is renewed.
const tokens = new Map<string, Promise<string>>();
const expiresAt = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp * 1000;
const tokenOf = async (role: 'chief' | 'doctor') => {
  const held = tokens.get(role);
  if (held && expiresAt(await held) - Date.now() > 120_000) return held;
  const fresh = loginAs(role);
  tokens.set(role, fresh);
  return fresh;
};
export const chiefToken = () => tokenOf('chief');
export const doctorToken = () => tokenOf('doctor');

export async function draft(token: string, over: Record<string, unknown> = {}) {
  const r = await call('POST', '/api/admin/education/contents', {
    token,
    body: {
      kind: 'article',
      title: unique('高血压的家庭监测'),
      summary: '',
      body: '<p>每天早晚各测一次血压，记录下来，复诊时带给医生。</p>',
      deptId: await deptId('心血管内科'),
      tags: ['高血压', '慢病管理'],
      ...over,
    },
  });
  if (r.status !== 201) throw new Error(`draft: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; status: string; [k: string]: any };
}

export async function published(over: Record<string, unknown> = {}) {
  const chief = await chiefToken();
  const d = await draft(chief, over);
  const r = await call('POST', `/api/admin/education/contents/${d.id}/publish`, { token: chief });
  if (r.status !== 200) throw new Error(`publish: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; [k: string]: any };
}

/** A learning task for 心血管内科 listing the given published items, due in a week. */
export async function learningTask(token: string, contentIds: number[]) {
  const r = await call('POST', '/api/admin/learning/tasks', {
    token,
    body: {
      title: unique('学习任务'),
      description: '',
      deadline: addDays(shanghaiDate(), 7),
      deptIds: [await deptId('心血管内科')],
      contentIds,
    },
  });
  if (r.status !== 201) throw new Error(`learning task: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number };
}
