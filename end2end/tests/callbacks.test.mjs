// 电话回访关怀: an agent picks a member from the call list, records the call with a follow-up
// date (a missing feedback is named next to its field, the rest kept), finds the task on the
// home page, makes the next call from 任务提醒 (which closes the task) and sees the member's
// last callback in the list; the pages pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// A `datetime-local` value in China time, `days` from now.
const chinaTime = (days) => new Date(Date.now() + (8 * 60 + days * 24 * 60) * 60000).toISOString().slice(0, 16);

test('a callback with a follow-up date, its task on the home page, the call list', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  await open(page, '/callbacks?level=gold');
  await page.waitForSelector('[data-testid=call-list] tbody tr');
  assert.deepEqual(await accessibilityViolations(page), [], '/callbacks');
  await shot(page, 'call-list');
  const first = page.locator('[data-testid=call-list] tbody tr').first();
  const company = (await first.locator('td').first().innerText()).trim();
  await first.locator('[data-testid=callback-open]').click();
  await page.waitForSelector('[data-testid=callback-form]');
  await page.waitForSelector('[data-testid=caller-panel]');
  assert.match(await page.textContent('[data-testid=caller-panel]'), new RegExp(company));
  assert.deepEqual(await accessibilityViolations(page), [], '/callbacks/new');
  // The first field has the focus: the form is filled from the keyboard.
  await page.waitForFunction(() => document.activeElement?.id === 'content');
  await page.selectOption('#content', 'renewal_reminder');
  await page.keyboard.press('Tab');
  await page.fill('#next_at', chinaTime(3));
  await page.fill('#next_note', '确认续费意向');
  // Reached but no feedback: named at its field, the rest kept.
  await page.click('[data-testid=callback-complete]');
  await page.waitForSelector('#feedback-error:has-text("已接通的回访请填写会员反馈")');
  assert.equal(await page.inputValue('#next_note'), '确认续费意向');
  await page.focus('#feedback');
  await page.keyboard.type('会员计划下月续费,希望先了解新版展位功能');
  await page.click('[data-testid=callback-complete]');
  await page.waitForSelector('[data-testid=callback-done]:has-text("已创建下次回访任务")');
  await page.waitForSelector('[data-testid=callback-history]');
  await shot(page, 'callback-entry');

  await open(page, '/');
  await page.waitForSelector('[data-testid=todo-tasks]');
  assert.match(await page.textContent('[data-testid=todo-tasks]'), /确认续费意向/);

  // The next call, from 任务提醒: the form answers the task, and 完成 closes it.
  await open(page, '/tasks');
  await page.locator('[data-testid=tasks] tbody tr', { hasText: '确认续费意向' }).locator('[data-testid=task-call-back]').click();
  await page.waitForSelector('[data-testid=callback-form]');
  await page.waitForFunction(() => document.querySelector('#task_id')?.value !== '');
  await page.selectOption('#content', 'renewal_reminder');
  await page.selectOption('#reach', 'not_reached');
  await page.click('[data-testid=callback-complete]');
  await page.waitForSelector('[data-testid=callback-done]:has-text("对应任务已完成")');

  await open(page, '/callbacks?cb_content=renewal_reminder');
  await page.waitForSelector(`[data-testid=call-list] tbody tr:has-text("${company}")`);
  assert.match(await page.textContent('[data-testid=call-list]'), /续费率约提醒/);
  assert.deepEqual(page.errors, []);
});
