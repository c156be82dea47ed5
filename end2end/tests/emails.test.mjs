// 会员邮件服务 over real SMTP: 经理 points the mail server at a loopback sink; an agent filters
// 金牌 members of 广东省, ticks 20 of them, sends an 信息推送 from its template; the sink receives
// 20 messages, the batch ends 已发送, and one member's push count on its 360° page rises by
// one. The pages pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';
import { startSink } from './smtp.mjs';

let browser;
let sink;
before(async () => { browser = await launch(); sink = await startSink(); });
after(async () => { await browser?.close(); sink?.close(); });

const pushCount = async (page, id) => {
  await open(page, `/customers/${id}?tab=pushes`);
  const text = await page.textContent('[data-testid=push-counter]');
  return Number(/已推送 (\d+) 条/.exec(text)[1]);
};

test('an 信息推送 to 20 金牌 members of one province arrives and counts', async () => {
  const manager = await newPage(browser);
  await login(manager, 'manager');
  await open(manager, '/admin/settings');
  assert.deepEqual(await accessibilityViolations(manager), [], '/admin/settings');
  await manager.fill('#host', '127.0.0.1');
  await manager.fill('#port', String(sink.port));
  await manager.selectOption('#tls', 'none');
  await manager.fill('#from_address', 'service@chinasrc.test');
  await manager.fill('#from_name', '诚商网客服中心');
  await manager.fill('#rate_per_minute', '600');
  await manager.click('[data-testid=settings-save]');
  await manager.waitForSelector('.alert-success:has-text("参数已保存")');
  await open(manager, '/admin/email-templates');
  await manager.waitForSelector('[data-testid=templates] tr:has-text("信息推送")');
  assert.deepEqual(await accessibilityViolations(manager), [], '/admin/email-templates');

  const page = await newPage(browser);
  await login(page, 'agent');
  await open(page, '/emails/compose');
  await page.click('label.chip:has-text("金牌")');
  await page.selectOption('#f-prov', { label: '广东省' });
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('level') === 'gold' && u.searchParams.has('prov'));
  await open(page, new URL(page.url()).pathname + new URL(page.url()).search + '&per_page=100');
  await page.waitForSelector('[data-testid=recipients] tbody tr');
  assert.deepEqual(await accessibilityViolations(page), [], '/emails/compose');

  await page.check('[data-testid=mode-ticked]');
  await page.waitForSelector('[data-testid=selected-count]:has-text("0")');
  const boxes = page.locator('[data-testid=recipients] tbody input[type=checkbox]:not([disabled])');
  assert.ok(await boxes.count() >= 20, 'twenty members to tick');
  const firstHref = await page.locator('[data-testid=recipients] tbody tr:has(input:not([disabled])) a').first().getAttribute('href');
  for (let i = 0; i < 20; i++) {
    await boxes.nth(i).check();
  }
  await page.waitForSelector('[data-testid=selected-count]:text-is("20")');

  const member = firstHref.split('/').pop();
  const other = await newPage(browser);
  await login(other, 'agent');
  const before = await pushCount(other, member);

  await page.selectOption('#kind', 'info_push');
  await page.selectOption('#template', { label: '信息推送' });
  await page.waitForFunction(() => document.querySelector('#subject').value.includes('{企业名称}'));
  await page.click('[data-testid=email-preview]');
  await page.waitForSelector('[data-testid=preview]');
  assert.doesNotMatch(await page.textContent('[data-testid=preview]'), /\{企业名称\}/);
  await shot(page, 'email-compose');
  page.once('dialog', (d) => { assert.match(d.message(), /将向 20 家会员发送邮件/); d.accept(); });
  await page.click('[data-testid=email-send]');
  await page.waitForSelector('[data-testid=email-saved]:has-text("共 20 家会员")');

  // Delivered by the server's sender, over SMTP.
  for (let i = 0; i < 120 && sink.mails.length < 20; i++) await new Promise((r) => setTimeout(r, 500));
  assert.equal(sink.mails.length, 20);
  assert.equal(new Set(sink.mails.flatMap((m) => m.to)).size, 20);
  assert.ok(sink.mails.every((m) => /Message-ID: <EM\d+\.\d+@chinasrc\.test>/i.test(m.data)));

  await page.click('[data-testid=email-saved] a');
  await page.waitForSelector('[data-testid=batch-status]:has-text("已发送")', { timeout: 30000 });
  assert.match(await page.textContent('[data-testid=batch-counts]'), /20 \/ 20 \/ 0/);
  assert.deepEqual(await accessibilityViolations(page), [], '/emails/batches/:id');
  await shot(page, 'email-batch');
  await open(page, '/emails/batches');
  await page.waitForSelector('[data-testid=batches] tbody tr');
  assert.deepEqual(await accessibilityViolations(page), [], '/emails/batches');

  assert.equal(await pushCount(other, member), before + 1);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(manager.errors, []);
});
