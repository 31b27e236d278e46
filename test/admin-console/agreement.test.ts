/**
 * 系统管理 › 协议管理 in real Chromium against the real BFF: the administrator edits the user agreement as a draft
 * (patients still read the published text), publishes it after confirming, and the mini-program's API serves the new
 * version. (Permissions, versions and re-consent: test/bff/privacy-portal.test.ts.)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call } from '../support/api';
import { field, screenshot } from '../support/browser';
import { consoleHarness } from '../support/console-harness';

describe('协议管理 (console, real Chromium)', function () {
  this.timeout(180_000);
  const ch = consoleHarness({ shots: 'console-agreement' });

  it('edits the user agreement as a draft, publishes it after confirming; the mini-program reads the new version', async () => {
    const doc = async () => (await call('GET', '/api/mp/privacy/documents/user_agreement')).body;
    const before = await doc();
    const { page } = await ch.loginAs('admin', '/system/agreement');
    const row = page.locator('[data-test=agreement-table] .el-table__row', { hasText: '用户服务协议' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(before.version.replace('.', '\\.')));
    await screenshot(page, 'console-agreement');

    await page.click('[data-test=agreement-edit-user_agreement]');
    const body = page.locator(field('agreement-form-body'));
    await body.waitFor();
    const marker = `补充条款${crypto.randomBytes(3).toString('hex')}`;
    await body.fill(`${await body.inputValue()}\n\n## ${marker}\n就诊前请核对就诊人信息。`);
    const saved = page.waitForResponse((r) => r.url().endsWith('/privacy/documents/user_agreement/draft'));
    await page.click('[data-test=agreement-form-save]');
    assert.equal((await saved).status(), 200);
    await page.locator('[data-test=agreement-draft-user_agreement]').waitFor();
    assert.doesNotMatch(JSON.stringify(await doc()), new RegExp(marker), 'a draft is not shown to patients');

    await page.click('[data-test=agreement-publish-user_agreement]');
    const box = page.locator('.el-message-box');
    await box.waitFor();
    assert.match(await box.innerText(), /需重新阅读并同意/);
    const published = page.waitForResponse((r) => r.url().endsWith('/privacy/documents/user_agreement/publish'));
    await box.locator('.el-message-box__btns .el-button--primary').click();
    assert.equal((await published).status(), 200);
    await page.locator('[data-test=agreement-draft-user_agreement]').waitFor({ state: 'detached' });

    const after = await doc();
    assert.notEqual(after.version, before.version);
    assert.ok(after.sections.some((s: { heading: string }) => s.heading === marker));
    assert.match(await row.innerText(), new RegExp(after.version.replace('.', '\\.')));
  });
});
