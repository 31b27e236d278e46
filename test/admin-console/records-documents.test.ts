/**
 * 接诊工作台 in real Chromium: a physician calls the patient, applies the department's demo template 高血压复诊 to the
 * draft, signs, prints the 门诊病历 (the browser receives a PDF holding the patient's name and the diagnosis) and
 * enters a lab result that the patient then reads under 报告.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PDFParse } from 'pdf-parse';
import { call } from '../support/api';
import { bookedToday, patient, physician } from '../support/records';
import { field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';

describe('接诊工作台: template, print and reports (real Chromium)', function () {
  const ch = consoleHarness({ shots: 'records' });

  it('applies a template, signs, prints the record as a PDF, enters a report the patient sees', async function () {
    // A long flow through a real browser (took 64 s on a machine at load 35): a budget, not a wait.
    this.timeout(180_000);
    const doc = await physician('心血管内科');
    const p = await patient();
    await bookedToday(doc, p, 1);
    const s = await ch.loginAs({ username: doc.username, password: 'Quiet-Meadow-7315' }, '/clinic/workbench');
    const { page } = s;
    await page.waitForSelector('[data-test="wb-state-1"]');
    await page.click('[data-test=wb-call-next]');
    await page.waitForSelector('[data-test=wb-status][data-status=draft]');

    // The department's template fills the empty draft (complaint, advice, diagnosis).
    await page.click('[data-test=wb-template]');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '高血压复诊' }).click();
    await page.waitForFunction(
      (sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value === '血压控制情况复诊',
      field('wb-complaint'),
    );
    assert.match((await page.textContent('[data-test=wb-diagnoses]'))!, /I10 原发性高血压/);

    await page.click('[data-test=wb-sign]');
    await page.locator('.el-message-box .el-button--primary').click();
    await page.waitForSelector('[data-test=wb-status][data-status=signed]');

    // 打印病历: the browser receives the PDF.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=wb-print-record]')]);
    assert.match(download.suggestedFilename(), /^门诊病历-\d+\.pdf$/);
    const bytes = fs.readFileSync((await download.path())!);
    const parser = new PDFParse({ data: new Uint8Array(bytes) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    for (const want of ['门 诊 病 历', '王患者', '血压控制情况复诊', '原发性高血压'])
      assert.ok(text.includes(want), want);

    // A lab result, entered as values.
    await page.click('[data-test=rr-add]');
    await page.fill(field('rr-title'), '血脂四项');
    await page.fill(field('rr-item-name-0'), '总胆固醇');
    await page.fill(field('rr-item-value-0'), '6.8');
    await page.fill(field('rr-conclusion'), '总胆固醇升高');
    await page.click('[data-test=rr-save]');
    await page.waitForSelector('[data-test^=rr-report-]');
    assert.match((await page.textContent('[data-test^=rr-report-]'))!, /血脂四项[\s\S]*总胆固醇[\s\S]*6\.8/);

    const mine = await call('GET', `/api/mp/records/patients/${p.patientId}/reports`, { token: p.token });
    assert.deepEqual(
      mine.body.map((r: { title: string; conclusion: string }) => [r.title, r.conclusion]),
      [['血脂四项', '总胆固醇升高']],
    );
  });

  it('更正 and 删除 a report with a reason: the old version stays in 历次版本, the patient sees the new one', async function () {
    this.timeout(180_000);
    const doc = await physician('心血管内科');
    const p = await patient();
    const appt = await bookedToday(doc, p, 1);
    const rec = (
      await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: appt.id } })
    ).body.id as number;
    const add = (title: string, value: string) =>
      call('POST', `/api/admin/records/visits/${rec}/reports`, {
        token: doc.token,
        body: { kind: 'lab', title, items: [{ name: '空腹血糖', value, unit: 'mmol/L' }] },
      });
    const glucose = (await add('血糖', '16.1')).body.id as number;
    const wrong = (await add('血常规（录错患者）', '4.2')).body.id as number;

    const s = await ch.loginAs({ username: doc.username, password: 'Quiet-Meadow-7315' }, '/clinic/workbench');
    const { page } = s;
    await page.click('[data-test="wb-open-1"]');
    await page.waitForSelector(`[data-test=rr-report-${glucose}]`);

    // 更正: the value and a reason (required).
    await page.click(`[data-test=rr-fix-${glucose}]`);
    await page.fill(field('rr-fix-value-0'), '6.1');
    await page.click('[data-test=rr-fix-save]');
    await page.locator('.el-message', { hasText: '请填写更正原因' }).waitFor();
    await page.fill(field('rr-fix-reason'), '小数点录错');
    await page.click('[data-test=rr-fix-save]');
    await page.locator(`[data-test=rr-corrected-${glucose}]`).waitFor();
    assert.match(await page.locator(`[data-test=rr-report-${glucose}]`).innerText(), /6\.1/);
    await page.click(`[data-test=rr-history-${glucose}]`);
    const v1 = page.locator('[data-test=rr-history] [data-test=rr-version-1]');
    await v1.waitFor();
    assert.match(await v1.innerText(), /16\.1/);
    assert.match(await page.locator('[data-test=rr-history] [data-test=rr-version-2]').innerText(), /小数点录错/);
    await s.shot('report-history');
    await page.keyboard.press('Escape');
    await page.locator('[data-test=rr-history]').waitFor({ state: 'hidden' });

    // 删除: asked first, with a reason; cancelling leaves it.
    await page.click(`[data-test=rr-delete-${wrong}]`);
    const box = page.locator('.rr-delete-box');
    await box.waitFor();
    await box.locator('.el-button', { hasText: '取消' }).click();
    await box.waitFor({ state: 'hidden' });
    assert.ok(await page.locator(`[data-test=rr-report-${wrong}]`).isVisible());
    await page.click(`[data-test=rr-delete-${wrong}]`);
    await box.waitFor();
    await box.locator('input').fill('录错患者');
    await s.shot('report-delete');
    await box.locator('.el-button--primary').click();
    await page.locator(`[data-test=rr-report-${wrong}]`).waitFor({ state: 'detached' });

    // The patient sees the corrected value and not the deleted report (once the visit is signed).
    await call('PUT', `/api/admin/records/visits/${rec}`, {
      token: doc.token,
      body: { chiefComplaint: '口干多饮', diagnoses: [{ code: 'I10' }] },
    });
    assert.equal(
      (await call('POST', `/api/admin/records/visits/${rec}/sign`, { token: doc.token, body: {} })).status,
      200,
    );
    const mine = (await call('GET', `/api/mp/records/patients/${p.patientId}/reports`, { token: p.token })).body;
    assert.deepEqual(
      mine.map((r: { id: number; items: { value: string }[] }) => [r.id, r.items[0]!.value]),
      [[glucose, '6.1']],
    );
  });
});
