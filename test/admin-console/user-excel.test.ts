/**
 * 用户管理's 导入 and 导出 in real Chromium (issue 15): a department admin exports the list (a real download of an
 * .xlsx holding only their scope), uploads a file with errors and sees each row's reason in Chinese with 确认导入
 * disabled, then a clean file, types the initial password and imports it; the users appear in the list.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { unique } from '../support/api';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';
import { User } from '../../bff/src/modules/system/models';

async function xlsx(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('用户导入');
  ws.addRow(['用户名', '姓名', '部门', '岗位', '手机号', '邮箱', '角色']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('console: 用户管理 导入 and 导出 (real Chromium)', function () {
  this.timeout(240_000);
  const ch = consoleHarness({ shots: 'console-user-import' });

  it('exports the scoped list, reports a bad file row by row, imports a clean one', async () => {
    const s = await ch.loginAs('deptadmin', '/system/user');
    const { page } = s;
    await page.waitForSelector('[data-test=user-table] .el-table__row');

    // 导出: a real download
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=user-export]')]);
    const path = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(path) as unknown as ArrayBuffer);
    const names: string[] = [];
    wb.worksheets[0].eachRow((r, n) => n > 1 && names.push(String(r.getCell(1).value)));
    assert.ok(names.includes('doctor'));
    assert.ok(!names.includes('admin'), 'only the department admin’s scope');

    // 导入 a file with errors
    await page.click('[data-test=user-import]');
    await page.waitForSelector('[data-test=user-import-dialog]');
    const tag = unique('页导入');
    const [u1, u2] = [unique('uimp').toLowerCase(), unique('uimp').toLowerCase()];
    await page.setInputFiles('[data-test=user-import-file]', {
      name: 'bad.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await xlsx([
        [u1, `${tag}甲`, '呼吸内科', '', '', '', '医师'],
        [u2, `${tag}乙`, '骨科', '', '', '', ''],
      ]),
    });
    await page.waitForSelector('[data-test=user-import-error-3]');
    assert.equal(await page.locator('[data-test=user-import-error-3]').innerText(), '部门「骨科」不在您的管理范围内');
    assert.match(await page.locator('[data-test=user-import-summary]').innerText(), /1 行有错误/);
    assert.equal(await page.locator('[data-test=user-import-commit]').isDisabled(), true);
    await s.shot('errors');
    assert.equal(await User.count({ where: { username: u1 } }), 0);

    // the corrected file
    await page.setInputFiles('[data-test=user-import-file]', {
      name: 'good.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await xlsx([
        [u1, `${tag}甲`, '呼吸内科', '', '', '', '医师'],
        [u2, `${tag}乙`, '心血管内科', '', '', '', ''],
      ]),
    });
    await page.waitForFunction(() =>
      /全部可以导入/.test(document.querySelector('[data-test=user-import-summary]')?.textContent ?? ''),
    );
    await page.fill(field('user-import-password'), 'Sunlit-Harbor-42');
    await page.click('[data-test=user-import-commit]');
    await page.waitForSelector('text=已导入 2 个用户');
    await page.fill(field('filter-name'), tag);
    await page.click('[data-test=query-search]');
    await page.waitForSelector(`[data-test="user-row-${u1}"]`);
    await page.waitForSelector(`[data-test="user-row-${u2}"]`);
  });
});
