/**
 * 用户管理 import and export (issue 15): export within the caller's data scope, written to the operation log; the
 * template; an import previewed row by row with Chinese reasons and nothing written, committed all or nothing with
 * the rules of creating a user by hand (department in scope, grantable roles only, username free) and the initial
 * password policy (the user must change it at first login).
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startStack } from '../../support/stack';
import { adminLogin, call, loginAs, replaceInitialPassword, unique } from '../../support/api';
import { admin } from '../../support/booking';
import { User } from '../../../bff/src/modules/system/models';

const HEADERS = ['用户名', '姓名', '部门', '岗位', '手机号', '邮箱', '角色'];

async function xlsx(rows: string[][], headers = HEADERS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('用户导入');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
async function upload(token: string, file: Buffer, filename = 'users.xlsx') {
  const { baseUrl } = await startStack();
  const res = await fetch(`${baseUrl}/api/admin/system/users/imports?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(file),
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function download(token: string, path: string) {
  const { baseUrl } = await startStack();
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}
async function sheetRows(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0].eachRow((r) => out.push((r.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return out;
}
const exists = async (username: string) => !!(await User.findOne({ where: { username } }));

describe('用户管理: Excel export, template and import with a row report', function () {
  this.timeout(120_000);
  let deptadmin: string;
  before(async () => {
    await startStack();
    deptadmin = await loginAs('deptadmin'); // 内科 and below
  });

  it('exports the list within the caller’s scope, masked phones, and logs it', async () => {
    const a = await download(await admin(), '/api/admin/system/users/export?status=active');
    assert.equal(a.status, 200);
    assert.match(a.type ?? '', /spreadsheetml/);
    const all = await sheetRows(a.body);
    assert.deepEqual(all[0], ['用户名', '姓名', '部门', '岗位', '手机号', '邮箱', '角色', '状态', '创建时间']);
    assert.ok(all.some((r) => r[0] === 'admin'));
    const d = await download(deptadmin, '/api/admin/system/users/export');
    assert.equal(d.status, 200);
    const mine = await sheetRows(d.body);
    assert.ok(!mine.some((r) => r[0] === 'admin'), 'the hospital-level admin is outside 内科');
    assert.ok(mine.some((r) => r[0] === 'doctor'));
    assert.ok(
      mine.slice(1).every((r) => !/\d{11}/.test(r[4])),
      'phones stay masked',
    );
    const log = await call('GET', '/api/admin/monitor/oper-logs?username=deptadmin&module=user&pageSize=20', {
      token: await admin(),
    });
    assert.ok(
      (log.body.items as { action: string; path: string }[]).some(
        (l) => l.action === '导出用户' && l.path.startsWith('/api/admin/system/users/export'),
      ),
    );
    assert.equal((await download(await loginAs('doctor'), '/api/admin/system/users/export')).status, 403);
  });

  it('the template has the import’s headers', async () => {
    const t = await download(deptadmin, '/api/admin/system/users/import-template');
    assert.equal(t.status, 200);
    assert.deepEqual((await sheetRows(t.body))[0], HEADERS);
  });

  it('a file with bad rows is reported in Chinese, and nothing is written — not even its good rows', async () => {
    const good = unique('imp').toLowerCase();
    const strong = unique('imp').toLowerCase();
    const dup = unique('imp').toLowerCase();
    const file = await xlsx([
      [good, '导入甲', '呼吸内科', '', '13800000001', '', '医师'],
      [strong, '导入乙', '呼吸内科', '', '', '', '系统管理员'],
      ['admin', '导入丙', '呼吸内科', '', '', '', ''],
      [dup, '导入丁', '骨科', '', '123', 'x@', ''],
      [dup, '导入戊', '不存在科', '不存在岗', '', '', ''],
      ['', '', '', '', '', '', ''],
    ]);
    const p = await upload(deptadmin, file);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.total, 5, 'blank rows are skipped');
    assert.equal(p.body.valid, 1);
    assert.equal(p.body.invalid, 4);
    const errs = (row: number) =>
      (p.body.rows as { row: number; errors: string[] }[]).find((r) => r.row === row)!.errors;
    assert.deepEqual(errs(3), ['角色「系统管理员」不存在或您无权分配']);
    assert.deepEqual(errs(4), ['用户名「admin」已被使用']);
    assert.deepEqual(errs(5), ['部门「骨科」不在您的管理范围内', '手机号应为 11 位手机号码', '邮箱格式不正确']);
    assert.deepEqual(errs(6), [
      `用户名「${dup}」与第 5 行重复`,
      '部门「不存在科」不存在或已停用',
      '岗位「不存在岗」不存在或已停用',
    ]);
    const c = await call('POST', `/api/admin/system/users/imports/${p.body.previewId}/commit`, {
      token: deptadmin,
      body: { password: 'Sunlit-Harbor-42' },
    });
    assert.equal(c.status, 422);
    assert.equal(c.body.error.code, 'IMPORT_HAS_ERRORS');
    assert.equal(await exists(good), false);
  });

  it('refused files: wrong header, wrong type, empty', async () => {
    const wrong = await upload(deptadmin, await xlsx([['a']], ['账号', '名字']));
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.code, 'IMPORT_HEADER');
    const csv = await upload(deptadmin, Buffer.from('用户名\n'), 'users.csv');
    assert.equal(csv.status, 415);
    const empty = await upload(deptadmin, await xlsx([]));
    assert.equal(empty.body.error.code, 'IMPORT_EMPTY');
    const garbage = await upload(deptadmin, Buffer.from('not a zip'));
    assert.equal(garbage.body.error.code, 'IMPORT_UNREADABLE');
  });

  it('a clean file commits every user at once with the initial password, to be changed at first login', async () => {
    const [u1, u2] = [unique('imp').toLowerCase(), unique('imp').toLowerCase()];
    const p = await upload(
      deptadmin,
      await xlsx([
        [u1, '导入一', '呼吸内科', '', '13800000002', 'a@example.com', '医师'],
        [u2, '导入二', '心血管内科', '', '', '', ''],
      ]),
    );
    assert.equal(p.body.invalid, 0, JSON.stringify(p.body.rows));
    // a weak initial password is refused, nothing written, and the preview stays usable
    const weak = await call('POST', `/api/admin/system/users/imports/${p.body.previewId}/commit`, {
      token: deptadmin,
      body: { password: '12345678' },
    });
    assert.equal(weak.status, 422);
    assert.equal(weak.body.error.code, 'WEAK_PASSWORD');
    assert.equal(await exists(u1), false);
    // another user cannot commit it
    const other = await call('POST', `/api/admin/system/users/imports/${p.body.previewId}/commit`, {
      token: await admin(),
      body: { password: 'Sunlit-Harbor-42' },
    });
    assert.equal(other.status, 404);
    const ok = await call('POST', `/api/admin/system/users/imports/${p.body.previewId}/commit`, {
      token: deptadmin,
      body: { password: 'Sunlit-Harbor-42' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { created: 2 });
    const again = await call('POST', `/api/admin/system/users/imports/${p.body.previewId}/commit`, {
      token: deptadmin,
      body: { password: 'Sunlit-Harbor-42' },
    });
    assert.equal(again.status, 404, 'a preview commits once');
    const list = await call('GET', `/api/admin/system/users?username=${u1}`, { token: deptadmin });
    assert.equal(list.body.items[0].name, '导入一');
    assert.equal(list.body.items[0].deptName, '呼吸内科');
    assert.deepEqual(
      list.body.items[0].roles.map((r: { name: string }) => r.name),
      ['医师'],
    );
    // the initial password works once and must be replaced
    const first = await adminLogin(u1, 'Sunlit-Harbor-42');
    const me = await call('GET', '/api/admin/me', { token: first.accessToken });
    assert.equal(me.body.user.mustChangePassword, true);
    await call('POST', '/api/admin/auth/logout', { token: first.accessToken });
    await replaceInitialPassword(u2, 'Sunlit-Harbor-42', 'Quiet-Meadow-7315');
    assert.ok((await adminLogin(u2, 'Quiet-Meadow-7315')).accessToken);
  });
});
