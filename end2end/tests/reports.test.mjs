// 报表中心: the manager opens R-2 for 本年 按月, sees the charts, clicks a count and lands on
// 诉求列表 holding that many requests, exports the report and the workbook holds the same
// total; a rep office's report is its own office's; the page passes axe-core.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// The text of the entries of a zip file (an xlsx) by name, read through its central
/// directory (the local headers of a streamed zip carry no sizes).
function unzip(buffer) {
  const files = {};
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < count; i += 1) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLen = buffer.readUInt16LE(at + 28);
    const skip = nameLen + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLen);
    const local = buffer.readUInt32LE(at + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at += 46 + skip;
  }
  return files;
}

test('the manager reads R-2 by month, drills into a count and exports the workbook', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  await open(page, '/reports');
  await page.waitForSelector('[data-testid=report-empty]');
  assert.deepEqual(await accessibilityViolations(page), [], '/reports');

  await page.selectOption('#kind', 'request_volume');
  await page.selectOption('#preset', 'this_year');
  await page.selectOption('#grain', 'month');
  await page.click('[data-testid=report-run]');
  await page.waitForURL((u) => u.searchParams.get('kind') === 'request_volume' && u.searchParams.get('grain') === 'month');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  assert.equal(await page.locator('[data-testid=report-chart] svg').count(), 2, 'a line over the months and the shares');
  assert.match(await page.textContent('[data-testid=report-criteria]'), /本年 \d{4}-01-01 至 \d{4}-12-31/);
  assert.deepEqual(await accessibilityViolations(page), [], '/reports with a report');
  await shot(page, 'report-r2-monthly');

  // The year's total as the last row shows it (合计 is the 8th count column).
  const heads = await page.locator('[data-testid=report-table] thead tr').first().locator('th').allTextContents();
  assert.equal(heads[0], '期间');
  const totalRow = page.locator('[data-testid=report-table] tbody tr.total').last();
  const total = Number(await totalRow.locator('td').nth(7).textContent());
  assert.ok(total > 0, 'the demo data has requests this year');

  // A count of one month and office opens 诉求列表 with exactly that many requests.
  const cell = page.locator('[data-testid=report-table] tbody tr:not(.total) td a').first();
  const n = Number(await cell.textContent());
  await cell.click();
  await page.waitForURL((u) => u.pathname === '/requests' && u.searchParams.get('tab') === 'all');
  await page.waitForSelector(`.pager .total:has-text("共 ${n} 条")`);
  await shot(page, 'report-drill-requests');
  await page.goBack();
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');

  // 导出 Excel: the workbook carries the criteria and the same total.
  const download = page.waitForEvent('download');
  await page.click('button:has-text("导出 Excel")');
  const file = await download;
  assert.match(file.suggestedFilename(), /^会员诉求统计表\(诉求量\)_\d{14}\.xlsx$/);
  const entries = unzip(readFileSync(await file.path()));
  const strings = entries['xl/sharedStrings.xml'] ?? '';
  assert.match(strings, /诉求受理时间:本年/);
  assert.match(strings, /统计粒度:按月/);
  assert.match(entries['xl/worksheets/sheet1.xml'], new RegExp(`<v>${total}</v>`));
  assert.ok(entries['xl/charts/chart1.xml'], 'the chart is in the workbook');

  // render too (other layouts).
  await open(page, '/reports?kind=member_count&preset=this_year');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  await shot(page, 'report-r1');
  await open(page, '/reports?kind=callback&preset=this_year&by_level=1');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  assert.deepEqual(page.errors, []);
});

test('a rep office reports on its own office only', async () => {
  const page = await newPage(browser);
  await login(page, 'gz_rep');
  await open(page, '/reports?kind=request_volume&preset=this_year');
  await page.waitForSelector('[data-testid=report-table] tbody tr.total');
  const rows = await page.locator('[data-testid=report-table] tbody tr:not(.total) th').allTextContents();
  assert.deepEqual(rows, ['广州代表处']);
  assert.ok(await page.isDisabled('input[name=orgs]'), 'the office is locked');
  assert.deepEqual(page.errors, []);
});
