/**
 * 我的病历 in the patient app's h5 build (real Chromium, real BFF): a physician signs a record with a diagnosis and a
 * prescription (through the console API); the patient sees that record — not the physician's other, unsigned one —
 * its prescription and the health profile, for their family member, and downloads the visit's 门诊病历 and 处方笺 PDFs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PDFParse } from 'pdf-parse';
import { buildH5BeforeAnySuite, mpHarness, SHOTS } from '../support/mp-harness';
import { call, consentAll } from '../support/api';
import { makeIdCard } from '../support/idcard';
import { bookedToday, physician } from '../support/records';
import { Drug } from '../../bff/src/modules/records/models';
import { settle } from './browser';

buildH5BeforeAnySuite();

describe('我的病历 (h5, Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-records', timeout: 15_000, hiDpi: false });
  const { on } = mp;

  it('shows the signed record, its prescription and the profile; never a draft', async () => {
    const { accessToken: token, user } = await mp.login();
    await consentAll(token);
    const member = await call('POST', '/api/mp/patients', {
      token,
      body: { name: '赵秀兰', idCard: makeIdCard('1962-04-11', 321), phone: '13700002222', relation: 'self' },
    });
    assert.equal(member.status, 201);
    const who = { userId: user.id as number, patientId: member.body.id as number };

    const doc = await physician();
    const a1 = await bookedToday(doc, who, 1);
    const a2 = await bookedToday(doc, who, 2);
    const id = (await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: a1.id } }))
      .body.id;
    await call('PUT', `/api/admin/records/patients/${who.patientId}/profile`, {
      token: doc.token,
      body: { allergies: [{ kind: 'drug', substance: '磺胺', reaction: '皮疹' }], chronicConditions: ['原发性高血压'] },
    });
    await call('PUT', `/api/admin/records/visits/${id}`, {
      token: doc.token,
      body: {
        chiefComplaint: '头晕 1 周',
        diagnoses: [{ code: 'I10' }],
        advice: '每日测量血压',
      },
    });
    const amlo = (await Drug.findOne({ where: { name: '氨氯地平片' } }))!.id;
    const rx = await call('PUT', `/api/admin/records/visits/${id}/prescription`, {
      token: doc.token,
      body: { items: [{ drugId: amlo, dose: 1, frequency: 'qd', days: 7 }] },
    });
    assert.equal(rx.status, 200);
    assert.equal(
      (await call('POST', `/api/admin/records/visits/${id}/sign`, { token: doc.token, body: {} })).status,
      200,
    );
    // A second visit, still a draft: the patient must not see it.
    const draft = await call('POST', '/api/admin/records/visits', { token: doc.token, body: { appointmentId: a2.id } });
    await call('PUT', `/api/admin/records/visits/${draft.body.id}`, {
      token: doc.token,
      body: { chiefComplaint: '未签名的草稿', diagnoses: [{ code: 'J06.9' }] },
    });

    await on('.weui-tabbar__item', '我的').click();
    await on('.menu-records').click();
    await on(`.rec-visit-${id}`).waitFor();
    assert.match(await on(`.rec-visit-${id}`).innerText(), /原发性高血压/);
    assert.equal(await mp.page.locator('.rec-visit').filter({ visible: true }).count(), 1, 'only the signed record');
    await settle(mp.page);
    await mp.page.screenshot({ path: path.join(SHOTS, 'mp-records.png'), fullPage: true });

    await on(`.rec-visit-${id}`).click();
    await on('.rec-complaint', '头晕 1 周').waitFor();
    assert.match(await on('.rec-diagnoses').innerText(), /原发性高血压/);
    assert.match(await on('.rec-drug-name').innerText(), /氨氯地平片/);
    await settle(mp.page);
    await mp.page.screenshot({ path: path.join(SHOTS, 'mp-record-detail.png'), fullPage: true });
    // 下载门诊病历 / 处方笺: the hospital's PDFs of this visit, fetched with the patient's token, downloaded in h5.
    for (const [sel, name, holds] of [
      ['.rec-pdf-record', /^门诊病历-\d+\.pdf$/, '头晕 1 周'],
      ['.rec-pdf-prescription', /^处方笺-\d+\.pdf$/, '氨氯地平片'],
    ] as const) {
      const [download] = await Promise.all([mp.page.waitForEvent('download'), on(sel).click()]);
      assert.match(download.suggestedFilename(), name);
      const parser = new PDFParse({ data: new Uint8Array(fs.readFileSync((await download.path())!)) });
      const text = (await parser.getText()).text;
      await parser.destroy();
      assert.ok(text.includes('赵秀兰') && text.includes(holds), text);
    }
    await mp.page.goBack();

    await on('.rec-tab-rx').click();
    await on(`.rec-rx-${id}`).waitFor();
    assert.match(await on(`.rec-rx-${id}`).innerText(), /共\s*7\s*片/);
    await on('.rec-tab-profile').click();
    await on('.rec-allergies', '磺胺').waitFor();
  });
});
