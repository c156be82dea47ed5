// 统计查询 and 分析: the manager reads the requests by organisation, clicks a count and lands on
// 诉求列表 holding that many requests; reads the workload per agent and the members by level in
// 分析 with their charts, and exports one; an agent's catalogue holds only its own work; a rep
// office's numbers are its own office's; both pages pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the manager queries, drills into a count, analyses and exports', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  await open(page, '/stats');
  await page.waitForSelector('[data-testid=stat-empty]');
  assert.deepEqual(await accessibilityViolations(page), [], '/stats');

  await page.selectOption('#item', 'requests');
  await page.waitForSelector('#by');
  await page.selectOption('#by', 'org');
  await page.selectOption('#preset', 'this_year');
  await page.click('[data-testid=stat-run]');
  await page.waitForURL((u) => u.searchParams.get('item') === 'requests' && u.searchParams.get('by') === 'org');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  assert.equal(await page.locator('[data-testid=report-chart] svg').count(), 2, 'bars and shares');
  assert.match(await page.textContent('[data-testid=report-criteria]'), /统计维度:按组织机构/);
  assert.deepEqual(await accessibilityViolations(page), [], '/stats with a table');
  await shot(page, 'stats-requests-by-org');

  // A count opens 诉求列表 with exactly that many requests (one the list counts exactly: it
  // says 超过 200 条 beyond that).
  const links = page.locator('[data-testid=report-table] tbody tr:not(.total) td a');
  const counts = (await links.allTextContents()).map(Number);
  const at = counts.findIndex((c) => c > 0 && c <= 200);
  assert.ok(at >= 0, `a count of at most 200 among ${counts}`);
  const n = counts[at];
  await links.nth(at).click();
  await page.waitForURL((u) => u.pathname === '/requests' && u.searchParams.get('tab') === 'all');
  await page.waitForSelector(`.pager .total:has-text("共 ${n} 条")`);

  // 分析: the areas first; the workload of each agent this year.
  await open(page, '/analysis');
  await page.waitForSelector('[data-testid=stat-empty]');
  assert.deepEqual(await accessibilityViolations(page), [], '/analysis');
  await page.selectOption('#area', 'workload');
  await page.selectOption('#item', 'agent_work');
  await page.selectOption('#preset', 'this_year');
  await page.click('[data-testid=stat-run]');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  const heads = await page.locator('[data-testid=report-table] thead th').allTextContents();
  for (const h of ['客服人员', '受理', '已完成', '回访', '邮件发送', '履约确认', '差错率']) assert.ok(heads.includes(h), h);
  await shot(page, 'analysis-workload');

  // 客户构成 by level, then its workbook.
  await open(page, '/analysis?area=customers&item=composition&by=level');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  assert.match(await page.textContent('[data-testid=report-table] tbody'), /非会员/);
  await shot(page, 'analysis-composition');
  const download = page.waitForEvent('download');
  await page.click('button:has-text("导出 Excel")');
  const file = await download;
  assert.match(file.suggestedFilename(), /^客户构成分布_\d{14}\.xlsx$/);
  assert.deepEqual(page.errors, []);
});

test('an agent counts its own work; a rep office its own office', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  await open(page, '/stats');
  await page.waitForSelector('#item option[value=my_requests]', { state: 'attached' });
  const items = await page.locator('#item option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(items.filter((i) => !i.startsWith('my_')), [], 'only the agent\'s own statistics');
  await open(page, '/stats?item=my_callbacks&preset=this_year');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  await shot(page, 'stats-my-callbacks');

  assert.deepEqual(page.errors, []);

  const rep = await newPage(browser);
  await login(rep, 'gz_rep');
  await open(rep, '/stats?item=requests&by=org&preset=this_year');
  await rep.waitForSelector('[data-testid=report-table] tbody tr.total');
  const rows = await rep.locator('[data-testid=report-table] tbody tr:not(.total) th').allTextContents();
  assert.deepEqual(rows, ['广州代表处']);
  assert.deepEqual(rep.errors, []);
});
