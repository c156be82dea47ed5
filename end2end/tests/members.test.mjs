// 信息查询: an agent narrows the member & service query to 金牌 members of one province, opens a
// member and reads its service records; the published-info and push-log pages; an export.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { BASE, hydrated, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('an agent filters by 金牌 and a province, opens a member and sees its service records', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  await page.click('[data-testid=menu] a:has-text("会员资料及服务查询")');
  await page.waitForSelector('[data-testid=member-services] tbody tr');
  await shot(page, 'member-services');
  await page.click('label.chip:has-text("金牌")');
  await page.selectOption('#f-prov', { label: '广东省' });
  // The city list follows the province.
  await page.waitForSelector('#f-prov-2:not([disabled]) option:has-text("广州市")', { state: 'attached' });
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('level') === 'gold' && u.searchParams.has('prov'));
  // The previous rows stay until the new ones arrive: wait for the filtered page.
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-testid=member-services] tbody tr td:nth-child(2)')];
    return cells.length > 0 && cells.every((c) => c.innerText.trim() === '金牌');
  }, null, { timeout: 15000 }).catch(() => {});
  const levels = await page.locator('[data-testid=member-services] tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(levels.length > 0, 'some gold members in 广东');
  assert.ok(levels.every((l) => l.trim() === '金牌'), levels.join(','));
  assert.match(await page.textContent('.pager .total'), /共 \d+ 条|超过 2000 条/);
  await shot(page, 'member-services-gold-guangdong');
  // The view is in the URL: a reload keeps it.
  await page.reload();
  await hydrated(page);
  assert.ok(await page.isChecked('label.chip:has-text("金牌") input'));

  const company = (await page.textContent('[data-testid=member-services] tbody tr td a')).trim();
  await page.click('[data-testid=member-services] tbody tr td a');
  await page.waitForURL(/\/customers\/\d+$/);
  await page.waitForSelector('.member-title h2');
  assert.equal((await page.textContent('.member-title h2')).trim(), company);
  assert.match(await page.textContent('.tab-panel'), /广东省/);
  await page.click('button.tab:has-text("服务记录")');
  await page.waitForSelector('[data-testid=member-records] tbody tr');
  assert.ok(await page.locator('[data-testid=member-records] tbody tr').count() > 0);
  await shot(page, 'member-detail-records');
  assert.deepEqual(page.errors, []);
});

test('a rep-office user only has its own office in the organisation filter', async () => {
  const page = await newPage(browser);
  await login(page, 'gz_rep');
  await open(page, '/query/member-services');
  await page.waitForSelector('#f-org[disabled]');
  assert.deepEqual((await page.locator('#f-org option').allInnerTexts()).map((t) => t.trim()), ['广州代表处']);
  const orgs = await page.locator('[data-testid=member-services] tbody tr td:nth-child(8)').allInnerTexts();
  assert.ok(orgs.length > 0 && orgs.every((o) => o.trim() === '广州代表处'), orgs.join(','));
});

test('published info, push e-mails and an export with progress', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  await open(page, '/query/published-info?info_type=purchase');
  await page.waitForSelector('[data-testid=published-info] tbody tr');
  const types = await page.locator('[data-testid=published-info] tbody tr td:nth-child(4)').allInnerTexts();
  assert.ok(types.every((t) => t.trim() === '求购信息'), types.join(','));
  await shot(page, 'published-info');
  await open(page, '/query/push-logs');
  await page.waitForSelector('[data-testid=push-summary]');
  await page.click('[data-testid=push-logs] tbody tr td a');
  await page.waitForURL(/\/customers\/\d+\/push-logs/);
  await page.waitForSelector('[data-testid=push-counter]');
  assert.match(await page.textContent('[data-testid=push-counter]'), /本服务年度已推送 \d+ 条 \/ 目标 50 条/);
  await shot(page, 'member-push-log');

  await open(page, '/query/member-services?level=shang_qia_tong');
  const download = page.waitForEvent('download');
  await page.click('button:has-text("导出 Excel")');
  const file = await download;
  assert.match(file.suggestedFilename(), /^会员资料及服务查询_\d{14}\.xlsx$/);
  await page.waitForSelector('.export .job:has-text("已导出")');
  assert.deepEqual(page.errors, []);
});

// A rep office far away: the WASM arrives late. What the agent types meanwhile is neither lost
// nor ignored, whether 查询 is pressed before hydration (a plain GET form the server answers)
// or after it.
test('a filter typed before the page hydrates is kept and searched', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  const slowWasm = async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue(); };
  await page.route('**/*.wasm', slowWasm);

  // 1. Typed and submitted before hydration: the browser submits the form itself.
  await page.goto(`${BASE}/query/member-services`, { waitUntil: 'commit' });
  await page.waitForSelector('#f-company');
  assert.equal(await page.getAttribute('body', 'data-hydrated'), null, 'still not hydrated');
  await page.fill('#f-company', '电子科技');
  await page.click('label.chip:has-text("金牌")');
  await page.press('#f-company', 'Enter');
  await page.waitForURL((u) => u.searchParams.get('company') === '电子科技');
  await hydrated(page);
  assert.equal(await page.inputValue('#f-company'), '电子科技');
  assert.ok(await page.isChecked('label.chip:has-text("金牌") input'));
  const names = await page.locator('[data-testid=member-services] tbody tr td:nth-child(1)').allInnerTexts();
  assert.ok(names.length > 0 && names.every((n) => n.includes('电子科技')), names.join(','));

  // 2. Typed before hydration, submitted after it: the hydrated form keeps the text.
  await page.goto(`${BASE}/query/member-services`, { waitUntil: 'commit' });
  await page.waitForSelector('#f-company');
  await page.fill('#f-company', '贸易');
  await hydrated(page);
  assert.equal(await page.inputValue('#f-company'), '贸易');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('company') === '贸易');
  assert.deepEqual(page.errors, []);
});

test('the built files carry their build in the URL and are cached for good', async () => {
  const page = await newPage(browser);
  const assets = [];
  page.on('response', (r) => { if (new URL(r.url()).pathname.startsWith('/pkg/')) assets.push(r); });
  await open(page, '/login');
  assert.ok(assets.length >= 3, assets.map((r) => r.url()).join(' '));
  for (const r of assets) {
    assert.match(new URL(r.url()).pathname, /^\/pkg\/[0-9a-f]{16}\//, r.url());
    assert.equal(r.headers()['cache-control'], 'public, max-age=31536000, immutable', r.url());
  }
  const missing = await page.request.get(`${BASE}/pkg/0000000000000000/frontend.js`);
  assert.equal(missing.status(), 404);
  assert.equal(missing.headers()['cache-control'], 'no-cache');
});
