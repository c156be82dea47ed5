// 任务提醒: from a request's page the agent creates a follow-up task with a due date, finds it
// on the home page's 待办 and in 我的任务, and completes it with a note — the pages pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a follow-up task from a request, on the home page, done', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  await open(page, '/requests?tab=mine');
  await page.click('[data-testid=requests] tbody a >> nth=0');
  await page.waitForSelector('[data-testid=follow-up]');
  const no = (await page.textContent('[data-testid=request-head] h2')).match(/SQ\d{12}/)[0];
  await page.click('[data-testid=follow-up]');
  await page.waitForSelector('#title');
  assert.equal(await page.inputValue('#title'), `跟进 ${no}`);
  assert.deepEqual(await accessibilityViolations(page), [], '/tasks/new');
  // A title is required: the error sits next to the field, the rest is kept.
  await page.fill('#title', '');
  await page.fill('#due_at', '2026-01-05T10:00');
  await page.click('[data-testid=task-save]');
  await page.waitForSelector('#title-error:has-text("请填写任务标题")');
  assert.equal(await page.inputValue('#due_at'), '2026-01-05T10:00');
  await page.fill('#title', '回电确认处理结果');
  await page.click('[data-testid=task-save]');
  await page.waitForSelector('[data-testid=tasks] tbody tr:has-text("回电确认处理结果")');
  assert.match(await page.textContent('[data-testid=tasks]'), new RegExp(no));

  await open(page, '/');
  await page.waitForSelector('[data-testid=todo-tasks]');
  assert.match(await page.textContent('[data-testid=todo-tasks]'), /回电确认处理结果[\s\S]*已逾期/);
  await shot(page, 'home-tasks');

  await open(page, '/tasks');
  assert.deepEqual(await accessibilityViolations(page), [], '/tasks');
  const row = page.locator('[data-testid=tasks] tbody tr', { hasText: '回电确认处理结果' });
  await row.locator('[data-task-action=Complete]').click();
  await page.fill('#task-note', '已回电,会员满意');
  await page.click('[data-testid=task-act-confirm]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=tasks]')?.textContent.includes('回电确认处理结果'));
  await open(page, '/tasks?status=done');
  await page.waitForSelector('[data-testid=tasks] tbody tr:has-text("已回电,会员满意")');
  await shot(page, 'tasks');
  assert.deepEqual(page.errors, []);
});
