// 诉求信息质检: the QA inspector lists 张坐席's completed requests, draws a random sample of ten
// (its seed kept in the URL: a reload shows the same sample), inspects one as 处理有误 (the
// missing reason is named at its field), sees it in 质检报告; 张坐席 then finds the message. The
// pages pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, hydrated, launch, login, logout, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a QA inspector samples, inspects an error, and the agent is told', async () => {
  const page = await newPage(browser);
  await login(page, 'qa');
  await page.click('[data-testid=menu] a:has-text("诉求信息质检管理")');
  await page.waitForSelector('[data-testid=qa-list] tbody tr');
  await hydrated(page);
  assert.deepEqual(await accessibilityViolations(page), [], '/qa');

  // 张坐席's requests only, then ten of them at random.
  await page.waitForSelector('#agent option:has-text("张坐席")', { state: 'attached' });
  await page.selectOption('#agent', { label: '张坐席' });
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.has('agent'));
  await page.waitForSelector('[data-testid=qa-list] tbody tr');
  await page.fill('#sample-amount', '10');
  await page.click('[data-testid=sample-submit]');
  await page.waitForURL((u) => u.searchParams.has('seed') && u.searchParams.has('since'));
  await page.waitForSelector('[data-testid=sample-summary]');
  const seed = new URL(page.url()).searchParams.get('seed');
  assert.match(await page.textContent('[data-testid=sample-summary]'), new RegExp(`抽取 10 条 · 种子 ${seed}`));
  const rows = page.locator('[data-testid=qa-sample] tbody tr');
  assert.equal(await rows.count(), 10);
  const numbers = async () => (await rows.locator('td:first-child').allInnerTexts()).map((t) => t.trim());
  const drawn = await numbers();
  for (const agent of await rows.locator('td:nth-child(11)').allInnerTexts()) assert.equal(agent.trim(), '张坐席');
  // The same seed, the same sample.
  await page.reload();
  await hydrated(page);
  await page.waitForSelector('[data-testid=qa-sample] tbody tr');
  assert.deepEqual(await numbers(), drawn);
  assert.deepEqual(await accessibilityViolations(page), [], '/qa sample');
  await shot(page, 'qa-sample');

  // 质检录入: 处理有误 without a reason is named at its field; with one it is saved.
  const requestNo = drawn[0];
  await rows.first().locator('[data-testid=qa-open]').click();
  await page.waitForSelector('[data-testid=qa-form]');
  await hydrated(page);
  assert.match(await page.textContent('[data-testid=request-head]'), new RegExp(requestNo));
  await page.check('[data-testid=qa-incorrect]');
  await page.click('[data-testid=qa-save]');
  await page.waitForSelector('#qa-remark-error:has-text("处理有误时请填写备注")');
  await page.fill('#qa-remark', '未核实会员身份即答复账户信息');
  await page.click('[data-testid=qa-save]');
  await page.waitForSelector('.alert-success:has-text("质检结果已保存")');
  await page.waitForSelector('[data-testid=qa-records] td:has-text("未核实会员身份即答复账户信息")');
  await page.waitForSelector('[data-testid=request-qa]:has-text("处理有误")');
  assert.deepEqual(await accessibilityViolations(page), [], '/qa/:id');
  await shot(page, 'qa-entry');

  // 质检报告 lists it among the errors.
  await open(page, '/qa/records?result=incorrect');
  await page.waitForSelector(`[data-testid=qa-records] td:has-text("${requestNo}")`);
  assert.ok(Number(await page.textContent('[data-testid=qa-incorrect]')) >= 1);
  assert.deepEqual(await accessibilityViolations(page), [], '/qa/records');
  await shot(page, 'qa-report');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // 张坐席 is told, and the request's page shows the result.
  await login(page, 'agent');
  await open(page, '/messages');
  const message = page.locator(`text=诉求 ${requestNo} 质检结果:处理有误`);
  await message.waitFor();
  await message.click();
  await page.waitForSelector('[data-testid=request-qa]:has-text("未核实会员身份即答复账户信息")');
  assert.deepEqual(page.errors, []);
});
