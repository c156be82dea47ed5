// 知识库: the manager writes an article with a full-width title; the agent taking a request
// gets it suggested from two characters of the request and cites its answer into 处理结果;
// 关键字搜索 finds it by a half-width, lower-case query with the hit marked; the article page
// copies its answer; the pages pass axe-core.
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { BASE, accessibilityViolations, launch, login, logout, newPage, open, shot } from './helpers.mjs';

const TITLE = 'ＶＩＰ续费办理指南';
const ANSWER = '会员可在服务到期前30天办理续费，续费时可领取翡翠礼包。';
const SHOTS = process.env.KB_SHOTS ?? '/tmp/kb-shots';
mkdirSync(SHOTS, { recursive: true });
const kbShot = (page, name) => Promise.all([
  shot(page, `kb-${name}`),
  page.screenshot({ path: `${SHOTS}/${name}.png` }),
]);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// Scrolls the page's content area (the shell keeps the menu in place) to the top or bottom.
const scroll = (page, bottom) => page.locator('main.content').evaluate((e, b) => { e.scrollTop = b ? e.scrollHeight : 0; }, bottom);

/// The ids of the article written by the first test (the second one reads it).
let articleId;

test('an editor writes an article; the catalogue, search and article page show it', async () => {
  const page = await newPage(browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await login(page, 'manager');

  await open(page, '/kb/manage/articles/new');
  await page.selectOption('#category_id', { label: '会员履约服务知识' });
  await page.fill('#title', TITLE);
  await page.click('#body_html');
  await page.keyboard.type(ANSWER);
  await page.fill('#keywords', 'VIP续费, 续费礼包');
  await page.check('input[name=status][value=published]');
  await page.click('[data-testid=kb-save]');
  await page.waitForURL((u) => /^\/kb\/manage\/articles\/\d+$/.test(u.pathname));
  await page.waitForSelector('[data-testid=kb-saved]');
  articleId = Number(new URL(page.url()).pathname.split('/').pop());

  // PG-60: the catalogue counts it, its heading lists it, 最近更新 starts with it.
  await open(page, '/kb');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb');
  await page.waitForSelector('[data-testid=kb-recent] tbody tr');
  assert.match(await page.textContent('[data-testid=kb-recent] tbody tr >> nth=0'), new RegExp(TITLE));
  assert.ok(await page.isVisible('[data-testid=kb-new]'), 'an editor may add articles');
  await kbShot(page, 'kb-home');
  await page.click('[data-testid=kb-tree] a.kb-node.kb-heading:has-text("会员履约服务知识")');
  await page.waitForURL((u) => u.searchParams.has('cat'));
  await page.waitForSelector(`[data-testid=kb-category] a:has-text("${TITLE}")`);
  assert.equal(await page.getAttribute('[data-testid=kb-tree] a[aria-current=page]', 'data-cat'),
    new URL(page.url()).searchParams.get('cat'));
  await kbShot(page, 'kb-category');

  // 关键字搜索: half-width lower case finds the full-width title; the query is in the URL.
  await page.fill('#kb-q', 'ｖｉｐ续费');
  await page.press('#kb-q', 'Enter');
  await page.waitForURL((u) => u.searchParams.get('q') === 'ｖｉｐ续费');
  const hit = page.locator('[data-testid=kb-hit]', { hasText: TITLE }).first();
  await hit.waitFor();
  assert.equal((await hit.locator('.kb-hit-title mark').first().textContent()).trim(), 'ＶＩＰ续费');
  assert.match(await hit.textContent(), /会员履约服务知识 › /);
  assert.match(await page.textContent('[data-testid=kb-total]'), /找到 \d+ 条/);
  assert.deepEqual(await accessibilityViolations(page), [], '/kb?q=');
  await kbShot(page, 'kb-search');
  // A bookmarked search opens as it was.
  await open(page, `/kb?q=${encodeURIComponent('续费 翡翠')}`);
  assert.equal(await page.inputValue('#kb-q'), '续费 翡翠');
  await page.waitForSelector(`[data-testid=kb-hit]:has-text("${TITLE}")`);
  assert.equal(await page.locator('[data-testid=kb-hit]').count(), await page.locator('[data-testid=kb-hit]', { hasText: '翡翠' }).count());
  // Nothing found: said, with what to try instead.
  await page.fill('#kb-q', '不存在的词条ＸＹＺ');
  await page.press('#kb-q', 'Enter');
  await page.waitForSelector('[data-testid=kb-empty]');
  assert.match(await page.textContent('[data-testid=kb-empty]'), /未找到包含“不存在的词条ＸＹＺ”的知识点/);
  await kbShot(page, 'kb-empty');

  // PG-61.
  await page.goBack();
  await page.waitForSelector(`[data-testid=kb-hit] a:has-text("${TITLE}")`);
  await page.click(`[data-testid=kb-hit] a:has-text("${TITLE}")`);
  await page.waitForURL((u) => u.pathname === `/kb/articles/${articleId}`);
  await page.waitForSelector('[data-testid=kb-article]');
  assert.equal((await page.textContent('[data-testid=kb-article-title]')).trim(), TITLE);
  assert.match(await page.textContent('[data-testid=kb-content]'), /会员可在服务到期前30天办理续费/);
  assert.equal((await page.textContent('[data-testid=kb-version]')).trim(), 'v1');
  assert.match(await page.textContent('[data-testid=kb-keywords]'), /VIP续费[\s\S]*续费礼包/);
  assert.match(await page.textContent('.kb-crumbs'), /知识库 › 会员履约服务知识 › ＶＩＰ续费办理指南/);
  assert.ok(await page.isVisible('[data-testid=kb-edit]'), 'an editor may edit');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/articles/:id');
  await page.click('[data-testid=kb-copy]');
  await page.waitForSelector('[data-testid=kb-copied]:has-text("已复制到剪贴板")');
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /会员可在服务到期前30天办理续费/);
  await kbShot(page, 'kb-article');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('.sider'), false, 'printing leaves the menu out');
  assert.equal(await page.isVisible('[data-testid=kb-copy]'), false, 'and the buttons');
  await kbShot(page, 'kb-article-print');
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(page.errors, []);
});

test('taking a request, the agent is offered the article and cites its answer', async () => {
  assert.ok(articleId, 'the article of the first test');
  const page = await newPage(browser);
  await login(page, 'agent');
  await open(page, '/requests/new');
  await page.waitForSelector('[data-testid=kb-panel]');
  assert.match(await page.textContent('[data-testid=kb-panel]'), /输入诉求内容后/);

  // Two characters of the body: typing is never held up, the suggestion follows.
  await page.focus('#content');
  await page.keyboard.type('翡翠', { delay: 60 });
  assert.equal(await page.inputValue('#content'), '翡翠');
  const suggested = page.locator('[data-testid=kb-suggest] [data-testid=kb-panel-hit]', { hasText: TITLE }).first();
  await suggested.waitFor();
  assert.equal(await suggested.locator('a.kb-hit-title').getAttribute('target'), '_blank');
  assert.equal(await suggested.locator('a.kb-hit-title').getAttribute('href'), `/kb/articles/${articleId}`);
  assert.equal((await suggested.locator('.kb-snippet mark').first().textContent()).trim(), '翡翠');
  await page.fill('#result', '已向会员说明:');
  await suggested.locator('[data-testid=kb-cite]').click();
  await page.waitForFunction(() => document.querySelector('#result').value.includes('会员可在服务到期前30天办理续费'));
  assert.equal(await page.inputValue('#result'), `已向会员说明:\n\n${ANSWER}`);
  assert.match(await suggested.textContent(), /已引用/);

  // The panel's own search (published articles only), by keyboard.
  await page.focus('#kb-panel-q');
  await page.keyboard.type('ｖｉｐ续费');
  await page.keyboard.press('Enter');
  const found = page.locator('[data-testid=kb-panel-results] [data-testid=kb-panel-hit]', { hasText: TITLE }).first();
  await found.waitFor();
  assert.equal((await found.locator('.kb-hit-title mark').first().textContent()).trim(), 'ＶＩＰ续费');
  await page.fill('#kb-panel-q', '不存在的词条ＸＹＺ');
  await page.press('#kb-panel-q', 'Enter');
  await page.waitForSelector('[data-testid=kb-panel-none]:has-text("未找到包含")');
  await page.fill('#kb-panel-q', 'ｖｉｐ续费');
  await page.press('#kb-panel-q', 'Enter');
  await found.waitFor();
  assert.deepEqual(await accessibilityViolations(page), [], '/requests/new with the 知识库 panel');
  await scroll(page, false);
  await kbShot(page, 'intake-panel');
  await scroll(page, true);
  await kbShot(page, 'intake-panel-scrolled');

  // A request being handled: beside the answer, articles for its text; 引用 adds to it.
  await open(page, '/requests?tab=handling');
  await page.waitForSelector('[data-testid=requests] tbody a');
  await page.click('[data-testid=requests] tbody a >> nth=0');
  await page.click('[data-action=Complete]');
  await page.waitForSelector('.act-with-kb [data-testid=kb-panel]');
  await page.waitForSelector('[data-testid=kb-suggest] [data-testid=kb-panel-hit], [data-testid=kb-suggest-none]');
  const offered = page.locator('[data-testid=kb-suggest] [data-testid=kb-cite]');
  if (await offered.count() > 0) {
    const before = await page.inputValue('#act-text');
    await offered.first().click();
    await page.waitForFunction((b) => document.querySelector('#act-text').value.length > b.length, before);
  }
  assert.deepEqual(await accessibilityViolations(page), [], 'request detail with the 知识库 panel');
  await scroll(page, true);
  await kbShot(page, 'request-detail-panel');

  // A reader without 知识库维护 sees no maintenance links.
  await open(page, '/kb');
  await page.waitForSelector('[data-testid=kb-tree] a.kb-node');
  assert.equal(await page.locator('[data-testid=kb-new]').count(), 0);
  await open(page, `/kb/articles/${articleId}`);
  await page.waitForSelector('[data-testid=kb-article]');
  assert.equal(await page.locator('[data-testid=kb-edit]').count(), 0);

  // The callback form has the panel's search (nothing to cite into).
  await open(page, '/callbacks');
  await page.waitForSelector('[data-testid=call-list] tbody tr');
  await page.locator('[data-testid=callback-open]').first().click();
  await page.waitForSelector('[data-testid=callback-form]');
  await page.waitForSelector('[data-testid=kb-panel]');
  assert.equal(await page.locator('[data-testid=kb-panel] [data-testid=kb-suggest]').count(), 0);
  await page.fill('#kb-panel-q', '翡翠');
  await page.press('#kb-panel-q', 'Enter');
  await page.waitForSelector(`[data-testid=kb-panel-results] a:has-text("${TITLE}")`);
  assert.equal(await page.locator('[data-testid=kb-panel] [data-testid=kb-cite]').count(), 0);
  await scroll(page, true);
  await kbShot(page, 'callback-panel');
  await logout(page);
  assert.deepEqual(page.errors, []);
});
