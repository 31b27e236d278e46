/**
 * Re-consent at app open (issue 15): a patient agreed to the privacy documents; 协议管理 publishes new versions
 * through the console API; the next time the app opens it lists what changed (titles, sections, a link to the new
 * text). 同意 records the new versions, 不同意 first says what then can't be used and is recorded too — neither is asked
 * again for the same versions, and after 不同意 the app goes on (设置 lets the patient agree later). In the standard
 * look and in 关怀模式, with axe-core at 0 WCAG 2.1 AA violations.
 */
import assert from 'node:assert/strict';
import type { Response } from 'playwright-core';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call, loginAs } from '../support/api';
import { publishNewVersion } from '../support/privacy';
import { settle } from './browser';

buildH5BeforeAnySuite();

type Consent = { kind: string; granted: boolean; answeredVersion: string | null };

describe('miniprogram h5: asked again at app open after 协议管理 publishes a new version (Chromium)', function () {
  this.timeout(180_000);
  const mp = mpHarness({ shots: 'mp-reconsent', timeout: 15_000, failingStatus: 500 });
  const { on, shot, accessible } = mp;
  let token: string;

  const consents = async () =>
    (await call<{ items: Consent[] }>('GET', '/api/mp/privacy/consents', { token })).body.items;
  const consentOf = async (kind: string) => (await consents()).find((c) => c.kind === kind)!;
  const outdatedAnswer = () =>
    mp.page.waitForResponse((r: Response) => r.url().endsWith('/api/mp/privacy/consents/outdated'));
  /** Opens the app afresh (a launch) and resolves with what the BFF said is outdated. */
  const launch = async (p = '/') => {
    const answer = outdatedAnswer();
    await mp.open(p);
    return ((await (await answer).json()) as { items: { kind: string }[] }).items;
  };
  /** After a launch whose answer was empty: nothing asks. */
  const notAsked = async () => {
    await settle(mp.page);
    assert.equal(await mp.page.locator('.consent-update-sheet').filter({ visible: true }).count(), 0);
  };

  before(async () => {
    await mp.login();
    token = await mp.consent();
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  it('lists the new versions with what changed; 同意 records them and it is not asked again', async () => {
    assert.deepEqual(await launch(), [], 'nothing new: the app opens as usual');
    await notAsked();

    const admin = await loginAs('admin');
    const policy = await publishNewVersion(admin, 'privacy_policy');
    const health = await publishNewVersion(admin, 'health_data');

    await launch();
    const sheet = on('.consent-update-sheet');
    await sheet.waitFor();
    assert.match(await on('.consent-update-doc-privacy_policy').innerText(), new RegExp(`《${policy.title}》`));
    assert.match(await on('.consent-update-doc-health_data').innerText(), new RegExp(`新增：${health.added}`));
    assert.match(await on('.consent-update-doc-privacy_policy').innerText(), new RegExp(`新版本 ${policy.version}`));
    await shot('prompt');
    await accessible('协议更新提示');

    // the link opens the new text; agreed to there, coming back only the other document is still asked about
    await on('.consent-update-doc-health_data .consent-update-link').click();
    await on('.doc-heading', health.added).waitFor();
    assert.equal((await on('.doc-version').innerText()).trim(), `版本 ${health.version}`);
    await on('.policy-agree').click();
    await on('.policy-consent .consent-on').waitFor();
    await mp.page.goBack();
    await on('.consent-update-doc-privacy_policy').waitFor();
    assert.equal(await mp.page.locator('.consent-update-doc-health_data').filter({ visible: true }).count(), 0);

    await on('.consent-update-agree').click();
    await sheet.waitFor({ state: 'hidden' });
    const now = await consents();
    for (const [kind, version] of [
      ['privacy_policy', policy.version],
      ['health_data', health.version],
    ])
      assert.deepEqual(
        now.find((c) => c.kind === kind),
        { ...now.find((c) => c.kind === kind), granted: true, answeredVersion: version },
        kind,
      );

    assert.deepEqual(await launch(), [], 'answered: not asked again for these versions');
    await notAsked();
  });

  it('关怀模式; 不同意 says what then can’t be used, is recorded, and the app goes on (agree later in 设置)', async () => {
    await mp.tab('我的');
    await on('.menu-care').click();
    await on('.page.me.care').waitFor();

    const admin = await loginAs('admin');
    const agreement = await publishNewVersion(admin, 'user_agreement');
    const health = await publishNewVersion(admin, 'health_data');

    assert.deepEqual((await launch('/pages/booking/index')).map((i) => i.kind).sort(), [
      'health_data',
      'user_agreement',
    ]);
    const sheet = on('.consent-update-mask.care .consent-update-sheet');
    await sheet.waitFor();
    const size = await on('.consent-update-change').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 18, `large type in 关怀模式 (${size}px)`);
    await shot('prompt-care');
    await accessible('协议更新提示（关怀模式）');

    await on('.consent-update-disagree').click();
    const effects = on('.consent-update-effects');
    await effects.waitFor();
    const said = await effects.innerText();
    assert.match(said, new RegExp(`添加新的就诊人（需要同意《${health.title}》）`));
    assert.match(said, /绑定手机号/, 'the user agreement: asked again before a phone number or avatar');
    assert.match(said, /已添加的就诊人照常预约挂号/);
    await shot('declined-care');
    await accessible('不同意的影响（关怀模式）');
    // 返回阅读 goes back to the question; nothing recorded yet
    await on('.consent-update-back').click();
    await on('.consent-update-agree').waitFor();
    assert.equal((await consentOf('health_data')).answeredVersion, health.before);

    await on('.consent-update-disagree').click();
    await on('.consent-update-decline').click();
    await sheet.waitFor({ state: 'hidden' });
    for (const [kind, version] of [
      ['user_agreement', agreement.version],
      ['health_data', health.version],
    ])
      assert.deepEqual(
        await consentOf(kind),
        { ...(await consentOf(kind)), granted: false, answeredVersion: version },
        `${kind}: the refusal is recorded for the new version`,
      );

    // the app goes on, and the same versions are not asked about again
    await on('.bk-top').waitFor();
    assert.deepEqual(await launch(), []);
    await notAsked();

    // no dead end: 设置 lists the health-data consent as not agreed, and agreeing there records the new version
    await mp.tab('我的');
    await on('.menu-settings').click();
    await on('.consent-health_data', '未同意').click();
    await on('.doc-version', health.version).waitFor();
    await on('.policy-agree').click();
    await on('.policy-consent .consent-on').waitFor();
    assert.deepEqual(
      [(await consentOf('health_data')).granted, (await consentOf('health_data')).answeredVersion],
      [true, health.version],
    );

    await mp.tab('我的');
    await on('.menu-care').click();
    await on('.page.me:not(.care)').waitFor();
  });
});
