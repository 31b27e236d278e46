/**
 * DeptSelect with several departments at once (multiple: a tree with a checkbox per department, the choice shown as
 * tags), where the console uses it: 健康宣教 › 学习任务 › 布置学习任务 › 科室. A 科室管理员 who was also given 布置任务
 * sees 内科 and its departments — nothing outside their data scope —, ticks several, takes one out by its tag and one
 * in the tree, and the task goes to exactly the ones left; axe-core finds nothing wrong with the dropdown open or the
 * tags. An administrator is offered the whole hospital; a chief physician their one department, chosen already.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { call, loginAs, unique } from '../support/api';
import { deptId } from '../support/booking';
import { field, settle } from '../support/browser';
import { staffAccountWithPerms, type StaffAccount } from '../support/accounts';
import { consoleHarness } from '../support/console-harness';
import { describeViolations, wcagViolations } from '../miniprogram/axe';
import { LearningTaskDept } from '../../bff/src/modules/learning/models';

/** 内科 and its departments in the demo data (other tests may add more under 内科 in the same run). */
const INTERNAL = ['内科', '心血管内科', '呼吸内科', '消化内科', '内分泌科'];

/** The whole hospital as the administrator is offered it (the same list the console builds the tree from). */
async function hospital() {
  return (await call('GET', '/api/admin/learning/depts', { token: await loginAs('admin') })).body as {
    name: string;
    children: { name: string }[];
  }[];
}

/** 内科 and the departments under it now, in the order the tree shows them. */
async function internalNow() {
  const internal = (await hospital()).find((d) => d.name === '内科')!;
  const names = [internal.name, ...internal.children.map((c) => c.name)];
  for (const d of INTERNAL) assert.ok(names.includes(d), `${d} among ${names.join('、')}`);
  return names;
}

async function ready(page: Page) {
  await page.waitForFunction(() => !document.querySelector('.el-loading-mask, .el-skeleton'));
  await settle(page);
}

/** The field's tags (what is chosen), in the order shown. */
const tags = (page: Page) => page.locator('[data-test=task-depts] .el-tag').allInnerTexts();

/** Ticks or unticks a department in the open dropdown, by its checkbox (named after the node: tree-a11y.ts). */
async function tick(tree: Locator, name: string, on: boolean) {
  const box = tree.getByRole('checkbox', { name, exact: true });
  assert.equal(await box.isChecked(), !on, `${name} is ${on ? 'not yet' : 'still'} ticked`);
  await box.locator('xpath=ancestor::label[1]').click();
  await tree.page().waitForFunction(
    ([name, on]) => {
      const box = [...document.querySelectorAll<HTMLInputElement>('.el-tree-select__popper input[type=checkbox]')].find(
        (b) => b.getAttribute('aria-label') === name,
      );
      return box?.checked === on;
    },
    [name, on] as const,
  );
}

describe('DeptSelect, several departments: 布置学习任务 › 科室', function () {
  this.timeout(300_000);
  const ch = consoleHarness({ shots: 'dept-select-multiple' });
  let deptAdmin: StaffAccount;
  let articleTitle: string;

  before(async function () {
    this.timeout(120_000);
    // a 科室管理员 of 内科 (built-in role: 内科 and below) whom an administrator also gave 布置任务
    deptAdmin = await staffAccountWithPerms(['learning:task:list', 'learning:task:add'], {
      dataScope: 'dept',
      dept: '内科',
      roleName: '科室管理员（学习任务）',
      alsoRoles: ['dept_admin'],
    });
    const chief = await loginAs('chief');
    articleTitle = unique('冬季呼吸道防护');
    const a = await call('POST', '/api/admin/education/contents', {
      token: chief,
      body: {
        kind: 'article',
        title: articleTitle,
        body: '<p>勤洗手，戴口罩。</p>',
        deptId: await deptId('心血管内科'),
      },
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(
      (await call('POST', `/api/admin/education/contents/${a.body.id}/publish`, { token: chief })).status,
      200,
    );
  });

  it('a 科室管理员 sees only 内科 and its departments, ticks three, takes two out, and the task goes to the rest', async () => {
    const s = await ch.loginAs(deptAdmin, '/education/learning-task');
    const { page } = s;
    await page.click('[data-test=task-new]');
    await page.waitForSelector('.el-overlay [role=dialog]:visible');
    await ready(page);
    await page.locator('[data-test=task-depts] .el-select__wrapper').click();
    await page.locator('.el-tree-select__popper .el-tree-node__content').first().waitFor();
    await ready(page);

    // a tree named after its field, 内科 with its four departments under it, and nothing outside the scope
    const tree = page.getByRole('tree', { name: /^(\* )?科室$/ });
    const offered = await tree
      .getByRole('treeitem')
      .evaluateAll((items) =>
        items.map((i) => i.querySelector(':scope > .el-tree-node__content')?.textContent?.trim() ?? ''),
      );
    const internal = await internalNow();
    assert.deepEqual(offered, internal);
    assert.equal(
      await tree.getByRole('treeitem').first().locator(':scope > [role=group] [role=treeitem]').count(),
      internal.length - 1,
      'the departments sit under 内科',
    );

    for (const d of ['心血管内科', '呼吸内科', '内分泌科']) await tick(tree, d, true);
    assert.deepEqual(await tags(page), ['心血管内科', '呼吸内科', '内分泌科']);
    await ready(page);
    let v = await wcagViolations(page, '.el-overlay:has([role=dialog]), .el-tree-select__popper');
    if (v.length) await s.shot('open-three');
    assert.equal(v.length, 0, describeViolations(v));

    // one taken out by its tag's ×, the tree unticks it too; one unticked in the tree, its tag goes
    await page.locator('[data-test=task-depts] .el-tag', { hasText: '呼吸内科' }).locator('.el-tag__close').click();
    await page.waitForFunction(
      () =>
        ![...document.querySelectorAll('[data-test=task-depts] .el-tag')].some((t) =>
          t.textContent?.includes('呼吸内科'),
        ),
    );
    assert.equal(await tree.getByRole('checkbox', { name: '呼吸内科', exact: true }).isChecked(), false);
    await tick(tree, '内分泌科', false);
    await tick(tree, '消化内科', true);
    assert.deepEqual(await tags(page), ['心血管内科', '消化内科']);

    // the dropdown closed: the dialog with its tags is AA too
    await page.locator('.el-overlay [role=dialog] .el-dialog__title').click();
    await page.locator('.el-popper.el-tree-select__popper').waitFor({ state: 'hidden' });
    await ready(page);
    v = await wcagViolations(page, '.el-overlay:has([role=dialog])');
    if (v.length) await s.shot('closed-two');
    assert.equal(v.length, 0, describeViolations(v));

    // the task goes to the two left
    const title = unique('呼吸道防护学习');
    await page.fill(field('task-title'), title);
    await page.locator('[data-test=task-contents] .el-select__wrapper').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: articleTitle }).click();
    await page.locator('.el-overlay [role=dialog] .el-dialog__title').click();
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/admin/learning/tasks') && r.method() === 'POST');
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/api/admin/learning/tasks') && r.request().method() === 'POST',
    );
    await page.click('[data-test=task-save]');
    const want = [await deptId('心血管内科'), await deptId('消化内科')].sort((a, b) => a - b);
    assert.deepEqual(
      ((await sent).postDataJSON().deptIds as number[]).sort((a, b) => a - b),
      want,
    );
    const created = await answered;
    assert.ok(created.ok(), `${created.status()} ${await created.text()}`);
    const taskId = (await created.json()).id as number;
    assert.deepEqual(
      (await LearningTaskDept.findAll({ where: { taskId } })).map((d) => d.deptId).sort((a, b) => a - b),
      want,
    );
    await page.locator(`[data-test=task-row-${taskId}]`).waitFor();
    await s.done();
    s.assertClean();
  });

  it('offers each their own scope: an administrator the whole hospital, a chief physician their one department, chosen already', async () => {
    const everything = await hospital();
    const roots = everything.map((d) => d.name);
    for (const d of ['内科', '外科', '儿科']) assert.ok(roots.includes(d), `${d} among ${roots.join('、')}`);
    const under = everything.find((d) => d.name === '内科')!.children.map((c) => c.name);
    for (const d of INTERNAL.slice(1)) assert.ok(under.includes(d), `${d} under 内科: ${under.join('、')}`);

    const s = await ch.loginAs('chief', '/education/learning-task');
    await s.page.click('[data-test=task-new]');
    await s.page.waitForSelector('.el-overlay [role=dialog]:visible');
    await ready(s.page);
    assert.deepEqual(await tags(s.page), ['心血管内科']);
    await s.page.locator('[data-test=task-depts] .el-select__wrapper').click();
    const tree = s.page.getByRole('tree', { name: /^(\* )?科室$/ });
    await tree.getByRole('treeitem').first().waitFor();
    assert.equal(await tree.getByRole('treeitem').count(), 1);
    assert.equal(await tree.getByRole('checkbox', { name: '心血管内科', exact: true }).isChecked(), true);
    s.assertClean();
  });
});
