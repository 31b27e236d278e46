/**
 * The h5 build by keyboard alone (WCAG 2.1.1): Tab, Shift+Tab, Enter, Space, Escape and the arrows — never a click.
 * 人员申请's 所在科室 and 岗位 are buttons that open their sheet (a dialog that takes focus to the chosen option, keeps
 * it while open and gives it back to the field), and Taro's video player — a 科普 video and a staff 学习 video — is
 * played, paused and moved along from its own controls, named and announced, its bar shown while focus is in it.
 * And whole walks a patient or a new doctor makes, with keys only: booking a doctor from 首页 to the paid appointment
 * (科室, 医生 — and 返回 in the title bar —, 日期, 预约, 就诊人, 确认并支付, the pay sheet), answering a 随访问卷, and
 * filling in and sending 人员申请. A tab list or a radio group (预约's 挂号方式 and 科室分类, 我的预约's status, 就诊人's
 * 关系, 病历's and 随访's 就诊人, 科普's filters, a 随访问卷's single choice) is one Tab stop, on its chosen item, and the
 * arrows choose within it (WAI-ARIA's roving tabindex).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildH5BeforeAnySuite, mpHarness, pageShown } from '../support/mp-harness';
import { call, loginAs, unique } from '../support/api';
import { deptId, newDoctor, newSchedule, tomorrow } from '../support/booking';
import { makeIdCard } from '../support/idcard';
import { becomePhysician } from '../support/staff';
import { makeWebm } from '../support/video';
import { newPlan, newQuestionnaire } from '../support/followup';
import { bookedToday, physician } from '../support/records';
import { wcagViolations, describeViolations } from './axe';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

buildH5BeforeAnySuite();

interface Focused {
  role: string | null;
  label: string | null;
  cls: string;
  text: string;
  /** In the open sheet (role=dialog). */
  inDialog: boolean;
  tag: string;
  placeholder: string | null;
  checked: string | null;
  selected: string | null;
  /** data-* attributes (a day's date on the doctor's page). */
  data: Record<string, string | undefined>;
}

const focused = (page: Page) =>
  page.evaluate((): Focused => {
    const a = document.activeElement as HTMLElement | null;
    return {
      role: a?.getAttribute('role') ?? null,
      label: a?.getAttribute('aria-label') ?? null,
      cls: typeof a?.className === 'string' ? a.className : '',
      text: a?.textContent?.trim() ?? '',
      inDialog: !!a?.closest('[role=dialog]'),
      tag: a?.localName ?? '',
      placeholder: a?.getAttribute('placeholder') ?? null,
      checked: a?.getAttribute('aria-checked') ?? null,
      selected: a?.getAttribute('aria-selected') ?? null,
      data: { ...a?.dataset },
    };
  });

/**
 * Presses `key` (Tab unless told) until focus is on what `is` describes: what someone with a keyboard does. The bound
 * only ends a walk that never arrives: in the full suite a department lists the doctors every other test made, and
 * each is a stop on the way.
 */
async function pressUntil(page: Page, is: (f: Focused) => boolean, what: string, key = 'Tab', max = 400) {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (is(f)) return f;
    seen.push(f.label || f.text.slice(0, 12) || f.cls.slice(0, 30));
  }
  assert.fail(`${key} never reached ${what}; focus went: ${seen.join(' → ')}`);
}

/** The one shown player's <video>, as the page has it (Taro keeps earlier pages in the DOM, hidden). */
const videoState = (page: Page, test: string) =>
  page.evaluate((test) => {
    const v = [...document.querySelectorAll<HTMLVideoElement>(`[data-test=${test}] video`)].find((e) =>
      e.checkVisibility(),
    )!;
    return { paused: v.paused, at: v.currentTime, duration: v.duration };
  }, test);

/**
 * Listens for the shown player's <video> firing `event` — before the key that causes it is pressed —; `.happened()`
 * resolves once it has. (The promise travels wrapped: evaluateHandle would wait for a bare one.)
 */
async function videoEvent(page: Page, test: string, event: string) {
  const handle = await page.evaluateHandle(
    ([test, event]) => {
      const v = [...document.querySelectorAll<HTMLVideoElement>(`[data-test=${test}] video`)].find((e) =>
        e.checkVisibility(),
      )!;
      return { fired: new Promise<void>((resolve) => v.addEventListener(event, () => resolve(), { once: true })) };
    },
    [test, event] as const,
  );
  return { happened: () => handle.evaluate((h) => h.fired) };
}

describe('miniprogram h5 by keyboard only: 人员申请 pickers, the 科普 and 学习 video players', function () {
  this.timeout(300_000);
  const mp = mpHarness({ shots: 'mp-keyboard', timeout: 15_000, failingStatus: 500 });
  const { on } = mp;
  let token: string;
  let eduVideoId: number;
  let learnVideoId: number;

  before(async function () {
    this.timeout(240_000);
    ({ accessToken: token } = await mp.login());
    await mp.consent();
    // a 12-second video (long enough to play, pause and move along), published twice: for patients (科普) and in a
    // learning task of 心血管内科 (学习)
    const chief = await loginAs('chief');
    const cardio = await deptId('心血管内科');
    const up = await fetch(`${mp.baseUrl}/api/admin/files?kind=video&filename=keys.webm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chief}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await makeWebm(mp.browser, { seconds: 12, fps: 5 })),
    });
    const file = (await up.json()) as { url: string };
    assert.equal(up.status, 201, JSON.stringify(file));
    const video = async (title: string) => {
      const v = await call('POST', '/api/admin/education/contents', {
        token: chief,
        body: {
          kind: 'video',
          title,
          body: '<p>跟着视频做。</p>',
          videoUrl: file.url,
          durationSec: 12,
          deptId: cardio,
        },
      });
      assert.equal(v.status, 201, JSON.stringify(v.body));
      const p = await call('POST', `/api/admin/education/contents/${v.body.id}/publish`, { token: chief });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      return v.body.id as number;
    };
    eduVideoId = await video(unique('七步洗手（键盘）'));
    learnVideoId = await video(unique('测血压（键盘）'));
    const task = await call('POST', '/api/admin/learning/tasks', {
      token: chief,
      body: {
        title: unique('键盘学习'),
        description: '看完视频',
        deadline: addDays(shanghaiDate(), 3),
        deptIds: [cardio],
        contentIds: [learnVideoId],
      },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  it('人员申请: 所在科室 and 岗位 open their sheet with Enter or Space; an option is picked, or Escape leaves it', async () => {
    const { page } = mp;
    await mp.open('/packages/staff/pages/apply/index');
    await on('.input-staff-name').waitFor();
    await pageShown(page);

    // the field is a button named after its label and what it holds
    const dept = await pressUntil(page, (f) => f.cls.includes('picker-dept'), '所在科室');
    assert.deepEqual([dept.role, dept.label], ['button', '所在科室：请选择科室']);
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: '选择科室' });
    await sheet.waitFor();
    const first = await focused(page);
    assert.ok(first.inDialog && first.role === 'option', `focus went into the sheet: ${JSON.stringify(first)}`);
    const v = await wcagViolations(page, '.option-sheet');
    assert.equal(v.length, 0, describeViolations(v));
    // ↓ from option to option, Enter picks: the sheet closes and focus is back on the field, which says the choice
    await pressUntil(page, (f) => f.role === 'option' && f.text === '心血管内科', '心血管内科', 'ArrowDown');
    await page.keyboard.press('Enter');
    await sheet.waitFor({ state: 'detached' });
    await on('.picker-dept', '内科 / 心血管内科').waitFor();
    const back = await focused(page);
    assert.ok(back.cls.includes('picker-dept'), `focus is back on the field: ${JSON.stringify(back)}`);
    assert.match(back.label ?? '', /^所在科室：(.+ \/ )?内科 \/ 心血管内科$/);

    // 岗位 by Space; Escape closes without choosing, focus back on the field
    const post = await pressUntil(page, (f) => f.cls.includes('picker-post'), '岗位');
    assert.equal(post.label, '岗位：请选择岗位');
    await page.keyboard.press(' ');
    const posts = page.getByRole('dialog', { name: '选择岗位' });
    await posts.waitFor();
    await page.keyboard.press('Escape');
    await posts.waitFor({ state: 'detached' });
    assert.equal((await focused(page)).label, '岗位：请选择岗位');
    // again: Tab stays in the sheet (it wraps round to 关闭 and on), the second option is picked with Space
    await page.keyboard.press(' ');
    await posts.waitFor();
    const options = await posts.getByRole('option').allInnerTexts();
    assert.ok(options.length >= 2, options.join('、'));
    for (let i = 0; i < options.length + 2; i++) {
      await page.keyboard.press('Tab');
      assert.ok((await focused(page)).inDialog, 'Tab keeps focus in the open sheet');
    }
    await pressUntil(page, (f) => f.role === 'button' && f.text === '关闭', '关闭');
    await page.keyboard.press('Tab'); // from 关闭 round to the first option
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).text, options[1].trim());
    await page.keyboard.press(' ');
    await posts.waitFor({ state: 'detached' });
    assert.equal((await focused(page)).label, `岗位：${options[1].trim()}`);
    await mp.shot('staff-apply-picked');
  });

  async function playerByKeyboard(test: string, opened: string) {
    const { page } = mp;
    await mp.open(opened);
    await on(`[data-test=${test}] video`).waitFor();
    await pageShown(page);
    await page.waitForFunction(
      (test) =>
        [...document.querySelectorAll<HTMLVideoElement>(`[data-test=${test}] video`)].some(
          (v) => v.checkVisibility() && v.readyState >= HTMLMediaElement.HAVE_METADATA,
        ),
      test,
    );

    // the big play button over the poster is the player's first stop; Enter plays, focus goes on to 暂停
    const play = await pressUntil(page, (f) => f.label === '播放视频', 'the player’s 播放视频');
    assert.equal(play.role, 'button');
    let playing = await videoEvent(page, test, 'playing');
    await page.keyboard.press('Enter');
    await playing.happened();
    // the player redraws its bar as it starts (a frame later), and the button is renamed with it
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '暂停');
    const pause = await focused(page);
    assert.deepEqual(
      [pause.role, pause.label, pause.cls.includes('taro-video-control-button')],
      ['button', '暂停', true],
    );
    assert.ok(await on(`[data-test=${test}] .taro-video-bar`).isVisible(), 'the bar stays shown while focus is in it');
    const v = await wcagViolations(page, `[data-test=${test}]`);
    assert.equal(v.length, 0, describeViolations(v));
    await mp.shot(`${test}-playing`);

    // Space pauses; the same button now says 播放, and Space plays again
    const paused = await videoEvent(page, test, 'pause');
    await page.keyboard.press(' ');
    await paused.happened();
    assert.equal((await videoState(page, test)).paused, true);
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '播放');
    playing = await videoEvent(page, test, 'playing');
    await page.keyboard.press(' ');
    await playing.happened();
    const pausedAgain = await videoEvent(page, test, 'pause');
    await page.keyboard.press('Enter');
    await pausedAgain.happened();

    // the position is a slider: Home to the start, → five seconds on, End to the end, and it says where it is
    const slider = await pressUntil(page, (f) => f.role === 'slider', '播放进度');
    assert.equal(slider.label, '播放进度');
    let seeked = await videoEvent(page, test, 'seeked');
    await page.keyboard.press('Home');
    await seeked.happened();
    assert.equal((await videoState(page, test)).at, 0);
    seeked = await videoEvent(page, test, 'seeked');
    await page.keyboard.press('ArrowRight');
    await seeked.happened();
    assert.equal((await videoState(page, test)).at, 5);
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-valuenow') === '5', undefined, {
      timeout: 5000,
    });
    const said = await page.evaluate(() => document.activeElement?.getAttribute('aria-valuetext'));
    const { duration } = await videoState(page, test);
    assert.equal(said, `已播放 0:05，共 0:${String(Math.floor(duration)).padStart(2, '0')}`);

    // and then 全屏, a named button too
    const full = await pressUntil(page, (f) => f.role === 'button' && f.label === '全屏', '全屏');
    assert.equal(full.label, '全屏');
  }

  it('科普 video: played, paused and moved along from its controls by keyboard', async () => {
    await playerByKeyboard('edu-video', `/packages/education/pages/detail/index?id=${eduVideoId}`);
  });

  it('学习 video (an approved physician): the same, and playing by keyboard reports the position to the server', async () => {
    // this WeChat user becomes a physician of 心血管内科, as 人员申请 and its approval make one
    await becomePhysician(token, { name: '键盘医生', dept: '心血管内科', usernamePrefix: 'kbstaff' });

    const reported = mp.page.waitForResponse(
      (r) =>
        r.url().endsWith(`/api/mp/learning/contents/${learnVideoId}/position`) &&
        r.request().method() === 'POST' &&
        r.ok(),
    );
    await playerByKeyboard('learn-video', `/packages/staff/pages/learn/index?id=${learnVideoId}`);
    await reported; // the page's @play handler ran: Taro's own events, from a key press
  });
});

describe('miniprogram h5 by keyboard only: booking a doctor, sending 人员申请', function () {
  this.timeout(300_000);
  const mp = mpHarness({ shots: 'mp-keyboard-walk', timeout: 15_000, failingStatus: 500 });
  const doctorName = `键盘医${Math.floor(Math.random() * 900 + 100)}`;
  const later = addDays(tomorrow(), 1);
  let token: string;
  let userId: number;
  let selfId: number;
  let childId: number;
  let scheduleId: number;

  before(async function () {
    this.timeout(180_000);
    const login = await mp.login();
    token = login.accessToken;
    userId = login.user.id as number;
    await mp.consent();
    for (const [name, born, relation] of [
      ['钱键盘', '1975-04-12', 'self'],
      ['钱小键', '2015-06-01', 'child'],
    ] as const) {
      const p = await call('POST', '/api/mp/patients', {
        token,
        body: { name, idCard: makeIdCard(born, 321), phone: '13600004444', relation },
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      if (relation === 'child') childId = p.body.id;
      else selfId = p.body.id;
    }
    // two days with numbers: the page opens on the first (tomorrow), the walk books the second
    const d = await newDoctor('心血管内科', doctorName);
    await newSchedule(d.id, { date: tomorrow(), slotCount: 5 });
    scheduleId = (await newSchedule(d.id, { date: later, slotCount: 5, feeFen: 1500 })).id;
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  it('books a doctor from 首页 to the paid appointment with Tab, the arrows, Enter and Space alone', async () => {
    const { page, on } = mp;
    await mp.open('/');
    await on('.home-entry').first().waitFor();
    await pageShown(page);

    const link = (text: string) => (f: Focused) => f.role === 'link' && f.text.includes(text);
    await pressUntil(page, link('预约挂号'), '首页 › 预约挂号');
    await page.keyboard.press('Enter');
    await on('.bk-top').first().waitFor();
    await pageShown(page);
    // 科室分类 is one stop, on the chosen 大科: → to 内科 chooses it
    const top = await pressUntil(page, (f) => f.role === 'tab' && f.cls.includes('bk-top'), '科室分类');
    if (top.text !== '内科') await pressUntil(page, (f) => f.text === '内科', '科室分类 内科', 'ArrowRight');
    await on('.bk-top-on', /^\s*内科\s*$/).waitFor();
    await pressUntil(page, link('心血管内科'), '心血管内科');
    await page.keyboard.press('Enter');
    await on('.bk-doctor', doctorName).waitFor();
    await pageShown(page);
    // the title bar's 返回 is a button too: back to 预约, and into 心血管内科 again
    await pressUntil(page, (f) => f.role === 'button' && f.label === '返回', '返回');
    await page.keyboard.press('Enter');
    await pageShown(page);
    await on('.bk-top-on', /^\s*内科\s*$/).waitFor();
    await pressUntil(page, link('心血管内科'), '心血管内科, again');
    await page.keyboard.press('Enter');
    await on('.bk-doctor', doctorName).waitFor();
    await pageShown(page);
    await pressUntil(page, link(doctorName), doctorName);
    await page.keyboard.press('Enter');
    await on('.bk-session').first().waitFor();
    await pageShown(page);

    // the day after tomorrow, by → from the chosen day (the dates are one stop); then that day's 预约
    const day = await pressUntil(page, (f) => f.role === 'tab' && f.cls.includes('bk-day'), '出诊日期');
    assert.deepEqual(
      [day.data.date, day.selected],
      [tomorrow(), 'true'],
      'the page opened on the first day with numbers',
    );
    await pressUntil(page, (f) => f.role === 'tab' && f.data.date === later, `the tab of ${later}`, 'ArrowRight');
    await on(`.bk-day-on[data-date="${later}"]`).waitFor();
    await pressUntil(page, (f) => f.role === 'button' && f.text === '预约', '预约');
    await mp.shot('doctor-focused-book');
    await page.keyboard.press('Enter');
    await on('.bk-summary').waitFor();
    await pageShown(page);

    // 就诊人: Tab lands on the chosen one (the default, 本人), ↓ goes on to the child and chooses it
    const self = await pressUntil(page, (f) => f.role === 'radio', '就诊人');
    assert.ok(self.text.includes('钱键盘') && self.checked === 'true', JSON.stringify(self));
    await pressUntil(page, (f) => f.role === 'radio' && f.text.includes('钱小键'), '就诊人 钱小键', 'ArrowDown');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-checked') === 'true');
    await pressUntil(page, (f) => f.role === 'button' && f.text === '确认并支付', '确认并支付');
    await mp.shot('confirm-focused-submit');
    await page.keyboard.press('Enter');

    // the simulated pay sheet takes focus on 确认支付; Enter pays, and the paid appointment is shown
    const sheet = page.getByRole('dialog', { name: '模拟微信支付' });
    await sheet.waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === '确认支付');
    await page.keyboard.press('Enter');
    await on('.bk-detail').waitFor();
    const mine = (await call('GET', '/api/mp/appointments?pageSize=50', { token })).body.items as {
      scheduleId: number;
      patientId: number;
      status: string;
    }[];
    const booked = mine.find((a) => a.scheduleId === scheduleId);
    assert.ok(booked, JSON.stringify(mine));
    assert.deepEqual([booked.patientId, booked.status], [childId, 'booked']);
  });

  it('预约, 我的预约 and 就诊人: a tab list or a radio group is one Tab stop, and the arrows choose within it', async () => {
    const { page, on } = mp;
    const shown = (selector: string) =>
      on(selector)
        .innerText()
        .then((t) => t.trim());

    // 预约: 挂号方式 is one stop (按科室, chosen), 科室分类 the next (its chosen 大科), then the first 小科
    await mp.open('/pages/booking/index');
    await on('.bk-top').waitFor();
    await pageShown(page);
    const mode = await pressUntil(page, (f) => f.role === 'tab', '挂号方式');
    assert.deepEqual([mode.text, mode.selected], ['按科室', 'true']);
    await page.keyboard.press('Tab');
    const top = await focused(page);
    assert.ok(top.cls.includes('bk-top') && top.selected === 'true', `Tab left 挂号方式: ${JSON.stringify(top)}`);
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).role, 'link', 'Tab left 科室分类 for the first 小科');

    // ←/→, Home and End choose a 大科, round from the last to the first; the 小科 follow
    const tops = (await page.locator('.bk-top').filter({ visible: true }).allInnerTexts()).map((t) => t.trim());
    assert.ok(tops.length >= 2, tops.join('、'));
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).text, top.text);
    const choose = async (key: string, want: string) => {
      await page.keyboard.press(key);
      const f = await focused(page);
      assert.equal(f.text, want, `${key} moved focus to ${want}`);
      await on('.bk-top-on', new RegExp(`^\\s*${want}\\s*$`)).waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-selected') === 'true');
    };
    await choose('End', tops[tops.length - 1]);
    await choose('ArrowRight', tops[0]);
    await choose('ArrowRight', tops[1]);
    await choose('ArrowLeft', tops[0]);
    await choose('Home', tops[0]);
    const firstSub = await shown('.bk-dept-name');
    await choose('ArrowLeft', tops[tops.length - 1]);
    await page.waitForFunction(
      (before) =>
        [...document.querySelectorAll<HTMLElement>('.bk-dept-name')]
          .find((e) => e.checkVisibility())
          ?.innerText.trim() !== before,
      firstSub,
    );
    // → on 挂号方式 turns to 按日期: the date strip is one stop too, and → moves to the next day
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).text, '按科室');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(
      [(await focused(page)).text, await page.evaluate(() => document.activeElement?.getAttribute('aria-selected'))],
      ['按日期', 'true'],
    );
    await on('.bk-date-on').waitFor();
    await page.keyboard.press('Tab');
    const date = await focused(page);
    assert.ok(date.cls.includes('bk-date-on') && date.selected === 'true', JSON.stringify(date));
    const day = await shown('.bk-date-on');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (before) =>
        [...document.querySelectorAll<HTMLElement>('.bk-date-on')]
          .find((e) => e.checkVisibility())
          ?.innerText.trim() !== before,
      day,
    );
    const v = await wcagViolations(page, '.bk-modes, .bk-date-strip');
    assert.equal(v.length, 0, describeViolations(v));

    // 我的预约: the status tabs are one stop on 待就诊 (the booked appointment shown); → shows 待支付, End 已取消
    await mp.open('/packages/booking/pages/mine/index');
    await on('.bk-appt').waitFor();
    await pageShown(page);
    const status = await pressUntil(page, (f) => f.role === 'tab', '预约状态');
    assert.deepEqual([status.text, status.selected], ['待就诊', 'true']);
    await page.keyboard.press('ArrowRight');
    await on('.bk-tab-on', '待支付').waitFor();
    await on('.state-title', '没有待支付的预约').waitFor();
    assert.equal((await focused(page)).text, '待支付');
    await page.keyboard.press('End');
    await on('.bk-tab-on', '已取消').waitFor();
    await page.keyboard.press('Tab');
    assert.notEqual((await focused(page)).role, 'tab', 'Tab left the status tabs');

    // 就诊人's 与您的关系: none chosen yet, so the first is the stop; ↓/↑ choose, round; Tab leaves the group
    await mp.open('/packages/patient/pages/edit/index');
    await on('.relation-chips').waitFor();
    await pageShown(page);
    const first = await pressUntil(page, (f) => f.role === 'radio', '与您的关系');
    assert.deepEqual([first.text, first.checked], ['本人', 'false']);
    await page.keyboard.press('ArrowDown');
    await on('.chip-on', '配偶').waitFor();
    assert.deepEqual([(await focused(page)).text, (await focused(page)).checked], ['配偶', 'true']);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await on('.chip-on', '其他').waitFor();
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).role, 'checkbox', 'Tab left 与您的关系 for 设为默认就诊人');
    await page.keyboard.press('Shift+Tab');
    assert.deepEqual([(await focused(page)).text, (await focused(page)).checked], ['其他', 'true']);
    await mp.shot('relation-by-arrows');
  });

  it('病历’s and 随访’s 就诊人 and 科普’s filters: each a tab list, one Tab stop, the arrows choose', async () => {
    const { page, on } = mp;
    const chosen = (selector: string) =>
      page.evaluate(
        (selector) =>
          [...document.querySelectorAll<HTMLElement>(selector)]
            .filter((e) => e.checkVisibility() && e.getAttribute('aria-selected') === 'true')
            .map((e) => e.textContent?.trim()),
        selector,
      );

    // 我的病历: 选择就诊人 is one stop on the chosen member (the default, 本人); → chooses the child, whose records
    // the page then shows; Tab goes on to 病历内容, Shift+Tab comes back to the child
    await mp.open('/packages/records/pages/index/index');
    await on('.rec-member').first().waitFor();
    await pageShown(page);
    const member = await pressUntil(page, (f) => f.role === 'tab' && f.cls.includes('rec-member'), '选择就诊人');
    assert.deepEqual([member.text, member.selected], ['钱键盘', 'true']);
    const listed = page.waitForResponse((r) => r.url().includes(`/patients/${childId}/`) && r.ok());
    await page.keyboard.press('ArrowRight');
    await on('.rec-member.tag-primary', '钱小键').waitFor();
    await listed;
    assert.deepEqual(
      [(await focused(page)).text, (await focused(page)).selected],
      ['钱小键', 'true'],
      '→ moved focus to 钱小键 and chose it',
    );
    await page.keyboard.press('Home');
    await on('.rec-member.tag-primary', '钱键盘').waitFor();
    await page.keyboard.press('ArrowLeft'); // round from the first to the last
    await on('.rec-member.tag-primary', '钱小键').waitFor();
    assert.deepEqual(await chosen('.rec-member'), ['钱小键']);
    await page.keyboard.press('Tab');
    const next = await focused(page);
    assert.ok(next.role === 'tab' && next.cls.includes('rec-tab'), `Tab left 选择就诊人: ${JSON.stringify(next)}`);
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).text, '钱小键');
    let v = await wcagViolations(page, '.rec-members');
    assert.equal(v.length, 0, describeViolations(v));

    // 我的随访: the same 选择就诊人 tab list (it was a row of on/off buttons, a Tab stop each): one stop on 本人; →
    // chooses the child and the child's plans are asked for; ← goes round to 本人 again; Tab leaves the list
    await mp.open('/packages/followup/pages/index/index');
    await on('.fu-member').first().waitFor();
    await pageShown(page);
    const fuMember = await pressUntil(page, (f) => f.role === 'tab' && f.cls.includes('fu-member'), '随访的选择就诊人');
    assert.deepEqual([fuMember.text, fuMember.selected], ['钱键盘', 'true']);
    const childPlans = page.waitForResponse(
      (r) => r.url().includes(`/api/mp/followup/patients/${childId}/plans`) && r.ok(),
    );
    await page.keyboard.press('ArrowRight');
    await on('.fu-member.tag-primary', '钱小键').waitFor();
    await childPlans;
    assert.deepEqual(
      [(await focused(page)).text, (await focused(page)).selected],
      ['钱小键', 'true'],
      '→ moved focus to 钱小键 and chose it',
    );
    await page.keyboard.press('ArrowRight'); // round from the last to the first
    await on('.fu-member.tag-primary', '钱键盘').waitFor();
    assert.deepEqual(await chosen('.fu-member'), ['钱键盘']);
    assert.equal((await focused(page)).text, '钱键盘');
    await page.keyboard.press('Tab');
    assert.ok(!(await focused(page)).cls.includes('fu-member'), 'Tab left 选择就诊人');
    v = await wcagViolations(page, '.fu-members');
    assert.equal(v.length, 0, describeViolations(v));

    // 科普: 按科室或标签筛选 is one stop on 全部; → chooses the next filter (and the list is asked for it), End the
    // last, → round to 全部 again; Tab leaves the filters
    await mp.open('/pages/education/index');
    await on('.edu-chip', '全部').waitFor();
    await pageShown(page);
    const chips = (await page.locator('.edu-chip').filter({ visible: true }).allInnerTexts()).map((t) => t.trim());
    assert.ok(chips.length >= 3, chips.join('、'));
    const all = await pressUntil(page, (f) => f.role === 'tab' && f.cls.includes('edu-chip'), '按科室或标签筛选');
    assert.deepEqual([all.text, all.selected], ['全部', 'true']);
    const filtered = page.waitForResponse((r) => /\/api\/mp\/education\/contents\?.*(deptId|tag)=/.test(r.url()));
    await page.keyboard.press('ArrowRight');
    await on('.edu-chip.on', chips[1]).waitFor();
    await filtered;
    assert.equal((await focused(page)).text, chips[1]);
    await page.keyboard.press('End');
    await on('.edu-chip.on', chips[chips.length - 1]).waitFor();
    await page.keyboard.press('ArrowRight');
    await on('.edu-chip.on', '全部').waitFor();
    assert.deepEqual(await chosen('.edu-chip'), ['全部']);
    assert.equal((await focused(page)).text, '全部');
    await page.keyboard.press('Tab');
    assert.notEqual((await focused(page)).role, 'tab', 'Tab left the filters');
    v = await wcagViolations(page, '.edu-chips');
    assert.equal(v.length, 0, describeViolations(v));
    await mp.shot('education-filters-by-arrows');
  });

  it('随访问卷: a single choice is a radio group, a multiple choice check boxes; answered and sent with keys alone', async () => {
    const { page, on } = mp;
    // the physician plans a questionnaire due today on 钱键盘's visit (number, single, multiple and text questions)
    const doc = await physician();
    const visit = await bookedToday(doc, { userId, patientId: selfId }, 1);
    const plan = await newPlan(doc.token, {
      appointmentId: visit.id,
      type: 'questionnaire',
      questionnaireId: (await newQuestionnaire(doc.token, '键盘随访问卷')).id,
      content: '每周测量血压并填写问卷',
      dates: [shanghaiDate()],
    });
    await mp.open(`/packages/followup/pages/task/index?id=${plan.tasks[0].id}`);
    await on('.fu-submit').waitFor();
    await pageShown(page);

    // 今日收缩压: typed
    await pressUntil(page, (f) => f.tag === 'input' && f.placeholder === '60–260', '今日收缩压');
    await page.keyboard.type('128');
    // 近一周感觉如何: one stop, on the first option while none is chosen; ↓ chooses the next, ↑ round to the last
    const first = await pressUntil(page, (f) => f.role === 'radio', '近一周感觉如何');
    assert.deepEqual([first.text, first.checked], ['很好', 'false']);
    const group = await page.evaluate(() => {
      const g = document.activeElement?.closest('[role=radiogroup]');
      return g?.getAttribute('aria-label') ?? null;
    });
    assert.equal(group, '近一周感觉如何', 'the radio group is named after its question');
    await page.keyboard.press('ArrowDown');
    await on('.fu-option-feeling-1.tag-primary', '一般').waitFor();
    assert.deepEqual([(await focused(page)).text, (await focused(page)).checked], ['一般', 'true']);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await on('.fu-option-feeling-2.tag-primary', '较差').waitFor();
    await page.keyboard.press('ArrowRight');
    await on('.fu-option-feeling-0.tag-primary', '很好').waitFor();
    await page.keyboard.press('ArrowRight');
    await on('.fu-option-feeling-1.tag-primary', '一般').waitFor();
    // 有无以下不适: Tab leaves the radio group for the first check box; each is a stop, Space ticks and unticks it
    await page.keyboard.press('Tab');
    const box = await focused(page);
    assert.deepEqual([box.role, box.text, box.checked], ['checkbox', '头晕', 'false']);
    await page.keyboard.press('Space');
    await on('.fu-option-symptoms-0.tag-primary').waitFor();
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).text, '胸闷');
    await page.keyboard.press('Space');
    await on('.fu-option-symptoms-1.tag-primary').waitFor();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-checked') === 'false', undefined, {
      timeout: 5_000,
    });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await on('.fu-option-symptoms-2.tag-primary', '乏力').waitFor();
    // 想对医生说的话: Tab goes on to the text box; what is typed is sent. The box is the field's own grey, not a white
    // box of Taro's inside it
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).tag, 'textarea');
    const ring = await page.evaluate(() => {
      const field = document.activeElement?.closest<HTMLElement>('.field-input');
      return field ? getComputedStyle(field).outlineStyle : 'no field';
    });
    assert.equal(ring, 'solid', 'the focused text field shows the focus ring (WCAG 2.4.7)');
    await page.keyboard.type('晨起头晕');
    const inner = await page.evaluate(() => {
      const t = [...document.querySelectorAll<HTMLElement>('.fu-input-note textarea')].find((e) =>
        e.checkVisibility(),
      )!;
      return getComputedStyle(t).backgroundColor;
    });
    assert.equal(inner, 'rgba(0, 0, 0, 0)', 'the text box draws no background over the field');
    const v = await wcagViolations(page, '.fu-task-page');
    assert.equal(v.length, 0, describeViolations(v));
    await mp.shot('questionnaire-by-keys');

    // 提交问卷 with Enter: the answers are those chosen by keys
    await pressUntil(page, (f) => f.role === 'button' && f.text === '提交问卷', '提交问卷');
    await page.keyboard.press('Enter');
    await on('.fu-done', '问卷已提交').waitFor();
    assert.match(await on('.fu-answer-bp_sys').innerText(), /128/);
    assert.match(await on('.fu-answer-feeling').innerText(), /一般/);
    const symptoms = await on('.fu-answer-symptoms').innerText();
    assert.match(symptoms, /头晕/);
    assert.match(symptoms, /乏力/);
    assert.doesNotMatch(symptoms, /胸闷/);
    assert.match(await on('.fu-answer-note').innerText(), /晨起头晕/);
  });

  it('人员申请: filled in and sent with keys alone (提交申请 is reached by Tab and pressed with Enter)', async () => {
    const { page, on } = mp;
    await mp.open('/packages/staff/pages/apply/index');
    await on('.input-staff-name').waitFor();
    await pageShown(page);
    const input = (placeholder: RegExp) => (f: Focused) => f.tag === 'input' && placeholder.test(f.placeholder ?? '');

    await pressUntil(page, input(/真实姓名/), '真实姓名');
    await page.keyboard.type('键盘申请');
    await pressUntil(page, (f) => f.cls.includes('picker-dept'), '所在科室');
    await page.keyboard.press('Enter');
    await pressUntil(page, (f) => f.role === 'option' && f.text === '心血管内科', '心血管内科', 'ArrowDown');
    await page.keyboard.press('Enter');
    await on('.picker-dept', '心血管内科').waitFor();
    await pressUntil(page, (f) => f.cls.includes('picker-post'), '岗位');
    await page.keyboard.press(' ');
    await page.getByRole('dialog', { name: '选择岗位' }).waitFor();
    await page.keyboard.press('Enter'); // the first 岗位
    await page.getByRole('dialog', { name: '选择岗位' }).waitFor({ state: 'detached' });
    const username = unique('kbapply').replace(/[^a-z0-9_]/gi, '_');
    await pressUntil(page, input(/字母、数字/), '登录用户名');
    await page.keyboard.type(username);
    await pressUntil(page, input(/至少 10 位/), '登录密码');
    await page.keyboard.type('Quiet-Meadow-73');
    await pressUntil(page, input(/再输入一次/), '确认密码');
    await page.keyboard.type('Quiet-Meadow-73');

    const submit = await pressUntil(page, (f) => f.role === 'button' && f.text === '提交申请', '提交申请');
    assert.ok(submit.cls.includes('staff-submit'), JSON.stringify(submit));
    // the focused button is ringed (WCAG 2.4.7)
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(ring, 'solid');
    await mp.shot('staff-apply-focused-submit');
    await page.keyboard.press('Enter');
    await on('.status-title', '审核中').waitFor();
    const mine = await call('GET', '/api/mp/staff-applications/mine', { token });
    assert.deepEqual([mine.body.username, mine.body.status], [username, 'pending']);
  });
});
