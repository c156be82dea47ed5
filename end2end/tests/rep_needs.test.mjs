// 代表处业务需求: 广州代表处 submits a need; HQ CS takes it, classifies it and routes it to
// 技术部, which feeds back from the inbox's 代表处需求 tab; HQ CS answers the office, which sees
// the result but not the department's note. Every page passes axe-core WCAG 2.1 AA.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, logout, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const stateIs = (page, text) =>
  page.waitForFunction((t) => document.querySelector('[data-testid=need-state]')?.textContent.includes(t), text);

test('a need goes from 广州代表处 to 技术部 and back', async () => {
  const page = await newPage(browser);
  await login(page, 'gz_rep');
  await open(page, '/rep-needs');
  assert.deepEqual(await accessibilityViolations(page), [], '/rep-needs');
  // Submitting nothing says what is missing, next to the field.
  await page.click('[data-testid=need-submit]');
  await page.waitForSelector('#content-error:has-text("请填写诉求内容")');
  await page.focus('#need-content');
  await page.keyboard.type('展会客户反映展位图无法下载,请总部协助处理');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'need-submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=need-done]');
  const no = (await page.textContent('[data-testid=need-done]')).match(/DQ\d{12}/)[0];
  assert.equal(await page.inputValue('#need-content'), '', 'the form clears');
  await page.waitForSelector(`[data-testid=my-needs] a:has-text("${no}")`);
  await shot(page, 'rep-needs');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // HQ CS: 待受理, 受理, classify and route.
  await login(page, 'agent');
  await open(page, '/rep-needs/queue');
  assert.deepEqual(await accessibilityViolations(page), [], '/rep-needs/queue');
  await page.click(`[data-testid=need-queue] a:has-text("${no}")`);
  await page.waitForSelector('[data-testid=actions]');
  await page.click('[data-action=Accept]');
  await stateIs(page, '总部客服处理中');
  await page.click('[data-action=Route]');
  await page.selectOption('#request_type', { label: '咨询' });
  await page.selectOption('#handling_org_id', { label: '技术部' });
  await page.fill('#act-text', '请技术部排查下载服务');
  await page.click('[data-testid=act-confirm]');
  await stateIs(page, '待部门处理');
  assert.deepEqual(await accessibilityViolations(page), [], 'need detail');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // 技术部: the inbox's 代表处需求 tab, 反馈.
  await login(page, 'biz_tech');
  await open(page, '/dept/inbox?tab=rep');
  await page.click(`[data-testid=need-inbox] a:has-text("${no}")`);
  await page.waitForSelector('[data-testid=actions]');
  await page.click('[data-action=Feedback]');
  await page.fill('#act-text', '内部:CDN 配置错误已修正');
  await page.click('[data-testid=act-confirm]');
  await stateIs(page, '部门已反馈');
  await shot(page, 'rep-need-dept');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // HQ CS: 部门已反馈, the answer starts from the feedback.
  await login(page, 'agent');
  await open(page, '/rep-needs/queue?tab=answered');
  await page.click(`[data-testid=need-queue] a:has-text("${no}")`);
  await page.waitForSelector('[data-testid=feedback]');
  await page.click('[data-action=Reply]');
  assert.match(await page.inputValue('#act-text'), /CDN/);
  await page.fill('#act-text', '已修复,请告知客户重新下载');
  await page.click('[data-testid=act-confirm]');
  await stateIs(page, '已反馈代表处');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // The office: the result, not the department's note.
  await login(page, 'gz_rep');
  await open(page, '/rep-needs');
  await page.click(`[data-testid=my-needs] a:has-text("${no}")`);
  await page.waitForSelector('[data-testid=need-result]');
  assert.match(await page.textContent('[data-testid=need-result]'), /已修复/);
  assert.doesNotMatch(await page.textContent('main'), /CDN/);
  assert.equal(await page.locator('[data-testid=actions]').count(), 0, 'nothing left to do');
  await shot(page, 'rep-need-answered');
  assert.deepEqual(page.errors, []);
});
