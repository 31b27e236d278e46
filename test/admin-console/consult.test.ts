/**
 * 在线问诊 in the console, real Chromium against the real BFF: the physician's 接诊设置 (图文问诊 price and taking
 * questions), sending an image from the workbench (the patient gets exactly those bytes; a disguised file fails with
 * the server's reason), and 问诊数据 for each role that can open it — search within its data scope, view a
 * conversation, delete (dept admin) and add a system message (chief physician) — while a physician gets 403.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call, loginAs as apiLogin, unique } from '../support/api';
import { newDoctor, patient } from '../support/booking';
import { physician } from '../support/records';
import { User } from '../../bff/src/modules/system/models';
import { field } from '../support/browser';
import { consoleHarness, type ConsolePage } from '../support/console-harness';

const PASSWORD = 'Quiet-Meadow-7315';
// A real 1×1 PNG: the workbench shows it from memory at once and the BFF recognises it by its bytes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

type Patient = Awaited<ReturnType<typeof patient>>;
async function consult(p: Patient, doctorId: number, text?: string) {
  const r = await call('POST', '/api/mp/consult/consultations', {
    token: p.token,
    body: { doctorId, patientId: p.patientId },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const c = r.body.consultation as { id: number; status: string };
  assert.equal(c.status, 'open');
  if (text) {
    const m = await call('POST', `/api/mp/consult/consultations/${c.id}/messages`, {
      token: p.token,
      body: { clientMsgId: crypto.randomUUID(), text },
    });
    assert.equal(m.status, 200, JSON.stringify(m.body));
  }
  return c;
}

describe('在线问诊 in the console: settings, images, data management (real Chromium)', function () {
  this.timeout(180_000);
  const ch = consoleHarness({ shots: 'consult' });

  it('接诊设置: the doctor sets a price and stops taking questions; patients see both', async () => {
    const doc = await physician();
    const s = await ch.loginAs({ username: doc.username, password: PASSWORD }, '/consult/workbench');
    const { page } = s;
    await page.waitForSelector('[data-test=page-consult-workbench]');
    await page.click('[data-test=consult-settings]');
    const price = page.locator(field('consult-settings-price'));
    // Saving is possible once the dialog holds what the server says (typing earlier would be overwritten).
    await page.waitForSelector('[data-test=consult-settings-save]:not(.is-disabled)');
    assert.equal(await price.inputValue(), '0.00');
    await price.fill('25.5');
    await price.press('Tab');
    await page.click('[data-test=consult-settings-accepting]');
    await page.click('[data-test=consult-settings-save]');
    await page.locator('.el-message', { hasText: '接诊设置已保存' }).waitFor();

    const saved = (await call('GET', '/api/admin/consult/workbench/settings', { token: doc.token })).body;
    assert.deepEqual(saved, { feeFen: 2550, accepting: false });
    const p = await patient();
    const offer = (await call('GET', `/api/mp/consult/doctors/${doc.id}`, { token: p.token })).body;
    assert.equal(offer.feeFen, 2550);
    const refused = await call('POST', '/api/mp/consult/consultations', {
      token: p.token,
      body: { doctorId: doc.id, patientId: p.patientId },
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'CONSULT_NOT_ACCEPTING');

    // Opened again, the dialog shows what the server holds.
    await page.reload();
    await page.click('[data-test=consult-settings]');
    await page.waitForFunction(
      (sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value === '25.50',
      'input[data-test="consult-settings-price"], [data-test="consult-settings-price"] input',
    );
    assert.equal(
      await page
        .locator('[data-test=consult-settings-accepting]')
        .evaluate((el) => el.classList.contains('is-checked')),
      false,
    );
    await s.shot('settings');
  });

  it('sends an image from the workbench: the patient receives those bytes; a disguised file fails with the reason', async () => {
    const doc = await physician();
    const p = await patient();
    const c = await consult(p, doc.id, '医生您好，皮疹的照片请看一下');
    const s = await ch.loginAs({ username: doc.username, password: PASSWORD }, '/consult/workbench');
    const { page } = s;
    await page.click(`[data-test="consult-item-${c.id}"]`);
    await page.waitForSelector('[data-test="msg-1"][data-sender=patient]');

    await page.setInputFiles('[data-test=consult-image-input]', {
      name: 'advice.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    // Stored as seq 2 (acknowledged), shown as an image.
    await page.waitForSelector('[data-test="msg-2"][data-sender=doctor] [data-test=msg-image] img');
    const history = (await call('GET', `/api/mp/consult/consultations/${c.id}/messages`, { token: p.token })).body;
    const sent = history.items.at(-1);
    assert.equal(sent.kind, 'image');
    assert.equal(sent.sender, 'doctor');
    const img = await fetch(`${ch.baseUrl}/api/mp/consult/consultations/${c.id}/messages/${sent.id}/image`, {
      headers: { authorization: `Bearer ${p.token}` },
    });
    assert.equal(img.status, 200);
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);

    // A text file labelled as a PNG passes the file picker; the BFF refuses it by its bytes.
    await s.expectProblems(/→ 4\d\d/, () =>
      page.setInputFiles('[data-test=consult-image-input]', {
        name: 'fake.png',
        mimeType: 'image/png',
        buffer: Buffer.from('not an image at all'),
      }),
    );
    await page.waitForSelector('[data-test=msg-outgoing] [data-test=msg-resend]');
    await page.locator('.el-message--error').first().waitFor();
    await s.shot('workbench-image');
    const after = (await call('GET', `/api/mp/consult/consultations/${c.id}/messages`, { token: p.token })).body;
    assert.equal(after.items.length, 2, 'nothing stored for the refused file');
  });

  it('问诊数据: each role that may open it searches within its scope, views, deletes or adds as its buttons allow', async () => {
    const marker = unique('问诊数据');
    const cardio = (await User.findOne({ where: { username: 'doctor' } }))!; // 心血管内科 (under 内科)
    const surgeon = await newDoctor('普通外科', '外科医生');
    const inScope = await consult(await patient(), cardio.id, `${marker} 心内`);
    await consult(await patient(), surgeon.id, `${marker} 外科`);

    const search = async (s: ConsolePage) => {
      const { page } = s;
      await page.waitForSelector('[data-test=page-consult-messages]');
      await page.fill(field('cm-content'), marker);
      await page.click('[data-test=query-search]');
      // The search has answered when rows are there and every one holds the marker (each role has at least one).
      await page.waitForFunction((m) => {
        const rows = [...document.querySelectorAll('[data-test=cm-table] .el-table__body tr')];
        return rows.length > 0 && rows.every((tr) => tr.textContent?.includes(m));
      }, marker);
      return page.$$eval('[data-test=cm-table] .el-table__body tr', (rows) =>
        rows.map((r) => r.querySelector('[data-test^="cm-text-"]')?.textContent?.trim() ?? '').sort(),
      );
    };

    const expect: Record<'admin' | 'deptadmin' | 'chief', { rows: string[]; remove: boolean; add: boolean }> = {
      admin: { rows: [`${marker} 外科`, `${marker} 心内`], remove: true, add: true },
      deptadmin: { rows: [`${marker} 心内`], remove: true, add: true },
      chief: { rows: [`${marker} 心内`], remove: false, add: true },
    };
    // The admin first: once the dept admin has deleted message 1 nobody is offered 删除 for it any more.
    for (const role of ['admin', 'chief', 'deptadmin'] as const) {
      const s = await ch.loginAs(role, '/consult/messages');
      const { page } = s;
      assert.deepEqual(await search(s), expect[role].rows, `${role} sees only its scope`);
      const row = page.locator('[data-test=cm-table] .el-table__body tr', { hasText: `${marker} 心内` });
      await row.locator('[data-test^="cm-view-"]').click();
      const drawer = page.locator('[data-test=conversation-drawer]');
      await drawer.locator('[data-test="conv-msg-1"]', { hasText: `${marker} 心内` }).waitFor();
      assert.equal(await drawer.locator('[data-test="conv-hide-1"]').count(), expect[role].remove ? 1 : 0, role);
      assert.equal(await drawer.locator(field('conv-system-input')).count(), expect[role].add ? 1 : 0, role);

      if (role === 'chief') {
        await drawer.locator(field('conv-system-input')).fill('请患者补充近期血压记录');
        await drawer.locator('[data-test=conv-system-send]').click();
        await drawer.locator('[data-test="conv-msg-2"]', { hasText: '请患者补充近期血压记录' }).waitFor();
      }
      if (role === 'deptadmin') {
        await drawer.locator('[data-test="conv-hide-1"]').click();
        await page.locator('.el-message-box input').fill('含患者隐私');
        await page.locator('.el-message-box .el-button--primary').click();
        await drawer.locator('[data-test="conv-hidden-1"]', { hasText: '含患者隐私' }).waitFor();
        await s.shot('data-deptadmin');
      }
      await s.close();
    }
    // What the patient sees now: the hidden message without its text, the system message.
    const conv = (
      await call('GET', `/api/admin/consult/consultations/${inScope.id}`, { token: await apiLogin('admin') })
    ).body;
    assert.equal(conv.messages[0].hidden, true);
    assert.equal(conv.messages[1].sender, 'system');

    // A physician has no 问诊数据: the URL shows 403, and the API agrees.
    const s = await ch.loginAs('doctor', '/consult/messages');
    await s.page.waitForSelector('[data-test=error-403]');
    assert.equal(await s.page.locator('[data-test=page-consult-messages]').count(), 0);
  });
});
