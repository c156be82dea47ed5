// 流失预警: the manager evaluates now and follows the progress, the list shows the warnings by
// risk with their reasons, a supervisor's 忽略 asks for a reason, the member's 360° page
// carries the churn badge; the page passes axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the manager evaluates, reads the warnings and handles one; the member shows its risk', async () => {
  const page = await newPage(browser);
  page.on('dialog', (d) => d.accept());
  await login(page, 'manager');
  await open(page, '/churn');
  await page.waitForSelector('[data-testid=churn-run]');
  await page.click('[data-testid=churn-run]');
  await page.waitForSelector('[data-testid=churn-progress]:has-text("计算完成")', { timeout: 120000 });
  await page.waitForSelector('[data-testid=churn-list] tbody tr');
  assert.match(await page.textContent('[data-testid=churn-last-run]'), /检查会员 \d+/);
  assert.deepEqual(await accessibilityViolations(page), [], '/churn');
  await shot(page, 'churn-list');

  // 开始跟进 on the first (highest score) warning.
  const first = page.locator('[data-testid=churn-list] tbody tr').first();
  const company = (await first.locator('td').first().textContent()).trim();
  await first.locator('button:has-text("开始跟进")').click();
  await page.waitForSelector(`[data-testid=churn-list] tbody tr:has-text("${company}"):has-text("跟进中")`);

  // 忽略 asks for a reason: an empty one is refused at the field.
  const row = page.locator(`[data-testid=churn-list] tbody tr:has-text("${company}")`);
  await row.locator('button:has-text("忽略")').click();
  await page.waitForSelector('[data-testid=churn-note]');
  await page.click('[data-testid=churn-note] button[type=submit]');
  await page.waitForSelector('[data-testid=churn-note] .field-error:has-text("忽略须填写原因")');
  await page.fill('#churn-note-text', '会员已口头确认续费');
  await page.click('[data-testid=churn-note] button[type=submit]');
  await page.waitForSelector('[data-testid=churn-note]', { state: 'detached' });
  // Dismissed: no longer among the open warnings.
  await page.waitForSelector(`[data-testid=churn-list] tbody tr:has-text("${company}")`, { state: 'detached' });

  // The next warning's member carries the badge on its 360° page.
  const next = page.locator('[data-testid=churn-list] tbody tr').first();
  const href = await next.locator('td a').first().getAttribute('href');
  await open(page, href);
  await page.waitForSelector('[data-testid=churn-badge]');
  assert.match(await page.textContent('[data-testid=churn-badge]'), /流失风险 [高中低]/);
  await shot(page, 'churn-badge-360');

  // 规则设置: a threshold out of range is refused at its cell.
  await open(page, '/churn');
  await page.waitForSelector('[data-testid=churn-rules]');
  await page.fill('[data-testid=churn-rules] input[aria-label="服务即将到期 阈值"]', '0');
  await page.click('[data-testid=churn-rules-save]');
  await page.waitForSelector('[data-testid=churn-rules] .field-error:has-text("1–3650")');
  assert.deepEqual(page.errors, []);
});
