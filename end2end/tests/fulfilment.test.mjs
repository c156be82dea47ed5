// 履约: the 经理 moves 5 points from one 金牌 item to another — 101 % first, which is refused
// with the spec's message and the edits kept — saves and recomputes the current years; an
// agent then marks 首页推荐 done on a 金牌 member and sees the progress change on the member's
// 360° page. Every page passes axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HOME = '网站内有明显推荐标志,网站首页推荐';

test('the manager reweighs 金牌 and recomputes; an agent marks an item done', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  await open(page, '/fulfilment/config');
  await page.waitForSelector('[data-testid=grid-gold]');
  assert.deepEqual(await accessibilityViolations(page), [], '/fulfilment/config');
  const weights = page.locator('[data-testid=grid-gold] [data-testid=item-weight]');
  assert.equal(await weights.count(), 5);
  // 首页推荐 (3rd) 20 → 25, 名录 (5th) 20 → 16: 101 %.
  await weights.nth(2).fill('25');
  await weights.nth(4).fill('16');
  await page.waitForSelector('[data-testid=total]:has-text("101%")');
  await page.click('[data-testid=scheme-save]');
  await page.waitForSelector('[data-testid=level-error]:has-text("【金牌会员】履约比重合计须为100%,当前为 101%")');
  assert.equal(await weights.nth(2).inputValue(), '25');
  assert.equal(await weights.nth(4).inputValue(), '16');
  await shot(page, 'fulfilment-config-error');

  await weights.nth(4).fill('15');
  await page.waitForSelector('[data-testid=total]:has-text("100%")');
  await page.check('input[name=apply_to][value=recompute]');
  page.once('dialog', (d) => d.accept());
  await page.click('[data-testid=scheme-save]');
  await page.waitForSelector('[data-testid=recompute-progress]:has-text("重算完成")', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=scheme-history] tr:has-text("第 1 版")');
  assert.match(await page.textContent('[data-testid=scheme-history]'), /履约比重 20% → 25%/);
  await shot(page, 'fulfilment-config');
  assert.deepEqual(page.errors, []);

  await open(page, '/biz/precise-match');
  await page.waitForSelector('[data-testid=matching-list] tbody tr');
  assert.deepEqual(await accessibilityViolations(page), [], '/biz/precise-match');

  // An agent finds a 金牌 member whose 首页推荐 is not done yet.
  const agent = await newPage(browser);
  await login(agent, 'agent');
  await open(agent, `/fulfilment?level=gold&pending=${encodeURIComponent(HOME)}`);
  await agent.waitForSelector('[data-testid=fulfilment-list] tbody tr');
  assert.deepEqual(await accessibilityViolations(agent), [], '/fulfilment');
  await shot(agent, 'fulfilment-list');
  await agent.locator('[data-testid=track-open]').first().click();
  await agent.waitForSelector('[data-testid=items]');
  const url = new URL(agent.url());
  const customer = url.pathname.split('/').pop();
  const before = (await agent.textContent('[data-testid=track-progress] strong')).trim();
  assert.deepEqual(await accessibilityViolations(agent), [], url.pathname);
  const row = agent.locator(`[data-testid=items] tr[data-item="${HOME}"]`);
  assert.match(await row.innerText(), /25%/);
  await row.locator('[data-testid=mark-done]').click();
  await agent.waitForSelector('[data-testid=confirm-form]');
  await agent.fill('#remark', '首页推荐位已上线');
  await agent.click('[data-testid=confirm]');
  await agent.waitForFunction(
    (b) => document.querySelector('[data-testid=track-progress] strong')?.textContent.trim() !== b, before);
  const after = (await agent.textContent('[data-testid=track-progress] strong')).trim();
  assert.equal(Math.round((parseFloat(after) - parseFloat(before)) * 100), 2500, `${before} → ${after}`);
  assert.match(await row.innerText(), /已完成/);
  await shot(agent, 'fulfilment-tracking');

  await open(agent, `/customers/${customer}`);
  await agent.waitForSelector('[data-testid=member-progress]');
  assert.equal((await agent.textContent('[data-testid=member-progress]')).trim(), after);
  assert.deepEqual(agent.errors, []);
});
