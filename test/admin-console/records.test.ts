/**
 * 接诊工作台 in real Chromium against the real BFF: a physician calls the first booked patient of today, writes the
 * visit record with an ICD-10 diagnosis found by its pinyin initials, prescribes a drug found the same way (the
 * quantity computed on screen), signs; the patient then reads the signed record and prescription through the
 * mini-program API.
 */
import assert from 'node:assert/strict';
import { call } from '../support/api';
import { bookedToday, patient, physician } from '../support/records';
import { published } from '../bff/education/helpers';
import { clickMenu, field } from '../support/browser';
import { consoleHarness } from '../support/console-harness';

describe('接诊工作台: write and sign a record with a diagnosis and a prescription (real Chromium)', function () {
  const ch = consoleHarness({ shots: 'clinic-workbench' });

  it('calls the patient, writes, prescribes, signs; the patient sees the signed record', async () => {
    const doc = await physician();
    const p = await patient();
    await bookedToday(doc, p, 1);
    const s = await ch.loginAs({ username: doc.username, password: 'Quiet-Meadow-7315' }, '/clinic/workbench');
    const { page } = s;
    await page.waitForSelector('[data-test=page-clinic-workbench]');
    await page.waitForSelector('[data-test="wb-state-1"]');
    assert.equal((await page.textContent('[data-test="wb-state-1"]'))?.trim(), '待诊');

    await page.click('[data-test=wb-call-next]');
    await page.waitForSelector('[data-test=wb-status][data-status=draft]');
    await page.waitForFunction(
      () => document.querySelector('[data-test="wb-state-1"]')?.textContent?.trim() === '就诊中',
    );
    assert.equal((await page.textContent('[data-test=wb-patient]'))?.trim(), '王患者');

    await page.fill(field('wb-complaint'), '反复头晕 2 周');
    await page.fill(field('wb-hpi'), '晨起明显，无胸痛');
    await page.fill(field('wb-advice'), '低盐饮食，2 周后复诊');
    // Diagnosis by pinyin initials.
    await page.click('[data-test=wb-diagnoses]');
    await page.keyboard.type('YFXGXY');
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'I10 原发性高血压' }).click();
    await page.keyboard.press('Escape');
    // Autosave says so once the draft is on the server.
    await page.waitForFunction(() =>
      /已自动保存/.test(document.querySelector('[data-test=wb-saved]')?.textContent ?? ''),
    );

    // A drug by pinyin initials; the quantity is dose × frequency × days.
    await page.click('[data-test=wb-rx-add]');
    await page.click('[data-test=wb-rx-drug-0]');
    await page.keyboard.type('AMXLJN');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '阿莫西林胶囊' }).first().click();
    // default 2 粒 tid; 3 days (the row's default) → 18
    await page.waitForFunction(() => document.querySelector('[data-test=wb-rx-qty-0]')?.textContent?.trim() === '18');
    await page.click('[data-test=wb-rx-save]');
    await page.waitForSelector('.el-message');
    assert.match((await page.textContent('.el-message'))!, /处方已保存/);

    await page.click('[data-test=wb-sign]');
    await page.locator('.el-message-box .el-button--primary').click();
    await page.waitForSelector('[data-test=wb-status][data-status=signed]');
    await page.waitForFunction(
      () => document.querySelector('[data-test="wb-state-1"]')?.textContent?.trim() === '已完成',
    );
    await s.shot('signed');

    // The patient sees it (signed, with the diagnosis and the drug).
    const list = (await call('GET', `/api/mp/records/patients/${p.patientId}/visits`, { token: p.token })).body;
    assert.equal(list.length, 1);
    const rec = (await call('GET', `/api/mp/records/visits/${list[0].id}`, { token: p.token })).body;
    assert.equal(rec.content.chiefComplaint, '反复头晕 2 周');
    assert.deepEqual(rec.content.diagnoses, [{ code: 'I10', name: '原发性高血压' }]);
    assert.equal(rec.prescription[0].name, '阿莫西林胶囊');
    assert.equal(rec.prescription[0].quantity, 18);
  });

  it('制定随访 from the workbench: the visit’s plan is made with the shared form and shows in 随访管理', async () => {
    const doc = await physician();
    const p = await patient();
    const appt = await bookedToday(doc, p, 1);
    const s = await ch.loginAs({ username: doc.username, password: 'Quiet-Meadow-7315' }, '/clinic/workbench');
    const { page } = s;
    await page.click('[data-test=wb-call-next]');
    await page.waitForSelector('[data-test=wb-status][data-status=draft]');
    await page.click('[data-test=wb-followup]');
    await page.waitForSelector('[data-test=followup-plan-dialog]');
    const content = `电话随访血压 ${Date.now().toString(36)}`;
    await page.fill(field('followup-content'), content);
    await page.click('[data-test=followup-plan-submit]');
    await page.locator('.el-message', { hasText: '随访计划已制定' }).waitFor();
    await page.locator('[data-test=followup-plan-dialog]').waitFor({ state: 'hidden' });

    // The plan belongs to this visit, made by this physician (read through 随访管理's own API).
    const tasks = await call('GET', '/api/admin/followup/tasks?view=planned&page=1&pageSize=50', { token: doc.token });
    assert.equal(tasks.status, 200, JSON.stringify(tasks.body));
    const mine = tasks.body.items.filter((t: { appointmentId: number }) => t.appointmentId === appt.id);
    assert.equal(mine.length, 1, JSON.stringify(tasks.body.items));

    // 随访管理 lists it under 待随访.
    await clickMenu(page, '随访管理');
    await page.waitForSelector('[data-test=fu-table]');
    await page.click('[data-test=fu-view-planned]');
    await page.waitForSelector(`[data-test=fu-row-${mine[0].id}]`);
    assert.equal(await page.locator(`[data-test=fu-status-${mine[0].id}]`).getAttribute('data-status'), 'planned');
    await s.shot('followup');
  });

  it('sends 宣教处方 from the visit record: chosen articles reach the patient’s 我的宣教', async () => {
    const doc = await physician();
    const p = await patient();
    const appt = await bookedToday(doc, p, 1);
    const rec = await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: appt.id } });
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    const article = await published({ title: `高血压饮食${Date.now().toString(36)}` });

    const s = await ch.loginAs({ username: doc.username, password: 'Quiet-Meadow-7315' }, '/clinic/workbench');
    const { page } = s;
    await page.click('[data-test="wb-open-1"]');
    await page.waitForSelector('[data-test=wb-status][data-status=draft]');
    const panel = page.locator('[data-test=rx-panel]');
    await panel.getByText('还没有开具宣教处方').waitFor();
    await page.click('[data-test=rx-select]');
    await page.keyboard.type(article.title);
    await page.locator('.el-select-dropdown__item:visible', { hasText: article.title }).click();
    await page.keyboard.press('Escape');
    await page.click('[data-test=rx-send]');
    const row = page.locator(`[data-test="rx-${article.id}"]`);
    await row.waitFor();
    assert.match((await row.textContent())!, /未读/);
    await s.shot('edu-prescription');

    const mine = (await call('GET', '/api/mp/education/prescriptions', { token: p.token })).body;
    assert.deepEqual(
      mine.items.map((x: { content: { id: number } }) => x.content.id),
      [article.id],
    );
  });
});
