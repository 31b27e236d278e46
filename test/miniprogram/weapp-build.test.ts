/**
 * The WeChat build itself: app.json, every page's files, WeChat's package size limits, and the real
 * weapp output rendered by miniprogram-simulate (official wcc template compiler + j-component in jsdom).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureBuilt, distWeapp } from './build';
import { packageSizes, WECHAT_LIMITS } from '../bench/mp-sizes';
import { breakCheck, makeIdCard } from '../support/idcard';

const require = createRequire(import.meta.url);
const { JSDOM } = require('jsdom') as {
  JSDOM: new (html: string, opts: object) => { window: Window & Record<string, unknown> };
};
const TAB_PAGES = [
  'pages/home/index',
  'pages/booking/index',
  'pages/consult/index',
  'pages/education/index',
  'pages/me/index',
];

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
  tabBar: { list: { pagePath: string; text: string; iconPath?: string; selectedIconPath?: string }[] };
}

describe('miniprogram weapp build', function () {
  this.timeout(120_000);
  let app: AppJson;

  before(function () {
    this.timeout(15 * 60_000);
    ensureBuilt('weapp');
    app = JSON.parse(fs.readFileSync(path.join(distWeapp, 'app.json'), 'utf8'));
  });

  it('app.json: tab pages in the main package, the longer flows in subpackages', () => {
    assert.deepEqual(app.pages, TAB_PAGES);
    assert.deepEqual(
      app.tabBar.list.map((t) => [t.pagePath, t.text]),
      [
        ['pages/home/index', '首页'],
        ['pages/booking/index', '预约'],
        ['pages/consult/index', '问诊'],
        ['pages/education/index', '科普'],
        ['pages/me/index', '我的'],
      ],
    );
    const subs = Object.fromEntries((app.subPackages ?? []).map((s) => [s.root, s.pages]));
    assert.deepEqual(subs['packages/patient'], ['pages/list/index', 'pages/edit/index']);
    assert.deepEqual(subs['packages/staff'], [
      'pages/apply/index',
      'pages/status/index',
      'pages/learning/index',
      'pages/learn/index',
    ]);
    assert.ok(subs['packages/booking']?.includes('pages/mine/index'), 'booking flows live in their own subpackage');
    assert.deepEqual(subs['packages/education'], ['pages/detail/index', 'pages/mine/index']);
    for (const t of app.tabBar.list) {
      for (const icon of [t.iconPath, t.selectedIconPath]) {
        assert.ok(icon && fs.existsSync(path.join(distWeapp, icon)), `tab icon ${icon} exists`);
        assert.ok(fs.statSync(path.join(distWeapp, icon)).size <= 40 * 1024, 'WeChat tab icons must be ≤ 40 KB');
      }
    }
  });

  it('app.json follows WeChat’s privacy and start-up recommendations, with a sitemap beside it', () => {
    const raw = app as unknown as Record<string, unknown>;
    assert.equal(raw.__usePrivacyCheck__, true);
    assert.equal(raw.lazyCodeLoading, 'requiredComponents');
    assert.equal(raw.sitemapLocation, 'sitemap.json');
    const sitemap = JSON.parse(fs.readFileSync(path.join(distWeapp, 'sitemap.json'), 'utf8'));
    assert.deepEqual(sitemap.rules.at(-1), { action: 'disallow', page: '*' }, 'personal pages are not indexed');
    assert.ok(sitemap.rules.some((r: { action: string; page: string }) => r.page === 'pages/home/index'));
    const subs = Object.fromEntries((app.subPackages ?? []).map((s) => [s.root, s.pages]));
    assert.ok(subs['packages/me']?.includes('pages/settings/index'), '设置 and its pages live in their own subpackage');
  });

  it('every page has its js, json and wxml, and its components resolve', () => {
    const all = [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
    assert.ok(all.length >= 10, `${all.length} pages`);
    for (const page of all) {
      for (const ext of ['js', 'json', 'wxml']) {
        assert.ok(fs.existsSync(path.join(distWeapp, `${page}.${ext}`)), `${page}.${ext} exists`);
      }
      const json = JSON.parse(fs.readFileSync(path.join(distWeapp, `${page}.json`), 'utf8'));
      assert.ok(json.navigationBarTitleText, `${page} has a title`);
      for (const [tag, rel] of Object.entries<string>(json.usingComponents ?? {})) {
        const target = rel.startsWith('/') ? path.join(distWeapp, rel) : path.join(distWeapp, path.dirname(page), rel);
        assert.ok(fs.existsSync(`${target}.js`), `${page}: component ${tag} → ${rel} exists`);
      }
    }
  });

  it('stays inside WeChat package limits, and the weapp bundle has no simulated-WeChat code', () => {
    const sizes = packageSizes(distWeapp);
    for (const [root, bytes] of Object.entries(sizes.packages)) {
      assert.ok(bytes <= WECHAT_LIMITS.perPackage, `${root}: ${bytes} bytes ≤ 2 MB`);
    }
    assert.ok(sizes.total <= WECHAT_LIMITS.total, `total ${sizes.total} bytes ≤ 20 MB`);
    // main + the patient, staff, booking, consult, education, records, followup and me (设置, 订单 …) subpackages
    assert.ok(sizes.packages.main > 0 && Object.keys(sizes.packages).length === 9, Object.keys(sizes.packages).join());
    const js = fs.readdirSync(distWeapp, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    for (const f of js) {
      assert.ok(
        !fs.readFileSync(path.join(distWeapp, f), 'utf8').includes('/sim-wechat/'),
        `${f} carries no h5-only code`,
      );
    }
  });

  describe('pages under miniprogram-simulate (the real weapp output)', () => {
    type Comp = {
      dom: HTMLElement;
      instance: Record<string, (...a: unknown[]) => unknown>;
      attach(parent: Element): void;
      querySelector(sel: string): { dispatchEvent(name: string, opts?: unknown): void; dom: HTMLElement } | null;
    };
    let simulate: {
      load(p: string, opts: object): string;
      render(id: string): Comp;
      sleep(ms: number): Promise<void>;
    };
    const calls: { api: string; arg: Record<string, unknown> }[] = [];
    let loginAttempts = 0;
    const saved: Record<string, unknown> = {};

    before(() => {
      const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
      const g = globalThis as Record<string, unknown>;
      for (const k of [
        'window',
        'document',
        'navigator',
        'Node',
        'Element',
        'HTMLElement',
        'Event',
        'CustomEvent',
        'MutationObserver',
        'getComputedStyle',
        'requestAnimationFrame',
      ]) {
        saved[k] = g[k];
        Object.defineProperty(g, k, {
          value: k === 'window' ? dom.window : (dom.window as unknown as Record<string, unknown>)[k],
          configurable: true,
          writable: true,
        });
      }
      // The WeChat runtime the pages expect. Navigation is recorded so a tap can be checked; login and
      // network fail the way they do on a phone without network (there is no WeChat server here).
      const storage = new Map<string, unknown>();
      const ok =
        (api: string) =>
        (arg: Record<string, unknown> = {}) => {
          calls.push({ api, arg });
          (arg.success as ((r: object) => void) | undefined)?.({ errMsg: `${api}:ok` });
          (arg.complete as (() => void) | undefined)?.();
        };
      const fail =
        (api: string) =>
        (arg: Record<string, unknown> = {}) => {
          calls.push({ api, arg });
          (arg.fail as ((r: object) => void) | undefined)?.({ errMsg: `${api}:fail no network in this test` });
          (arg.complete as (() => void) | undefined)?.();
        };
      saved.wx = g.wx;
      g.wx = {
        login: (arg: Record<string, unknown>) => {
          loginAttempts++;
          fail('login')(arg);
        },
        request: fail('request'),
        navigateTo: ok('navigateTo'),
        switchTab: ok('switchTab'),
        redirectTo: ok('redirectTo'),
        navigateBack: ok('navigateBack'),
        showToast: ok('showToast'),
        showLoading: ok('showLoading'),
        hideLoading: ok('hideLoading'),
        showModal: ok('showModal'),
        stopPullDownRefresh: ok('stopPullDownRefresh'),
        getStorageSync: (k: string) => storage.get(k) ?? '',
        setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
        removeStorageSync: (k: string) => void storage.delete(k),
        getSystemInfoSync: () => ({
          platform: 'devtools',
          windowWidth: 375,
          windowHeight: 667,
          pixelRatio: 2,
          SDKVersion: '3.4.0',
        }),
        canIUse: () => true,
      };
      let appConfig: Record<string, (...a: unknown[]) => unknown> | undefined;
      g.App = (o: typeof appConfig) => {
        appConfig = o;
      };
      g.getApp = () => appConfig;
      g.getCurrentPages = () => [];
      // j-component only knows Component(); a page's lifecycle functions become its methods.
      g.Page = (o: Record<string, unknown>) => {
        const methods = Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'function'));
        (g.Component as (d: object) => void)({ ...o, methods });
      };
      simulate = require('miniprogram-simulate');
      require(path.join(distWeapp, 'app.js'));
      assert.ok(appConfig, 'app.js registered the App');
      appConfig!.onLaunch?.call(appConfig, { path: 'pages/home/index', query: {} });
    });

    after(() => {
      const g = globalThis as Record<string, unknown>;
      for (const [k, v] of Object.entries(saved))
        Object.defineProperty(g, k, { value: v, configurable: true, writable: true });
      for (const k of ['App', 'getApp', 'getCurrentPages', 'Page', 'Component', 'Behavior']) delete g[k];
    });

    // A page's chunk runs (and calls Page()) once per process, as in WeChat: load once, render often.
    const loaded = new Map<string, string>();
    async function renderPage(page: string): Promise<Comp> {
      let id = loaded.get(page);
      if (!id)
        loaded.set(
          page,
          (id = simulate.load(path.join(distWeapp, page), { rootPath: distWeapp, compiler: 'official' })),
        );
      const comp = simulate.render(id);
      const parent = document.createElement('div');
      document.body.appendChild(parent);
      comp.attach(parent);
      comp.instance.onLoad({});
      comp.instance.onShow();
      comp.instance.onReady();
      // Taro mounts the Vue page and flushes setData asynchronously: wait for the first render.
      for (let i = 0; i < 100 && !(comp.dom.textContent ?? '').trim(); i++) await simulate.sleep(20);
      return comp;
    }
    const tapped = async (comp: Comp, selector: string) => {
      const el = comp.querySelector(selector);
      assert.ok(el, `${selector} is rendered`);
      calls.length = 0;
      el.dispatchEvent('tap');
      const navigations = () =>
        calls
          .filter((c) => ['navigateTo', 'switchTab', 'redirectTo'].includes(c.api))
          .map((c) => `${c.api} ${c.arg.url}`);
      for (let i = 0; i < 50 && !navigations().length; i++) await simulate.sleep(20);
      await simulate.sleep(20);
      return navigations();
    };

    it('首页 renders its four entrances; tapping one switches tab or opens the subpackage', async () => {
      const home = await renderPage('pages/home/index');
      const text = home.dom.textContent ?? '';
      for (const label of ['预约挂号', '在线问诊', '健康科普', '我的预约', '就诊人管理'])
        assert.ok(text.includes(label), `home shows ${label}`);
      assert.deepEqual(await tapped(home, '.entry-booking'), ['switchTab /pages/booking/index']);
      assert.deepEqual(await tapped(home, '.entry-mine'), ['navigateTo /packages/booking/pages/mine/index']);
      assert.deepEqual(await tapped(home, '.home-patients'), ['navigateTo /packages/patient/pages/list/index']);
    });

    it('问诊 shows where to start; 科普 opens 我的宣教 from its subpackage', async () => {
      const consult = (await renderPage('pages/consult/index')).dom.textContent ?? '';
      assert.ok(consult.includes('找医生问诊') && consult.includes('我的问诊'), 'pages/consult/index is the 问诊 tab');
      const edu = await renderPage('pages/education/index');
      assert.ok((edu.dom.textContent ?? '').includes('我的宣教'), '科普 shows 我的宣教');
      assert.deepEqual(await tapped(edu, '.edu-mine'), ['navigateTo /packages/education/pages/mine/index']);
    });

    it('就诊人 form (subpackage) checks the ID number on the phone before anything is sent', async () => {
      const form = await renderPage('packages/patient/pages/edit/index');
      const type = async (selector: string, value: string) => {
        form.querySelector(selector)!.dispatchEvent('input', { detail: { value } });
        await simulate.sleep(30);
      };
      await type('.input-name', '王秀英');
      await type('.input-idcard', breakCheck(makeIdCard('1958-03-21')));
      await type('.input-phone', '13912345678');
      form.querySelector('.relation-parent')!.dispatchEvent('tap');
      await simulate.sleep(30);
      calls.length = 0;
      form.querySelector('.patient-save')!.dispatchEvent('tap');
      for (let i = 0; i < 50 && !(form.dom.textContent ?? '').includes('校验不通过'); i++) await simulate.sleep(20);
      assert.ok((form.dom.textContent ?? '').includes('身份证号码校验不通过'), 'the checksum error is shown');
      assert.equal(calls.filter((c) => c.api === 'request').length, 0, 'nothing was sent to the BFF');

      await type('.input-idcard', makeIdCard('1958-03-21'));
      assert.ok(
        (form.dom.textContent ?? '').includes('出生日期 1958-03-21 · 男'),
        'a valid number shows the birth date it encodes',
      );
    });

    it('我的 renders the menu (login failed offline: it says so) and opens 就诊人管理 on tap', async () => {
      const me = await renderPage('pages/me/index');
      await simulate.sleep(100);
      const text = me.dom.textContent ?? '';
      for (const label of ['就诊人管理', '我的预约', '医护人员入驻'])
        assert.ok(text.includes(label), `me shows ${label}`);
      assert.ok(text.includes('微信登录失败'), 'the failed silent login is explained in Chinese');
      assert.ok(loginAttempts >= 1, 'the app tried a silent wx.login on launch');
      assert.ok(me.querySelector('.btn-plain'), 'a 重新登录 button is offered');
      assert.deepEqual(await tapped(me, '.menu-patients'), ['navigateTo /packages/patient/pages/list/index']);
    });
  });
});
