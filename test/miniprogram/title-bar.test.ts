/**
 * Issue 15: every sub-page of the h5 build has the title bar WeChat would show — its title, nothing of the page drawn
 * over it, and a way back: 返回 when there is a page behind it, 首页 when it was opened on its own (a shared link), as
 * WeChat does. The list of pages is read from the sources, so a page added later is checked too.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { root } from './build';

buildH5BeforeAnySuite();

/** Every subpackage page with the title its config gives ('' when the page sets its own, from what it shows). */
function subPages() {
  const base = path.join(root, 'miniprogram/src/packages');
  return fs
    .readdirSync(base, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('index.config.ts'))
    .sort()
    .map((f) => ({
      url: `/packages/${path.dirname(f)}/index`,
      title: fs.readFileSync(path.join(base, f.replace(/config\.ts$/, 'vue')), 'utf8').includes('setTitle(')
        ? ''
        : (/navigationBarTitleText:\s*'([^']+)'/.exec(fs.readFileSync(path.join(base, f), 'utf8'))?.[1] ?? ''),
    }));
}

describe('miniprogram h5: every sub-page has the title bar with a way back (Chromium)', function () {
  this.timeout(240_000);
  const mp = mpHarness({ shots: 'mp-title-bar', timeout: 15_000 });
  const { on } = mp;

  const titleNow = () =>
    mp.page.evaluate(
      () => document.querySelector('#taro-navigation-bar .taro-navigation-bar-title')?.textContent?.trim() ?? '',
    );
  /** The bar is shown at the top, with `title`, and nothing of the page covers it. */
  async function barShows(where: string, title: string) {
    const bar = on('#taro-navigation-bar');
    await bar.waitFor();
    if (title) await mp.page.waitForFunction((t) => document.title === t, title);
    const shown = await titleNow();
    assert.ok(shown, `${where}: a title`);
    if (title) assert.equal(shown, title, where);
    const cut = await mp.page.evaluate(() => {
      const t = document.querySelector<HTMLElement>('#taro-navigation-bar .taro-navigation-bar-title')!;
      return t.scrollWidth > t.clientWidth;
    });
    assert.ok(!cut, `${where}: the title "${shown}" is shown in full, not cut with …`);
    const box = (await bar.boundingBox())!;
    assert.ok(box.y <= 1 && box.height >= 40, `${where}: the bar at the top (${JSON.stringify(box)})`);
    const onTop = await mp.page.evaluate(
      ([x, y]) => !!document.elementFromPoint(x, y)?.closest('#taro-navigation-bar'),
      [box.x + box.width / 2, box.y + box.height / 2],
    );
    assert.ok(onTop, `${where}: nothing of the page is drawn over the bar`);
  }

  before(async () => {
    await mp.login();
    await mp.consent();
  });

  it('opened on its own (a shared link): title, and 首页 takes the patient into the app', async () => {
    const pages = subPages();
    assert.ok(pages.length >= 25, `${pages.length} sub-pages`);
    for (const p of pages) {
      await mp.open(p.url);
      await barShows(p.url, p.title);
      assert.equal(await mp.page.locator('.taro-navigation-bar-back').isVisible(), false, p.url);
      await on('.taro-navigation-bar-home').click();
      await on('.weui-tabbar__item').waitFor();
    }
  });

  it('reached from the app: 返回 goes back to the page before', async () => {
    // 我的 › 设置 › 隐私政策 › 返回 › 关于 › 返回 › 返回; 我的 › 我的随访 / 我的病历 / 就诊人 / 我的预约 (each › 返回)
    const steps: [string, string][] = [
      ['.menu-settings', '设置'],
      ['.settings-policy', '隐私政策'],
    ];
    await mp.tab('我的');
    for (const [tap, title] of steps) {
      await on(tap).click();
      await barShows(tap, title);
      await on('.taro-navigation-bar-back').waitFor();
    }
    await on('.taro-navigation-bar-back').click();
    await mp.page.waitForFunction(() => document.title === '设置');
    await on('.settings-about').click();
    await barShows('关于', '关于');
    await on('.taro-navigation-bar-back').click();
    await on('.taro-navigation-bar-back').click();
    await on('.me-profile').waitFor();

    for (const [tap, title] of [
      ['.menu-followup', '我的随访'],
      ['.menu-records', '我的病历'],
      ['.menu-patients', '就诊人管理'],
      ['.menu-appointments', '我的预约'],
      ['.menu-orders', '我的订单'],
    ] as const) {
      await on(tap).click();
      await barShows(tap, title);
      await on('.taro-navigation-bar-back').click();
      await on('.me-profile').waitFor();
    }
    await mp.tab('科普');
    await on('.edu-mine').click();
    await barShows('我的宣教', '我的宣教');
    await on('.taro-navigation-bar-back').click();
    await on('.edu-mine').waitFor();
  });
});
