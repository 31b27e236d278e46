/**
 * The patient's shell pages in real Chromium against the real BFF (issue 15): privacy first (our popup, the separate
 * consents before a family member, the policy pages), 首页 with the hospital and its announcements from the console,
 * 我的消息 opening their subject (去支付), 我的订单, avatar and nickname, 关怀模式 remembered, 退出登录 and 注销账号 —
 * and axe-core's WCAG 2.1 AA rules with 0 violations on each patient screen looked at.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack } from '../support/stack';
import { buildH5BeforeAnySuite, mpHarness, SHOTS } from '../support/mp-harness';
import { call, loginAs, bookAsApp } from '../support/api';
import { makeIdCard } from '../support/idcard';
import { newDoctor, newSchedule } from '../support/booking';
import { MpUser } from '../../bff/src/modules/auth/models';
import { PayOrder } from '../../bff/src/modules/payment/models';
import { settle } from './browser';
import { describeViolations, wcagViolations } from './axe';

buildH5BeforeAnySuite();

describe('miniprogram h5: privacy, 首页, 消息, 我的, 关怀模式 (Chromium, real BFF, axe-core)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-portal', failingStatus: 500 });
  const { on, tab, shot, accessible } = mp;
  const userToken = mp.token;

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  it('首页 shows the hospital (name, address, hours, phone, map link) and the console’s announcements', async () => {
    const admin = await loginAs('admin');
    const created = await call('POST', '/api/admin/system/notices', {
      token: admin,
      body: {
        title: '门诊楼电梯检修通知',
        type: 'notice',
        content: '12 月 10 日门诊楼 2 号电梯检修，请使用 1 号电梯或步梯。',
        status: 'published',
        pinned: true,
      },
    });
    assert.equal(created.status, 201);
    await mp.page.goto(`${mp.baseUrl}/h5/`);
    await on('.home-hospital-name', '医云示范医院').waitFor();
    assert.match(await on('.home-address').innerText(), /示范路 100 号/);
    assert.match(await on('.home-hours').innerText(), /08:00/);
    assert.match(await on('.home-phone').innerText(), /021-64000000/);
    const first = on('.home-notice');
    assert.match(await first.innerText(), /门诊楼电梯检修通知/, 'the pinned announcement first');
    await shot('home');
    await accessible('首页');

    // the map button opens a map site in the browser preview (wx.openLocation in WeChat); the test machine has no
    // internet, so the map site is answered here
    await mp.context.route('https://uri.amap.com/**', (r) => r.fulfill({ contentType: 'text/plain', body: '地图' }));
    const popup = mp.context.waitForEvent('page');
    await on('.home-map').click();
    const map = await popup;
    assert.match(map.url(), /amap\.com\/marker\?position=121\.4365,31\.1886/);
    await map.close();

    await first.click();
    await on('.announcement-content', '2 号电梯检修').waitFor();
    await shot('announcement');
    await accessible('公告详情');
    await mp.page.goBack();
  });

  it('a family member needs the separate consents; the policy pages show their versions', async () => {
    await tab('我的');
    await on('.menu-settings').click();
    await on('.consent-health_data', '未同意').waitFor();
    await shot('settings');
    await accessible('设置');
    await on('.settings-policy').click();
    await on('.doc-title', '隐私政策').waitFor();
    assert.match(await on('.doc-version').innerText(), /版本 \d{4}-\d{2}-\d{2}/);
    await shot('policy');
    await accessible('隐私政策');
    await mp.page.goBack();
    await mp.page.goBack();

    await on('.menu-patients').click();
    await on('.state-action', '添加就诊人').click();
    await on('.patient-consent').waitFor();
    await on('.input-name input').fill('孙桂兰');
    await on('.input-idcard input').fill(makeIdCard('1950-06-12', 231));
    await on('.input-phone input').fill('13912340000');
    await on('.relation-parent').click();
    await on('.patient-save').click();
    await on('.form-error', '请先阅读并勾选').waitFor();
    const token = await userToken();
    assert.equal((await call('GET', '/api/mp/patients', { token })).body.total, 0, 'nothing saved without consent');
    await shot('patient-consent');
    await accessible('添加就诊人');
    await on('.consent-toggle').click();
    await on('.patient-save').click();
    await on('.patient-name', '孙桂兰').waitFor();
    const consents = (await call('GET', '/api/mp/privacy/consents', { token })).body.items;
    assert.ok(consents.every((c: { granted: boolean; answeredVersion: string }) => c.granted && c.answeredVersion));
    await accessible('就诊人');
  });

  it('我的消息: every event names patient and doctor, and a message opens its subject (去支付)', async () => {
    const token = await userToken();
    const patientId = (await call('GET', '/api/mp/patients', { token })).body.items[0].id;
    const doctor = await newDoctor('皮肤科', '蒋消息');
    const s = await newSchedule(doctor.id, { slotCount: 3 });
    const booked = await bookAsApp({ token, body: { scheduleId: s.id, patientId } });
    assert.equal(booked.status, 201);
    const id = booked.body.appointment.id;

    await tab('首页');
    await tab('我的');
    await on('.me-unread', '1 条未读').waitFor();
    await on('.menu-notices').click();
    const message = on('.bk-notice', '预约待支付');
    await message.waitFor();
    assert.match(await message.innerText(), /孙桂兰/);
    assert.match(await message.innerText(), /蒋消息/);
    await on('.bk-notice-appointment_pay', '去支付').waitFor();
    await shot('notices');
    await accessible('我的消息');
    await message.click();
    await mp.page.waitForURL(
      (u) => u.pathname.endsWith('/packages/booking/pages/detail/index') && u.search.includes(`id=${id}`),
    );
    await mp.page.goBack();

    // paid: the order is listed in 我的订单
    const { pay } = await startStack();
    const order = (await PayOrder.findOne({ where: { subjectType: 'appointment', subjectId: id } }))!;
    await pay.pay(order.outTradeNo);
    await pay.settled();
    await mp.page.goBack();
    await on('.menu-orders').click();
    const card = on('.order-card');
    await card.waitFor();
    assert.match(await card.innerText(), /已支付/);
    assert.match(await card.innerText(), /¥25\.00/);
    await shot('orders');
    await accessible('我的订单');
    await mp.page.goBack();
  });

  it('avatar and nickname; 关怀模式 is switched in 我的 and remembered', async () => {
    await on('.me-profile').click();
    await on('.profile-nickname input').fill('孙阿姨');
    await on('.profile-save').click();
    await mp.page.goBack();
    await on('.me-name', '孙阿姨').waitFor();

    await on('.menu-care').click();
    await on('.page.me.care').waitFor();
    await shot('me-care');
    await accessible('我的（关怀模式）');
    await mp.page.reload();
    await tab('首页');
    await on('.care-entry', '预约挂号').waitFor();
    // the phone entry comes with the hospital's information, which loads on its own
    await on('.care-entry-phone', '021-64000000').waitFor();
    assert.deepEqual(
      await mp.page
        .locator('.care-entry')
        .filter({ visible: true })
        .evaluateAll((els) => els.map((e) => e.textContent?.trim())),
      ['挂预约挂号', '约我的预约', '人就诊人', '咨询电话 021-64000000'],
    );
    assert.equal(await on('.home-entry').count(), 0, 'the simplified home');
    const size = await on('.care-entry-title').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 24, `large type on the care home (${size}px)`);
    await shot('home-care');
    await accessible('首页（关怀模式）');
    await on('.care-entry', '就诊人').click();
    await on('.patient-list.care').waitFor();
    await mp.page.goBack();

    await tab('我的');
    await on('.menu-care').click();
    await tab('首页');
    await on('.home-entry').waitFor();
  });

  it('退出登录 ends the login until the patient logs in again', async () => {
    const before = await userToken();
    await tab('我的');
    await on('.menu-settings').click();
    await on('.settings-logout').click();
    await mp.page.locator('.taro-model__confirm').click();
    await on('.me-login-btn').waitFor();
    assert.equal((await call('GET', '/api/mp/me', { token: before })).status, 401, 'the old token stops at once');
    await shot('logged-out');
    await accessible('我的（已退出）');
    await on('.me-login-btn').click();
    await on('.me-name', '孙阿姨').waitFor();
  });

  it('注销账号 after confirming: the account is anonymised and the app is logged out', async () => {
    const token = await userToken();
    const userId = (await call('GET', '/api/mp/me', { token })).body.id;
    await on('.menu-settings').click();
    await on('.settings-delete').click();
    await on('.delete-confirm-input input').waitFor();
    await shot('delete');
    await accessible('注销账号');
    // a booked appointment still ahead: refused, and the reason is shown
    await on('.delete-confirm-input input').fill('注销');
    await on('.delete-submit').click();
    await mp.page.locator('.taro-model__confirm').click();
    await on('.delete-error', '请先取消').waitFor();

    const appointments = (await call('GET', '/api/mp/appointments?status=upcoming', { token })).body.items;
    for (const a of appointments) await call('POST', `/api/mp/appointments/${a.id}/cancel`, { token });
    await on('.delete-submit').click();
    await mp.page.locator('.taro-model__confirm').click();
    await on('.me-login-btn').waitFor();
    const u = (await MpUser.findByPk(userId))!;
    assert.ok(u.deletedAt && u.nickname === null && u.phoneEnc === null);
    assert.equal((await call('GET', '/api/mp/me', { token })).status, 401);
  });

  it('a privacy request from a new user opens our popup; declining leaves things as they were', async () => {
    const fresh = await mp.newPhone();
    const p2 = await fresh.newPage();
    try {
      await p2.goto(`${mp.baseUrl}/h5/packages/me/pages/profile/index`);
      await p2.locator('.profile-avatar').filter({ visible: true }).first().click();
      const popup = p2.locator('.privacy-sheet').filter({ visible: true }).first();
      await popup.waitFor();
      await settle(p2);
      await p2.screenshot({ path: path.join(SHOTS, 'mp-portal-privacy-popup.png') });
      const v = await wcagViolations(p2);
      assert.equal(v.length, 0, `隐私弹窗: ${describeViolations(v)}`);
      await p2.locator('.privacy-disagree').filter({ visible: true }).first().click();
      await popup.waitFor({ state: 'hidden' });
      const raw = JSON.parse((await p2.evaluate(() => localStorage.getItem('yiyun.mp.tokens')))!);
      const t = (raw.data ?? raw).accessToken;
      const c = (await call('GET', '/api/mp/privacy/consents', { token: t })).body.items;
      assert.ok(
        c.every((i: { granted: boolean }) => !i.granted),
        'declining records no consent',
      );

      await p2.locator('.profile-avatar').filter({ visible: true }).first().click();
      await popup.waitFor();
      const chooser = p2.waitForEvent('filechooser');
      await p2.locator('.privacy-agree').filter({ visible: true }).first().click();
      await chooser; // agreeing lets the avatar choice go on
      const after = (await call('GET', '/api/mp/privacy/consents', { token: t })).body.items;
      assert.deepEqual(
        after.filter((i: { granted: boolean }) => i.granted).map((i: { kind: string }) => i.kind),
        ['privacy_policy', 'user_agreement'],
      );
    } finally {
      await fresh.close();
    }
  });
  it('the policy page shows the version 协议管理 published, with its new text', async () => {
    const admin = await loginAs('admin');
    const current = (await call('GET', '/api/admin/privacy/documents', { token: admin })).body.items.find(
      (i: { kind: string }) => i.kind === 'user_agreement',
    ).published;
    // the user agreement (not a consent the family-member gate asks for, so other suites are not sent back to agree)
    const marker = `第${Math.floor(Math.random() * 9000 + 1000)}号补充条款`;
    const draft = await call('PUT', '/api/admin/privacy/documents/user_agreement/draft', {
      token: admin,
      body: {
        title: current.title,
        purpose: current.purpose,
        body: `${current.body}\n\n## ${marker}\n预约成功后请按时就诊。`,
      },
    });
    assert.equal(draft.status, 200, JSON.stringify(draft.body));
    const published = await call('POST', '/api/admin/privacy/documents/user_agreement/publish', { token: admin });
    assert.equal(published.status, 200, JSON.stringify(published.body));

    await mp.open('/packages/me/pages/policy/index?kind=user_agreement');
    await on('.doc-heading', marker).waitFor();
    assert.equal((await on('.doc-version').innerText()).trim(), `版本 ${published.body.version}`);
    assert.match(await on('.doc-paragraph', '按时就诊').innerText(), /预约成功后请按时就诊/);
    await shot('policy-published');
    await accessible('用户协议（新版本）');
  });
});
