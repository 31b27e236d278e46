/**
 * A WeChat user becoming staff the way the product makes one: 人员申请 from the mini-program, then a 科室管理员
 * approving it in the console with a built-in role. Through the API, as setup for the screens that come after.
 */
import assert from 'node:assert/strict';
import { call, loginAs, unique } from './api';
import { deptId } from './booking';

/** Sends 人员申请 for the mini-program user of `token` (the first 岗位): the username it asked for. */
export async function applyForStaff(
  token: string,
  opts: { name: string; dept: string; usernamePrefix: string; password?: string },
): Promise<string> {
  const posts = (await call('GET', '/api/mp/positions', { token })).body;
  const username = unique(opts.usernamePrefix);
  const applied = await call('POST', '/api/mp/staff-applications', {
    token,
    body: {
      name: opts.name,
      deptId: await deptId(opts.dept),
      postId: posts[0].id,
      username,
      password: opts.password ?? 'Quiet-Meadow-73',
    },
  });
  assert.equal(applied.status, 201, JSON.stringify(applied.body));
  return username;
}

/** The demo 科室管理员 approves the pending application of `username` into `dept` as a 医师 (physician). */
export async function approveAsDeptAdmin(username: string, dept: string) {
  const deptadmin = await loginAs('deptadmin');
  const roles = (await call('GET', '/api/admin/system/roles/grantable', { token: deptadmin })).body;
  const pending = (
    await call('GET', '/api/admin/system/staff-applications?status=pending&pageSize=100', { token: deptadmin })
  ).body.items;
  const mine = pending.find((a: { username: string }) => a.username === username);
  assert.ok(mine, `${username}'s application is pending`);
  const approved = await call('POST', `/api/admin/system/staff-applications/${mine.id}/approve`, {
    token: deptadmin,
    body: {
      deptId: await deptId(dept),
      roleIds: [roles.find((r: { key: string }) => r.key === 'physician').id],
    },
  });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
}

/** Both at once: the user of `token` is an approved physician of `dept`. */
export async function becomePhysician(token: string, opts: Parameters<typeof applyForStaff>[1]) {
  await approveAsDeptAdmin(await applyForStaff(token, opts), opts.dept);
}
