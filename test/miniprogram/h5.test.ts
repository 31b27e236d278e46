/**
 * The patient app's h5 build in real Chromium against the real BFF (fresh database, simulated WeChat):
 * silent login, family members, default member, phone binding, staff application → console.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { adminLogin, call, DEMO } from '../support/api';
import { breakCheck, makeIdCard } from '../support/idcard';
import { settle, trackRequests } from './browser';

buildH5BeforeAnySuite();

describe('miniprogram h5 (Chromium, real BFF)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp', consoleErrors: true, failingStatus: 400 });
  const { on, tab, shot } = mp;
  const userToken = mp.token;
  /** Script errors and failed requests along the way. */
  const consoleErrors = mp.errors;
  const fill = async (hostClass: string, value: string) => {
    const input = on(`.${hostClass} input`);
    await input.fill(value);
  };

  it('a new user opens the app and is logged in silently with the simulated WeChat', async () => {
    const login = mp.page.waitForResponse((r) => r.url().endsWith('/api/mp/auth/login'));
    await mp.page.goto(`${mp.baseUrl}/h5/`);
    const res = await login;
    assert.equal(res.status(), 200);
    const body = await res.json();
    assert.ok(body.accessToken && body.user?.id, 'login returned tokens and the user');

    await on('.home-entry', '预约挂号').waitFor();
    assert.ok(await on('.home-entry', '我的预约').isVisible());
    const openid = await mp.page.evaluate(() => localStorage.getItem('yiyun.sim.openid'));
    assert.match(openid ?? '', /h5-[0-9a-f]{24}/, 'one simulated WeChat user per browser, kept in storage');
    await shot('home');

    const me = await call('GET', '/api/mp/me', { token: await userToken() });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, body.user.id);
  });
  it('adds a family member: a wrong ID number shows an error and saves nothing', async () => {
    await tab('我的');
    await on('.menu-patients').click();
    await on('.state-title', '还没有就诊人').waitFor();
    await shot('patients-empty');
    await on('.state-action', '添加就诊人').click();

    await on('.input-name').waitFor();
    const good = makeIdCard('1958-03-21', 123);
    await fill('input-name', '王秀英');
    await fill('input-idcard', breakCheck(good));
    await fill('input-phone', '13912345678');
    await on('.relation-parent').click();
    await on('.patient-save').click();
    await on('.error-idcard', '校验不通过').waitFor();
    await shot('patient-edit-invalid');

    const token = await userToken();
    const none = await call('GET', '/api/mp/patients', { token });
    assert.equal(none.status, 200);
    assert.equal(none.body.total, 0, 'nothing was saved');

    await fill('input-idcard', good);
    await on('.field-ok', '1958-03-21').waitFor();
    // the first family member needs the separate consents for ID numbers and health data (PIPL)
    await on('.patient-save').click();
    await on('.form-error', '请先阅读并勾选').waitFor();
    await on('.consent-toggle').click();
    await on('.patient-save').click();
    await on('.patient-name', '王秀英').waitFor();
    const card = on('.patient-card', '王秀英');
    assert.match(await card.innerText(), /110105\*+\d{3}[\dX]/, 'ID shown masked');
    assert.match(await card.innerText(), /139\*{4}5678/, 'phone shown masked');
    assert.match(await card.innerText(), /父母/);

    const saved = await call('GET', '/api/mp/patients', { token });
    assert.equal(saved.body.total, 1);
    assert.equal(saved.body.items[0].name, '王秀英');
    assert.equal(saved.body.items[0].birthDate, '1958-03-21');
    assert.equal(saved.body.items[0].gender, 'M');
  });

  it('sets a default family member', async () => {
    await on('.patient-add').click();
    await on('.input-name').waitFor();
    await fill('input-name', '李小雨');
    await fill('input-idcard', makeIdCard('2016-07-09', 222));
    await fill('input-phone', '13800001111');
    await on('.relation-child').click();
    await on('.patient-save').click();
    await on('.patient-name', '李小雨').waitFor();
    assert.match(await on('.patient-card', '李小雨').innerText(), /需监护人陪同/, 'a child under 14 is flagged');

    await on('.patient-card', '李小雨').locator('.patient-set-default').click();
    await on('.patient-card', '李小雨').locator('.patient-default-tag').waitFor();
    // The list reloads after the change: wait until the old default's tag is gone.
    await mp.page.waitForFunction(
      () => [...document.querySelectorAll('.patient-default-tag')].filter((e) => e.checkVisibility()).length <= 1,
    );
    assert.equal(
      await mp.page.locator('.patient-default-tag').filter({ visible: true }).count(),
      1,
      'only one default',
    );
    await shot('patients');

    const list = await call('GET', '/api/mp/patients', { token: await userToken() });
    const byName = Object.fromEntries(
      list.body.items.map((p: { name: string; isDefault: boolean }) => [p.name, p.isDefault]),
    );
    assert.deepEqual(byName, { 王秀英: false, 李小雨: true });
  });

  it('binds a phone number through the (simulated) phone-number button', async () => {
    await tab('我的');
    await on('.me-phone', '未绑定手机号').waitFor();
    await on('.phone-btn', '一键绑定').click();
    await on('.sheet-title', '模拟微信：授权手机号').waitFor();
    await fill('sim-phone-input', '1381234');
    await on('.sim-phone-allow').click();
    await on('.sim-phone-sheet .field-error', '11 位').waitFor();
    await fill('sim-phone-input', '13812341234');
    await shot('phone-sheet');
    await on('.sim-phone-allow').click();
    await on('.me-phone', '138****1234').waitFor();
    await shot('me');

    const me = await call('GET', '/api/mp/me', { token: await userToken() });
    assert.equal(me.body.phoneMasked, '138****1234');
  });

  it('submits a staff application, which shows as pending and reaches the console', async () => {
    const username = `doc_${Date.now().toString(36)}`;
    await on('.menu-staff').click();
    await on('.input-staff-name').waitFor();
    await on('.staff-submit').click();
    await on('.field-error', '请选择所在科室').waitFor();
    // 所在科室 and 岗位, sent empty, are marked like the text fields: the red border and tint, not only the hint
    const looks = (selector: string) =>
      on(selector).evaluate((e) => {
        const s = getComputedStyle(e);
        return `border ${s.borderTopColor} ${s.borderBottomColor}, background ${s.backgroundColor}`;
      });
    const invalid = await looks('.input-staff-name');
    assert.equal(invalid, 'border rgb(217, 48, 38) rgb(217, 48, 38), background rgb(255, 246, 245)');
    assert.equal(await looks('.picker-dept'), invalid, '所在科室 shows it is missing');
    assert.equal(await looks('.picker-post'), invalid, '岗位 shows it is missing');
    await shot('staff-apply-errors');

    await fill('input-staff-name', '张医生');
    await on('.picker-dept').click();
    await on('.option-sheet .option-item').waitFor();
    await shot('staff-dept-sheet');
    const dept = on('.option-sheet .option-item.depth-1');
    const deptName = (await dept.innerText()).trim();
    await dept.click();
    await on('.picker-dept:not(.field-input-error)').waitFor();
    assert.notEqual(await looks('.picker-dept'), invalid, 'chosen, 所在科室 is no longer marked');
    await on('.picker-post').click();
    await on('.option-sheet .option-item').click();
    await fill('input-username', username);
    await fill('input-password', 'Ginkgo-Trail-64');
    await fill('input-password2', 'Ginkgo-Trail-64');
    await shot('staff-apply');
    await on('.staff-submit').click();

    await on('.status-title', '审核中').waitFor();
    assert.match(await on('.details').innerText(), new RegExp(username));
    assert.match(await on('.details').innerText(), new RegExp(deptName));
    await shot('staff-status');

    const admin = await adminLogin(DEMO.admin.username, DEMO.admin.password);
    const apps = await call('GET', '/api/admin/system/staff-applications?status=pending&pageSize=100', {
      token: admin.accessToken,
    });
    assert.equal(apps.status, 200);
    const mine = apps.body.items.find((a: { username: string }) => a.username === username);
    assert.ok(mine, 'the console lists the application');
    assert.equal(mine.name, '张医生');
    assert.equal(mine.status, 'pending');

    await tab('我的');
    await on('.menu-staff .staff-pending', '审核中').waitFor();
  });

  it('edits a family member and deletes one after confirming', async () => {
    await tab('我的');
    await on('.menu-patients').click();
    await on('.patient-card', '王秀英').locator('.patient-edit').click();
    await on('.input-name').waitFor();
    assert.equal(await on('.input-name input').inputValue(), '王秀英', 'the form is filled from the BFF');
    assert.ok(await on('.readonly-value', '110105').isVisible(), 'the ID number is shown masked and cannot be changed');
    await fill('input-name', '王秀兰');
    await on('.relation-spouse').click();
    await shot('patient-edit');
    await on('.patient-save').click();
    await on('.patient-name', '王秀兰').waitFor();
    assert.match(await on('.patient-card', '王秀兰').innerText(), /配偶/);

    await on('.patient-card', '王秀兰').locator('.patient-delete').click();
    await mp.page.locator('.taro-modal__text', { hasText: '王秀兰' }).waitFor();
    await settle(mp.page); // the modal fades in
    await shot('patient-delete-confirm');
    await mp.page.locator('.taro-model__cancel').click();
    await mp.page.locator('.taro-modal__text', { hasText: '王秀兰' }).waitFor({ state: 'hidden' });
    assert.ok(await on('.patient-name', '王秀兰').isVisible(), 'cancel keeps the member');

    await on('.patient-card', '王秀兰').locator('.patient-delete').click();
    await mp.page.locator('.taro-model__confirm').click();
    await on('.patient-name', '王秀兰').waitFor({ state: 'detached' });
    const list = await call('GET', '/api/mp/patients', { token: await userToken() });
    assert.deepEqual(
      list.body.items.map((p: { name: string }) => p.name),
      ['李小雨'],
    );
  });

  it('recovers from a rejected access token with one silent re-login shared by concurrent requests', async () => {
    const me = await call('GET', '/api/mp/me', { token: await userToken() });
    // The access token the app holds stops working (as after a forced logout on the server).
    await mp.page.evaluate(() => {
      const raw = JSON.parse(localStorage.getItem('yiyun.mp.tokens')!);
      (raw.data ?? raw).accessToken = 'revoked.access.token';
      localStorage.setItem('yiyun.mp.tokens', JSON.stringify(raw));
    });

    const logins: number[] = [];
    const unauthorized: string[] = [];
    const onResponse = (r: import('playwright-core').Response) => {
      if (r.url().endsWith('/api/mp/auth/login')) logins.push(r.status());
      if (r.status() === 401) unauthorized.push(r.url());
    };
    mp.page.on('response', onResponse);
    const requests = trackRequests(mp.page);
    await tab('首页');
    await tab('我的'); // 我的 loads profile, family members and staff application at once
    await on('.menu-patients .menu-extra', '1 位').waitFor();
    await on('.menu-staff .staff-pending').waitFor();
    await requests.idle(); // every request the page made has answered before the answers are counted
    mp.page.off('response', onResponse);
    // Those 401s are the point of this test; nothing else may fail.
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.startsWith('401 ')));

    assert.ok(unauthorized.length >= 2, `several requests met the bad token together (${unauthorized.length})`);
    assert.deepEqual(logins, [200], 'exactly one silent re-login');
    const after = await call('GET', '/api/mp/me', { token: await userToken() });
    assert.equal(after.status, 200);
    assert.equal(after.body.id, me.body.id, 'the same WeChat user (the simulated openid is kept)');
  });

  it('allows at most 5 family members (the add button says so; the BFF refuses a sixth)', async () => {
    const token = await userToken();
    const names = ['赵一', '钱二', '孙三', '周四'];
    for (const [i, name] of names.entries()) {
      const r = await call('POST', '/api/mp/patients', {
        token,
        body: {
          name,
          idCard: makeIdCard(`19${70 + i}-01-0${i + 1}`, 300 + i),
          phone: `1370000000${i}`,
          relation: 'other',
        },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await on('.menu-patients').click();
    await on('.patient-name', '周四').waitFor();
    const add = on('.patient-add');
    assert.match(await add.innerText(), /已达上限（5 位）/);
    assert.ok(await add.evaluate((el) => el.hasAttribute('disabled')), 'the add button is disabled at 5');
    await shot('patients-full');

    const sixth = await call('POST', '/api/mp/patients', {
      token,
      body: { name: '吴五', idCard: makeIdCard('1980-05-05', 400), phone: '13700000009', relation: 'other' },
    });
    assert.equal(sixth.status, 409);
    assert.equal(sixth.body.error.code, 'PATIENT_LIMIT');
  });

  it('the 问诊 tab shows a new user where to start (科普: test/miniprogram/education.test.ts)', async () => {
    await tab('问诊');
    await on('.cs-action-title', '找医生问诊').waitFor();
    await on('.state-title', '还没有问诊记录').waitFor();
    await shot('consult');
    assert.deepEqual(consoleErrors, [], 'no script errors or failed requests along the way');
  });
});
