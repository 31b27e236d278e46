/**
 * axe-core (WCAG 2.1 A/AA) and 关怀模式 on the screens the other a11y suites do not walk: the 问诊 tab (with a doctor's
 * unread answer), 开始问诊, 关于, 个人资料, and the staff screens — 人员申请 (empty and with its red hints), 申请状态
 * (审核中), and for the approved physician 学习任务, an article and a video (a real WebM made at test time, loaded in
 * the player) to 学习. Each screen in the standard look and in 关怀模式 (the page's root carries the care class, larger
 * type), 0 violations everywhere.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, coveredBy, mpHarness, pageShown } from '../support/mp-harness';
import { call, loginAs, unique } from '../support/api';
import { deptId } from '../support/booking';
import { applyForStaff, approveAsDeptAdmin } from '../support/staff';
import { answeredConsultation } from '../support/chat';
import { makeIdCard } from '../support/idcard';
import { makeWebm } from '../support/video';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

buildH5BeforeAnySuite();

type Look = 'standard' | 'care';

describe('miniprogram h5: 问诊, 开始问诊, 关于, 个人资料 and the staff screens with axe-core, standard and 关怀模式', function () {
  this.timeout(300_000);
  const mp = mpHarness({ shots: 'mp-a11y-rest', timeout: 15_000, failingStatus: 500 });
  const { on, shot } = mp;
  let token: string;
  let doctorId: number;
  let consultationId: number;
  let articleId: number;
  let articleTitle: string;
  let videoId: number;
  let videoTitle: string;
  let taskId: number;

  before(async function () {
    this.timeout(240_000);
    let memberId: number;
    ({ token, memberId } = await mp.loginWithMember({
      name: '孙问诊',
      idCard: makeIdCard('1950-05-12', 223),
      phone: '13600005555',
    }));

    // a consultation with the demo physician (free) that the physician answered: 问诊 lists it with an unread badge
    ({ doctorId, consultationId } = await answeredConsultation(token, memberId));

    // a learning task for 心血管内科 with one article: the staff screens once this WeChat user is its physician
    const chief = await loginAs('chief');
    const cardio = await deptId('心血管内科');
    articleTitle = unique('家庭血压测量要点');
    const article = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'article',
        title: articleTitle,
        body: `<p>${'测量前静坐五分钟，袖带与心脏同高，连续测两次取平均。'.repeat(12)}</p>`,
        deptId: cardio,
        tags: ['高血压'],
      },
    });
    assert.equal(article.status, 201, JSON.stringify(article.body));
    articleId = article.body.id;
    await call('POST', `/api/admin/education/contents/${articleId}/publish`, { token: chief });
    // and a video, uploaded as the console does (the type is read from the bytes)
    const up = await fetch(`${mp.baseUrl}/api/admin/files?kind=video&filename=cuff.webm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chief}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await makeWebm(mp.browser, { seconds: 2 })),
    });
    const file = (await up.json()) as { url: string };
    assert.equal(up.status, 201, JSON.stringify(file));
    videoTitle = unique('袖带绑法（适老）');
    const video = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'video',
        title: videoTitle,
        body: '<p>两分钟看懂袖带的位置。</p>',
        videoUrl: file.url,
        durationSec: 2,
        deptId: cardio,
        tags: ['高血压'],
      },
    });
    assert.equal(video.status, 201, JSON.stringify(video.body));
    videoId = video.body.id;
    await call('POST', `/api/admin/education/contents/${videoId}/publish`, { token: chief });
    const task = await call('POST', '/api/admin/learning/tasks', {
      token: chief,
      body: {
        title: unique('本周学习（适老）'),
        description: '周五前读完',
        deadline: addDays(shanghaiDate(), 3),
        deptIds: [cardio],
        contentIds: [articleId, videoId],
      },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    taskId = task.body.id;
  });

  after(() => {
    assert.deepEqual(mp.errors, [], 'no page errors, no 5xx');
  });

  /** axe on the screen as it is; in 关怀模式 the page's root must carry the care class first. A screenshot of each. */
  function checker(l: Look, found: string[]) {
    const care = l === 'care';
    return async (screen: string, root: string, name: string) => {
      if (care) await on(`${root}.care`).waitFor();
      found.push(...(await mp.violations(`${screen}（${care ? '关怀模式' : '标准'}）`)));
      await shot(`${name}${care ? '-care' : ''}`);
    };
  }

  async function patientScreens(l: Look) {
    const found: string[] = [];
    const check = checker(l, found);

    await mp.open('/pages/consult/index');
    await on(`.cs-item-${consultationId} .cs-unread`).waitFor();
    // when the last message came, as a list shows it (it used to read "月3日 08:42": a slice of a longer format)
    assert.match(await on(`.cs-item-${consultationId} .cs-time`).innerText(), /^今天 \d\d:\d\d$/);
    await check('问诊', '.consult-home', 'consult');

    await mp.open(`/packages/consult/pages/start/index?doctorId=${doctorId}`);
    await on('.cs-patient-on', '孙问诊').waitFor();
    await check('开始问诊', '.cs-start', 'start');

    await mp.open('/packages/me/pages/about/index');
    await on('.about-phone').waitFor();
    await check('关于', '.me-about', 'about');

    await mp.open('/packages/me/pages/profile/index');
    await on('.profile-save').waitFor();
    await check('个人资料', '.me-profile-edit', 'profile');

    // 人员申请: the empty form, then as sent empty (each field's red hint), then the department sheet
    await mp.open('/packages/staff/pages/apply/index');
    await on('.input-staff-name').waitFor();
    await check('人员申请', '.staff-apply', 'staff-apply');
    await on('.staff-submit').click();
    await on('.field-error', '请选择所在科室').waitFor();
    await check('人员申请·校验提示', '.staff-apply', 'staff-apply-errors');
    await on('.picker-dept').click();
    await on('.option-sheet .option-item').waitFor();
    await check('人员申请·选择科室', '.staff-apply', 'staff-apply-sheet');
    await on('.option-sheet .sheet-close').click();
    await on('.option-sheet').waitFor({ state: 'detached' });
    assert.equal(found.length, 0, found.join('\n'));
  }

  it('standard look: 0 violations on 问诊, 开始问诊, 关于, 个人资料 and 人员申请', async () => {
    await patientScreens('standard');
  });

  it('关怀模式: the same screens carry the care styles, larger type, and 0 violations', async () => {
    await mp.look('care');
    await patientScreens('care');
    const size = await on('.field-label', '真实姓名').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 18, `large labels on 人员申请 (${size}px)`);
    await mp.open('/pages/consult/index');
    await on(`.consult-home.care .cs-item-${consultationId}`).waitFor();
    const name = await on(`.cs-item-${consultationId} .cs-doctor`).evaluate((e) =>
      parseFloat(getComputedStyle(e).fontSize),
    );
    assert.ok(name >= 20, `large type on 问诊 (${name}px)`);
  });

  it('staff: 申请状态 (审核中), then 学习任务 and 学习 (article, video) once approved — both looks, 0 violations', async () => {
    const found: string[] = [];
    const username = await applyForStaff(token, { name: '适老医生', dept: '心血管内科', usernamePrefix: 'a11ystaff' });
    for (const l of ['standard', 'care'] as const) {
      await mp.look(l);
      await mp.open('/packages/staff/pages/status/index');
      await on('.status-title', '审核中').waitFor();
      await checker(l, found)('申请状态', '.staff-status', 'staff-status');
    }

    await approveAsDeptAdmin(username, '心血管内科');

    for (const l of ['standard', 'care'] as const) {
      const check = checker(l, found);
      await mp.look(l);
      await mp.open('/packages/staff/pages/learning/index');
      await on(`[data-test="lt-${taskId}"]`).waitFor();
      await check('学习任务', '.learning-page', 'staff-learning');
      await on(`[data-test="lt-item-${taskId}-${articleId}"]`).click();
      await on('.learn-title', articleTitle).waitFor();
      await on('[data-test=learn-body]', '静坐五分钟').waitFor();
      await check('学习', '.learn-page', 'staff-learn');
      // the video, as the physician finds it: back to the task, then its 视频 item; checked with the player loaded
      await mp.page.goBack();
      await pageShown(mp.page);
      await on(`[data-test="lt-item-${taskId}-${videoId}"]`).click();
      await on('.learn-title', videoTitle).waitFor();
      await on('[data-test=learn-video] video').evaluate(
        (el: HTMLVideoElement) =>
          el.readyState >= HTMLMediaElement.HAVE_METADATA ||
          new Promise((resolve, reject) => {
            el.addEventListener('loadedmetadata', resolve, { once: true });
            el.addEventListener('error', () => reject(new Error(`media error ${el.error?.code}`)), { once: true });
          }),
      );
      // the player sits in the page: what is around it is not under it (axe can't tell; the h5 player once covered
      // the whole page)
      for (const part of ['.learn-title', '[data-test=learn-state]', '.learn-rule'])
        assert.equal(await coveredBy(on(part)), '', `学习·视频: nothing lies over ${part}`);
      await check('学习·视频', '.learn-page', 'staff-learn-video');
    }
    const size = await on('.learn-title').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 20, `large type on 学习 (${size}px)`);
    await mp.look('standard');
    assert.equal(found.length, 0, found.join('\n'));
  });
});
