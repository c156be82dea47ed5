// 会员诉求: an agent identifies a member by typing part of a phone number and routes a
// complaint to 技术部 — keyboard only; 技术部 sees it in its inbox with the message, feeds back;
// the agent finds it under 待我回复 and completes it; the member's page lists it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, logout, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// A demo member with a mobile number: [id, mobile, company].
async function memberWithMobile(page) {
  for (let id = 1; id < 60; id++) {
    await open(page, `/customers/${id}`);
    const dd = page.locator('dl.desc-2 dt:has-text("手机") + dd');
    if (await dd.count() === 0) continue;
    const mobile = (await dd.textContent()).trim();
    if (/^1\d{10}$/.test(mobile)) return [id, mobile, (await page.textContent('.member-title h2')).trim()];
  }
  throw new Error('no demo member with a mobile number');
}

/// Presses ArrowDown on the focused select until its chosen option reads `label`.
async function chooseByKeyboard(page, label) {
  for (let i = 0; i < 10; i++) {
    const text = await page.evaluate(() => document.activeElement.selectedOptions?.[0]?.textContent?.trim());
    if (text === label) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option ${label}`);
}

test('a complaint taken by keyboard goes to 技术部 and comes back to the agent', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  const [memberId, mobile, company] = await memberWithMobile(page);

  await open(page, '/requests/new');
  await page.focus('#caller');
  await page.keyboard.type(mobile.slice(3, 10));
  // The list follows the typing (an answer for fewer digits may show first): wait for the one
  // for all seven.
  await page.waitForFunction(
    (name) => document.querySelector('[data-testid=caller-list]')?.textContent.includes(name), company);
  const hits = await page.locator('[data-testid=caller-list] li').allInnerTexts();
  const at = hits.findIndex((t) => t.includes(company));
  assert.ok(at >= 0, `${company} among ${hits.join(' | ')}`);
  for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=caller-panel]');
  assert.match(await page.textContent('[data-testid=picked]'), new RegExp(company.replace(/[()（）]/g, '.')));
  // The pick moved the focus on to 诉求类型.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'request_type');
  await chooseByKeyboard(page, '投诉');
  await page.keyboard.press('Tab'); // 优先级 (a complaint: 高)
  assert.equal(await page.evaluate(() => document.activeElement.selectedOptions[0].textContent.trim()), '高');
  await page.keyboard.press('Tab'); // 诉求内容
  await page.keyboard.type('会员反映产品发布页面打不开,已清除缓存仍不行');
  await page.keyboard.press('Tab'); // 处理部门
  await chooseByKeyboard(page, '技术部');
  await page.keyboard.press('Tab'); // 处理结果
  await page.keyboard.press('Tab'); // 提交至技术部
  assert.equal((await page.evaluate(() => document.activeElement.textContent)).trim(), '提交至技术部');
  await shot(page, 'request-intake');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=intake-done]');
  const done = await page.textContent('[data-testid=intake-done]');
  const no = done.match(/SQ\d{12}/)[0];
  assert.match(done, /已流转至技术部/);
  // The form is clear for the next call, the focus back in the lookup.
  assert.equal(await page.inputValue('#content'), '');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'caller');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // 技术部: the message, the inbox, 接收 and 反馈.
  await login(page, 'biz_tech');
  await page.waitForSelector('[data-testid=bell-count]');
  await open(page, '/dept/inbox');
  await page.click(`[data-testid=inbox] a:has-text("${no}")`);
  await page.waitForSelector('[data-testid=actions]');
  await page.click('[data-action=Accept]');
  await page.waitForFunction(() => document.querySelector('[data-testid=request-state]')?.textContent.includes('部门处理中'));
  await page.click('[data-action=Feedback]');
  await page.fill('#act-text', '已修复页面缓存配置,请会员刷新后重试');
  await page.click('[data-testid=act-confirm]');
  await page.waitForFunction(() => document.querySelector('[data-testid=request-state]')?.textContent.includes('部门已反馈'));
  await shot(page, 'request-dept-feedback');
  assert.deepEqual(page.errors, []);
  await logout(page);

  // The agent: 待我回复, the reply pre-filled from the feedback, 处理完成.
  await login(page, 'agent');
  await open(page, '/requests?tab=reply');
  await page.click(`[data-testid=requests] a:has-text("${no}")`);
  await page.waitForSelector('[data-testid=feedback]');
  await page.click('[data-action=Complete]');
  assert.match(await page.inputValue('#act-text'), /已修复页面缓存配置/);
  await page.fill('#act-text', '已电话告知会员刷新后可正常发布');
  await page.click('[data-testid=act-confirm]');
  await page.waitForFunction(() => document.querySelector('[data-testid=request-state]')?.textContent.includes('已完成'));
  assert.equal(await page.locator('[data-testid=timeline] li').count(), 5);
  await shot(page, 'request-detail-completed');
  await open(page, `/customers/${memberId}?tab=requests`);
  await page.waitForSelector('[data-testid=member-requests]');
  assert.match(await page.textContent('[data-testid=member-requests]'), new RegExp(no));
  assert.deepEqual(page.errors, []);
});

test('the request pages pass axe-core WCAG 2.1 AA', async () => {
  const page = await newPage(browser);
  await login(page, 'supervisor');
  for (const path of ['/requests/new', '/requests', '/requests?tab=voided', '/messages']) {
    await open(page, path);
    assert.deepEqual(await accessibilityViolations(page), [], path);
  }
  await open(page, '/requests');
  const first = page.locator('[data-testid=requests] tbody a').first();
  if (await first.count() > 0) {
    await first.click();
    await page.waitForSelector('[data-testid=request-head]');
    assert.deepEqual(await accessibilityViolations(page), [], 'request detail');
  }
  await logout(page);
  await login(page, 'biz_tech');
  await open(page, '/dept/inbox');
  assert.deepEqual(await accessibilityViolations(page), [], '/dept/inbox');
  await shot(page, 'dept-inbox');
  await logout(page);
  // The 经理's working calendar: the week, this year's holidays, the time limits.
  await login(page, 'manager');
  await open(page, '/');
  await page.waitForSelector('[data-testid=todo]');
  await shot(page, 'home-todo');
  await open(page, '/admin/calendar');
  await page.waitForSelector('[data-testid=sla-policies] tbody tr');
  assert.deepEqual(await accessibilityViolations(page), [], '/admin/calendar');
  await shot(page, 'calendar');
  assert.deepEqual(page.errors, []);
});
