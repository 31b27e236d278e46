/**
 * 我的学习 in the h5 build for staff, real Chromium against the real BFF: the WeChat user of the page applies for a
 * staff account (API), a department admin approves it as a physician; 我的 then shows 我的学习 with the open task;
 * the physician opens the article, 我已读完 too early is refused by the server's clock, and after the reading time
 * (the progress row's clock moved back) it counts — the same record the task's creator sees in the console. Then a
 * video (a real WebM made at test time, uploaded by the chief through the console API) is played in the page: its
 * bytes are served in ranges (206), and the server, told the player's position, counts it 已完成.
 */
import assert from 'node:assert/strict';
import { buildH5BeforeAnySuite, mpHarness } from '../support/mp-harness';
import { call, loginAs, unique } from '../support/api';
import { deptId } from '../support/booking';
import { becomePhysician } from '../support/staff';
import { LearningProgress } from '../../bff/src/modules/learning/models';
import { makeWebm } from '../support/video';
import { addDays, shanghaiDate } from '../../bff/src/shared/time';

buildH5BeforeAnySuite();

describe('miniprogram h5: 我的学习 for a linked physician (Chromium, real BFF)', function () {
  this.timeout(180_000);
  const mp = mpHarness({ shots: 'mp-learning', timeout: 15_000, hiDpi: false });
  const { on } = mp;

  it('shows the task under 我的, and counts the article only after its reading time', async () => {
    const chief = await loginAs('chief');
    const title = unique('血压测量规范');
    const article = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'article',
        title,
        body: `<p>${'测量前静坐五分钟，袖带与心脏同高。'.repeat(20)}</p>`,
        deptId: await deptId('心血管内科'),
        tags: ['高血压'],
      },
    });
    assert.equal(article.status, 201, JSON.stringify(article.body));
    await call('POST', `/api/admin/education/contents/${article.body.id}/publish`, { token: chief });
    const taskTitle = unique('本周学习');
    const task = await call('POST', '/api/admin/learning/tasks', {
      token: chief,
      body: {
        title: taskTitle,
        description: '周五前完成',
        deadline: addDays(shanghaiDate(), 3),
        deptIds: [await deptId('心血管内科')],
        contentIds: [article.body.id],
      },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));

    // The page's WeChat user (logged in by the app through the simulated WeChat) becomes a physician.
    await mp.open('/');
    const token = await mp.token();
    assert.ok(token);
    await becomePhysician(token, {
      name: '学习医生',
      dept: '心血管内科',
      usernamePrefix: 'learner',
      password: 'Sunlit-Harbor-42',
    });

    await mp.page.locator('.weui-tabbar__item', { hasText: '我的' }).click();
    const entry = on('[data-test=me-learning]');
    await entry.waitFor();
    // the department's open tasks, this one among them (other suites assign 心血管内科 tasks too; a late joiner gets them)
    const assigned = (await call('GET', '/api/mp/learning/my-tasks?pageSize=100', { token })).body as {
      items: { id: number; completed: boolean }[];
    };
    assert.ok(assigned.items.some((t) => t.id === task.body.id && !t.completed));
    assert.match(await entry.innerText(), new RegExp(`${assigned.items.filter((t) => !t.completed).length} 项未完成`));
    await entry.click();
    await on(`[data-test="lt-${task.body.id}"]`).waitFor();
    assert.equal((await on(`[data-test="lt-state-${task.body.id}"]`).innerText()).trim(), '0/1');
    await on(`[data-test="lt-item-${task.body.id}-${article.body.id}"]`).click();

    await on('[data-test=learn-body]', '静坐五分钟').waitFor();
    await on('[data-test=learn-finish]').click();
    await mp.page
      .getByText(/阅读时间不足/)
      .first()
      .waitFor();
    assert.match(await on('[data-test=learn-state]').innerText(), /进度 0%/);

    // As if the reading time had passed: the server's clock for this row moved back.
    // (the article is new: the only progress on it is this physician's)
    const row = await LearningProgress.findOne({ where: { contentId: article.body.id } });
    assert.ok(row, 'opening the article in the mini-program started the server’s clock');
    await row!.update({ openedAt: new Date(row!.openedAt.getTime() - 120_000) });
    await on('[data-test=learn-finish]').click();
    await mp.page.waitForFunction(
      () => document.querySelector('[data-test=learn-state]')?.textContent?.trim() === '已完成',
    );

    // The creator sees it in the console's task detail.
    const detail = (await call('GET', `/api/admin/learning/tasks/${task.body.id}`, { token: chief })).body;
    const person = detail.people.find((p: { userId: number }) => p.userId === row!.userId);
    assert.equal(person.status, 'done');
  });
  it('plays a task’s video: served in ranges (206), watched to the end, counted 已完成 by the server', async () => {
    const chief = await loginAs('chief');
    const cardio = await deptId('心血管内科');
    const webm = await makeWebm(mp.browser, { seconds: 2 });
    const up = await fetch(`${mp.baseUrl}/api/admin/files?kind=video&filename=bp-demo.webm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chief}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(webm),
    });
    const file = (await up.json()) as { url: string; mime: string };
    assert.equal(up.status, 201, JSON.stringify(file));
    assert.equal(file.mime, 'video/webm', 'the type is read from the bytes');
    const video = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'video',
        title: unique('袖带绑法演示'),
        body: '<p>两分钟看懂袖带的位置。</p>',
        videoUrl: file.url,
        durationSec: 2,
        deptId: cardio,
        tags: ['高血压'],
      },
    });
    assert.equal(video.status, 201, JSON.stringify(video.body));
    const videoId = video.body.id as number;
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${videoId}/publish`, { token: chief })).status,
      200,
    );
    const task = await call('POST', '/api/admin/learning/tasks', {
      token: chief,
      body: {
        title: unique('视频学习'),
        description: '看完视频',
        deadline: addDays(shanghaiDate(), 3),
        deptIds: [cardio],
        contentIds: [videoId],
      },
    });
    assert.equal(task.status, 201, JSON.stringify(task.body));

    // 我的 › 我的学习 › the task › the video, as the physician linked in the test above
    const served: number[] = [];
    mp.page.on('response', (r) => {
      if (r.url().endsWith(file.url)) served.push(r.status());
    });
    await mp.open('/');
    await mp.tab('我的');
    await on('[data-test=me-learning]').click();
    await on(`[data-test="lt-item-${task.body.id}-${videoId}"]`).click();
    const player = on('[data-test=learn-video] video');
    await player.waitFor();
    assert.match(await on('[data-test=learn-state]').innerText(), /进度 0%/);

    // The server's answer that the video is complete (the page reports the position on play, pause and at the end).
    const counted = mp.page.waitForResponse(
      async (r) =>
        r.url().endsWith(`/api/mp/learning/contents/${videoId}/position`) &&
        r.request().method() === 'POST' &&
        r.ok() &&
        (await r.json()).completed === true,
    );
    // Played muted (no gesture needed) to its `ended` event; a media error fails the test.
    const played = await player.evaluate(
      (el: HTMLVideoElement) =>
        new Promise<{ at: number; duration: number }>((resolve, reject) => {
          el.addEventListener('ended', () => resolve({ at: el.currentTime, duration: el.duration }), { once: true });
          el.addEventListener('error', () => reject(new Error(`media error ${el.error?.code}`)), { once: true });
          el.muted = true;
          el.play().catch(reject);
        }),
    );
    assert.ok(played.duration > 1.5 && played.duration < 2.5, `a 2-second video (${played.duration} s)`);
    assert.ok(played.at >= played.duration - 0.1, 'played to the end');
    const answer = await (await counted).json();
    assert.equal(answer.percent, 100);
    assert.ok(served.includes(206), `the video was served in ranges (${served.join(', ')})`);
    await mp.page.waitForFunction(
      () => document.querySelector('[data-test=learn-state]')?.textContent?.trim() === '已完成',
    );
    await mp.shot('video-done');

    // Recorded by the server: the progress row, and the creator's view of the task.
    const row = await LearningProgress.findOne({ where: { contentId: videoId } });
    assert.ok(row?.completedAt, 'the server counted the video');
    assert.equal(row!.percent, 100);
    const detail = (await call('GET', `/api/admin/learning/tasks/${task.body.id}`, { token: chief })).body;
    assert.equal(detail.people.find((p: { userId: number }) => p.userId === row!.userId).status, 'done');
  });
});
