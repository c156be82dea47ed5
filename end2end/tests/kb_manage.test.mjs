// 知识库维护 (PG-62): 经理 writes an article whose body has a <script> typed into it (the article
// shows it as text, nothing runs), attaches a file, edits it twice, looks at a revision's diff and
// restores version 1; a second tab's stale save is refused with a message. In 类别管理 a
// sub-category is added, refused an empty name, renamed, moved and deleted (the built-in ones
// cannot be). The list filters and changes status; a .zip bundle is previewed and imported; a
// search that found nothing is listed under 无结果搜索. Every tab and the editor pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, hydrated, launch, login, newPage, open, shot as viewportShot } from './helpers.mjs';
import { zip } from './xlsx.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const tag = Date.now().toString(36).slice(-5);
const TITLE = `续费流程说明E2E${tag}`;

/// A screenshot of the whole page: the content scrolls inside the shell, so the viewport grows
/// to the content's height for the picture.
async function shot(page, name) {
  const size = page.viewportSize();
  const height = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? main.scrollHeight + main.getBoundingClientRect().top + 24 : document.body.scrollHeight;
  });
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.ceil(height)) });
  await viewportShot(page, name);
  await page.setViewportSize(size);
}

/// Accepts the next confirm() (and checks what it asks).
const acceptNext = (page, re) => page.once('dialog', (d) => { assert.match(d.message(), re); d.accept(); });

test('an article: script stays text, attachment, two edits, diff, restore v1, stale save refused', async () => {
  const page = await newPage(browser);
  const alerts = [];
  page.on('dialog', (d) => { if (d.type() === 'alert') { alerts.push(d.message()); d.dismiss(); } });
  await login(page, 'manager');
  await open(page, '/kb/manage/articles/new');
  await page.waitForSelector('#title');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/manage/articles/new');

  // Nothing filled: each error at its field.
  await page.click('[data-testid=kb-save]');
  await page.waitForSelector('#title-error:has-text("请填写标题")');
  assert.match(await page.textContent('#category_id-error'), /请选择类别/);
  assert.match(await page.textContent('#content_html-error'), /请填写内容/);

  const category = await page.$eval('#category_id', (s) => [...s.options].find((o) => o.textContent.includes('产品知识')).value);
  await page.selectOption('#category_id', category);
  await page.fill('#title', TITLE);
  await page.click('#body_html');
  await page.keyboard.type('会员可在服务到期前30天办理续费。<script>alert(1)</script>');
  await page.keyboard.press('Enter');
  await page.keyboard.type('续费后服务年度顺延。');
  await page.fill('#keywords', '续费, 到期');
  await page.check('input[name=levels][value=gold]');
  await page.check('input[name=status][value=published]');
  await page.setInputFiles('#kb-attachment-file', { name: '续费说明.txt', mimeType: 'text/plain', buffer: Buffer.from('续费说明:到期前 30 天。') });
  await page.click('[data-testid=kb-attachment-upload]');
  await page.waitForSelector('[data-testid=kb-attachments] li:has-text("续费说明.txt")');
  // A type the server does not take: refused at the attachments field.
  await page.setInputFiles('#kb-attachment-file', { name: 'run.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00') });
  await page.click('[data-testid=kb-attachment-upload]');
  await page.waitForFunction(() => document.querySelector('#attachment_ids-error')?.textContent.trim().length > 0);
  assert.equal(await page.locator('[data-testid=kb-attachments] li').count(), 1);
  await shot(page, 'kb-editor-new');
  await page.click('[data-testid=kb-save]');
  await page.waitForURL(/\/kb\/manage\/articles\/\d+\?saved=1/);
  await hydrated(page);
  await page.waitForSelector('[data-testid=kb-saved]:has-text("已保存 v1")');
  const id = /articles\/(\d+)/.exec(page.url())[1];

  // The article as read: the typed tag is text, nothing ran.
  await open(page, `/kb/articles/${id}`);
  await page.waitForSelector(`h1:has-text("${TITLE}"), h2:has-text("${TITLE}"), :text("${TITLE}")`);
  const body = await page.textContent('main');
  assert.ok(body.includes('<script>alert(1)</script>'), 'the typed tag shows as text');
  assert.equal(await page.locator('main script').count(), 0);
  assert.ok(body.includes('续费说明.txt'), 'the attachment is listed');
  assert.deepEqual(alerts, []);
  await shot(page, 'kb-article-script-as-text');

  // Two edits, each a revision.
  await open(page, `/kb/manage/articles/${id}`);
  await page.waitForSelector('[data-testid=kb-revisions] tr[data-version="1"]');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/manage/articles/:id');
  await page.fill('#title', `${TITLE}(修订)`);
  await page.fill('#change_note', '第一次修改标题');
  await page.click('[data-testid=kb-save]');
  await page.waitForSelector('[data-testid=kb-saved]:has-text("已保存 v2")');
  await page.waitForSelector('[data-testid=kb-revisions] tr[data-version="2"]');
  await page.click('#body_html');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('逾期未续费需重新申请。');
  await page.fill('#change_note', '补充逾期说明');
  await page.click('[data-testid=kb-save]');
  await page.waitForSelector('[data-testid=kb-saved]:has-text("已保存 v3")');
  await page.waitForSelector('[data-testid=kb-revisions] tr[data-version="3"]');
  assert.equal(await page.locator('[data-testid=kb-revisions] tbody tr').count(), 3);

  await page.click('[data-testid=kb-revisions] tr[data-version="3"] [data-action=diff]');
  await page.waitForSelector('[data-testid=kb-diff] .kb-diff-line.added:has-text("逾期未续费需重新申请")');
  await page.click('[data-testid=kb-revisions] tr[data-version="2"] [data-action=diff]');
  await page.waitForSelector('[data-testid=kb-diff] .kb-diff-line.removed');
  assert.deepEqual(await accessibilityViolations(page), [], 'editor with a diff');
  await shot(page, 'kb-editor-history-diff');

  // Another tab saves first: this one's save is refused with a message, nothing typed is lost.
  const other = await page.context().newPage();
  await open(other, `/kb/manage/articles/${id}`);
  await other.waitForSelector('#title');
  await other.fill('#change_note', '另一个窗口');
  await other.fill('#keywords', '续费, 到期, 顺延');
  await other.click('[data-testid=kb-save]');
  await other.waitForSelector('[data-testid=kb-saved]:has-text("已保存 v4")');
  await page.fill('#keywords', '续费, 到期, 冲突');
  await page.click('[data-testid=kb-save]');
  await page.waitForSelector('.kb-editor .alert-error');
  assert.match(await page.textContent('.kb-editor .alert-error'), /修改|刷新|版本|changed/);
  assert.equal(await page.inputValue('#keywords'), '续费, 到期, 冲突');
  await page.waitForSelector('[data-testid=kb-reload]');
  await shot(page, 'kb-editor-conflict');
  await other.close();

  // Restore version 1 (the page reloads the latest first).
  await open(page, `/kb/manage/articles/${id}`);
  await page.waitForSelector('[data-testid=kb-revisions] tr[data-version="4"]');
  acceptNext(page, /恢复到 v1/);
  await page.click('[data-testid=kb-revisions] tr[data-version="1"] [data-action=restore]');
  await page.waitForSelector('[data-testid=kb-saved]:has-text("已恢复 v1,保存为 v5")');
  await page.waitForSelector('[data-testid=kb-revisions] tr[data-version="5"]');
  assert.equal(await page.inputValue('#title'), TITLE);
  assert.ok(!(await page.textContent('#body_html')).includes('逾期'));
  assert.deepEqual(alerts, []);
  assert.deepEqual(page.errors, []);
});

test('categories: add a sub-category, empty name refused, rename, move, delete; built-ins stay', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  await open(page, '/kb/manage?tab=categories');
  await page.waitForSelector('[data-testid=kb-categories] .kb-cat-tree');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/manage?tab=categories');
  // Built-in categories offer no delete.
  const builtins = page.locator('.kb-cat-node:has(.badge:text-is("内置"))');
  assert.ok(await builtins.count() >= 7);
  assert.equal(await builtins.locator('[data-action=delete]').count(), 0);

  const heading = page.locator('[data-testid=kb-categories] > ul.kb-cat-tree > li').filter({ hasText: '其他知识' }).first();
  const name = `E2E子类别${tag}`;
  await heading.locator(':scope > .kb-cat-node [data-action=add-child]').click();
  await page.waitForSelector('#kb-cat-title');
  await page.click('[data-testid=kb-cat-save]');
  await page.waitForSelector('#kb-cat-title-error:has-text("请填写类别名称")');
  await shot(page, 'kb-categories-error');
  await page.fill('#kb-cat-title', name);
  await page.click('[data-testid=kb-cat-save]');
  const node = page.locator('li[data-category]').filter({ has: page.locator(`:scope > .kb-cat-node .kb-cat-title:text-is("${name}")`) });
  await node.waitFor();
  await page.waitForSelector(`[data-testid=kb-cat-notice]:has-text("已添加类别「${name}」")`);

  // A second one, then the first moves below it.
  await heading.locator(':scope > .kb-cat-node [data-action=add-child]').click();
  await page.fill('#kb-cat-title', `${name}B`);
  await page.press('#kb-cat-title', 'Enter');
  await page.waitForSelector(`.kb-cat-title:text-is("${name}B")`);
  const order = () => heading.locator('ul.kb-cat-tree .kb-cat-title').allInnerTexts();
  assert.deepEqual((await order()).slice(-2), [name, `${name}B`]);
  await node.locator(':scope > .kb-cat-node [data-action=down]').click();
  await page.waitForFunction((n) => {
    const titles = [...document.querySelectorAll('.kb-cat-title')].map((e) => e.textContent.trim());
    return titles.indexOf(n) > titles.indexOf(`${n}B`);
  }, name);

  // Rename: the inline input, saved.
  await node.locator(':scope > .kb-cat-node [data-action=rename]').click();
  await page.fill('#kb-cat-title', `${name}改`);
  await page.click('[data-testid=kb-cat-save]');
  await page.waitForSelector(`.kb-cat-title:text-is("${name}改")`);
  await shot(page, 'kb-categories');

  // Delete both (asked first).
  for (const n of [`${name}改`, `${name}B`]) {
    const li = page.locator('li[data-category]').filter({ has: page.locator(`:scope > .kb-cat-node .kb-cat-title:text-is("${n}")`) });
    acceptNext(page, /确定删除类别/);
    await li.locator(':scope > .kb-cat-node [data-action=delete]').click();
    await page.waitForSelector(`.kb-cat-title:text-is("${n}")`, { state: 'detached' });
  }
  // A built-in heading cannot be renamed to a sibling's name: the error sits at the input.
  const first = page.locator('[data-testid=kb-categories] > ul.kb-cat-tree > li').first();
  await first.locator(':scope > .kb-cat-node [data-action=rename]').click();
  await page.fill('#kb-cat-title', '其他知识');
  await page.click('[data-testid=kb-cat-save]');
  await page.waitForSelector('#kb-cat-title-error:has-text("同名")');
  await page.click('.kb-cat-form button:has-text("取消")');
  assert.deepEqual(page.errors, []);
});

test('the list filters and changes status; a bundle is imported; a fruitless search is listed', async () => {
  const page = await newPage(browser);
  const alerts = [];
  page.on('dialog', (d) => { if (d.type() === 'alert') { alerts.push(d.message()); d.dismiss(); } });
  await login(page, 'manager');
  await open(page, '/kb/manage');
  await page.waitForSelector('form.filters');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/manage');

  // Import a bundle: two articles (one in a new category), one file refused.
  await page.click('.kb-tabs a[data-tab=import]');
  await page.waitForURL((u) => u.searchParams.get('tab') === 'import');
  await page.waitForSelector('#kb-import-file');
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/manage?tab=import');
  const bundle = zip([
    [`产品知识/一、EC数据宝2.0/导入说明${tag}.md`, `# EC数据宝导入${tag}\n\n会员可在**到期前**办理续费。\n\n- 第一步\n- 第二步\n`],
    [`新建类别${tag}/常见问题${tag}.html`, `<h1>常见问题导入${tag}</h1><p>续费流程见附件。</p><script>alert(2)</script><img src="x" onerror="alert(3)">`],
    [`其他知识/空白${tag}.md`, ''],
  ]);
  await page.setInputFiles('#kb-import-file', { name: `知识库${tag}.zip`, mimeType: 'application/zip', buffer: bundle });
  await page.click('[data-testid=kb-import-upload]');
  await page.waitForSelector('[data-testid=kb-import-preview] tbody tr');
  assert.equal(await page.locator('[data-testid=kb-import-preview] tbody tr').count(), 3);
  await page.waitForSelector(`[data-testid=kb-import-preview] tr:has-text("新建类别${tag}") .badge:has-text("新建")`);
  assert.equal(await page.locator('[data-testid=kb-import-preview] tr.kb-import-bad').count(), 1);
  assert.deepEqual(await accessibilityViolations(page), [], 'import preview');
  await shot(page, 'kb-import-preview');
  await page.check('input[name=kb-import-status][value=published]');
  await page.click('[data-testid=kb-import-run]');
  await page.waitForSelector('[data-testid=kb-import-done]:has-text("导入完成:2 个知识点,新建 1 个类别")');
  await shot(page, 'kb-import-done');

  // The list: keyword filter (kept in the URL), then 下架 and 删除 on an imported one.
  await page.click('.kb-tabs a[data-tab=articles]');
  await page.waitForSelector('form.filters');
  await page.fill('#f-q', `常见问题导入${tag}`);
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('q') === `常见问题导入${tag}`);
  const row = page.locator('[data-testid=kb-articles] tbody tr', { hasText: `常见问题导入${tag}` });
  // (The imported rows head the unfiltered list too: wait for the filtered one.)
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=kb-articles] tbody tr').length === 1);
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`新建类别${tag}`));
  // The bundle's <script> and onerror are gone from the article as read (and nothing ran).
  const href = await row.locator('a[href^="/kb/articles/"]').getAttribute('href');
  await open(page, href);
  await page.waitForSelector(`main :text("续费流程见附件")`);
  assert.equal(await page.locator('main script').count(), 0);
  assert.equal(await page.locator('main [onerror]').count(), 0);
  assert.ok(!(await page.textContent('main')).includes('alert('));
  await page.goBack();
  await hydrated(page);
  await row.locator('[data-status=published]').waitFor();
  await row.locator('[data-action=archived]').click();
  await row.locator('[data-status=archived]').waitFor();
  await page.waitForSelector('[data-testid=kb-notice]:has-text("已下架")');
  await page.selectOption('#status', 'archived');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('status') === 'archived');
  await row.waitFor();
  await shot(page, 'kb-manage-list');
  acceptNext(page, /确定删除知识点/);
  await row.locator('[data-action=delete]').click();
  await page.waitForSelector('[data-testid=kb-notice]:has-text("已删除")');
  await page.waitForSelector('[data-testid=kb-articles]', { state: 'detached' });

  // Its category keeps the deleted article's history: deleting it is refused, readably.
  await open(page, '/kb/manage?tab=categories');
  const created = page.locator('li[data-category]').filter({ has: page.locator(`:scope > .kb-cat-node .kb-cat-title:text-is("新建类别${tag}")`) });
  acceptNext(page, /确定删除类别/);
  await created.locator(':scope > .kb-cat-node [data-action=delete]').click();
  await page.waitForSelector('[data-testid=kb-categories] .alert-error:has-text("不能删除")');
  await created.waitFor();

  // The other imported article is there, published, under 产品知识.
  await open(page, `/kb/manage?q=${encodeURIComponent(`EC数据宝导入${tag}`)}`);
  const imported = page.locator('[data-testid=kb-articles] tbody tr', { hasText: `EC数据宝导入${tag}` });
  await imported.waitFor();
  assert.match(await imported.textContent(), /产品知识/);
  await imported.locator('[data-status=published]').waitFor();

  // A search that found nothing shows under 无结果搜索.
  const nothing = `查无此词${tag}`;
  const status = await page.evaluate(async (q) => {
    const r = await fetch('/api/kb/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { q, page: 1, panel: false } }) });
    return r.status;
  }, nothing);
  assert.equal(status, 200);
  await open(page, '/kb/manage?tab=zero');
  await page.waitForSelector('[data-testid=kb-zero]');
  await page.click('[data-testid=kb-zero] button[data-days="7"]');
  await page.waitForSelector(`[data-testid=kb-zero-table] tr:has-text("${nothing}")`);
  assert.deepEqual(await accessibilityViolations(page), [], '/kb/manage?tab=zero');
  await shot(page, 'kb-zero-results');
  assert.deepEqual(alerts, []);
  assert.deepEqual(page.errors, []);
});
