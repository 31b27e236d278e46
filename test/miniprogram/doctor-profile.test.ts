/**
 * The doctor page in the patient app's h5 build shows what 医生管理 keeps (issue 15): the photo uploaded in the
 * console, 职称, the 号别 with its fee, 擅长 and 简介 — and a session scheduled for that doctor costs the 号别's fee.
 */
import assert from 'node:assert/strict';
import { startStack } from '../support/stack';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call } from '../support/api';
import { admin, newDoctor, newSchedule, tomorrow } from '../support/booking';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const SURNAMES = '赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜';
const GIVEN = '明远志诚嘉怡文博思雨浩然子轩梓涵若曦晨阳';
const randomName = () =>
  SURNAMES[Math.floor(Math.random() * SURNAMES.length)] +
  GIVEN[Math.floor(Math.random() * GIVEN.length)] +
  GIVEN[Math.floor(Math.random() * GIVEN.length)];

buildH5BeforeAnySuite();

describe('miniprogram h5: the doctor page shows the console’s profile and 号别 (Chromium)', function () {
  this.timeout(120_000);
  const mp = mpHarness({ shots: 'mp-doctor-profile', timeout: 15_000 });
  const { on, shot } = mp;

  it('photo, 职称, 专家号 with its fee, 擅长 and 简介; the session costs the 号别 fee', async () => {
    const stack = await startStack();
    const name = randomName();
    const d = await newDoctor('心血管内科', name);
    const token = await admin();
    const up = await fetch(`${stack.baseUrl}/api/admin/files?kind=image&filename=photo.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(PNG),
    });
    const { url } = (await up.json()) as { url: string };
    const set = await call('PUT', `/api/admin/scheduling/doctor-profiles/${d.id}`, {
      token,
      body: {
        avatarUrl: url,
        title: '主任医师',
        level: 'expert',
        specialty: '高血压难治病例',
        intro: '三十年临床经验。',
      },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const fee = set.body.levelFeeFen as number;
    await newSchedule(d.id, { feeFen: 1, date: tomorrow() });

    await mp.open('/');
    await mp.page.locator('.weui-tabbar__item', { hasText: '预约' }).click();
    await on('.bk-search-input input').fill('心血管');
    await on('.bk-dept', '心血管内科').click();
    await on('.bk-doctor', name).click();
    await on('.bk-session').waitFor();
    const yuan = (fee / 100).toFixed(2);
    assert.equal(
      (await on('[data-test=doctor-level]').innerText()).replace(/\s+/g, ' ').trim(),
      `专家号 · 挂号费 ¥${yuan}`,
    );
    assert.match(await on('.bk-doc-card').innerText(), /主任医师/);
    assert.match(await on('.bk-doc-card').innerText(), /高血压难治病例/);
    assert.match(await on('[data-test=doctor-intro]').innerText(), /三十年临床经验/);
    assert.match(await on('.bk-session-fee').innerText(), new RegExp(`¥${yuan.replace('.', '\\.')}`));
    const photo = on('[data-test=doctor-photo]');
    await photo.waitFor();
    assert.ok(
      await photo.evaluate((el) => {
        const img = el.tagName === 'IMG' ? (el as HTMLImageElement) : el.querySelector('img');
        return !!img && img.complete && img.naturalWidth > 0;
      }),
      'the uploaded photo loads',
    );
    await shot('page');
  });
});
