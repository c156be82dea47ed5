// 关怀规则: 经理 adds a rule (a missing day count is named at its field, the rest kept), finds it
// in the list, runs the rules by hand and sees the run with what it made; the page passes
// axe-core. (The rule reaches no demo member: the other flows' task lists stay as they are.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a care rule is added and the rules run from the page', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  await open(page, '/admin/care-rules');
  await page.waitForSelector('[data-testid=care-rules] tbody tr');
  // The default rules are there.
  assert.match(await page.textContent('[data-testid=care-rules]'), /服务到期前 30 天/);
  assert.deepEqual(await accessibilityViolations(page), [], '/admin/care-rules');

  await page.fill('#name', '免费会员到期一年');
  await page.selectOption('#trigger', 'after_expiry');
  await page.selectOption('#callback_content', 'special_survey');
  for (const box of await page.locator('input[name=member_levels]').all()) {
    if (await box.isChecked()) await box.uncheck();
  }
  await page.check('input[name=member_levels][value=free]');
  await page.click('[data-testid=care-save]');
  await page.waitForSelector('#offset_days-error:has-text("请填写 1 到 366 之间的天数")');
  assert.equal(await page.inputValue('#name'), '免费会员到期一年');
  await page.fill('#offset_days', '366');
  await page.click('[data-testid=care-save]');
  await page.waitForSelector('[data-testid=care-rules] tr:has-text("免费会员到期一年")');
  assert.match(await page.textContent('[data-testid=care-rules] tr:has-text("免费会员到期一年")'), /服务到期后 366 天/);

  // Disable the defaults first: the run must not hand demo members to the other flows' agents.
  for (const name of ['新开通会员确认', '到期前续费提醒', '久未联系关怀']) {
    await page.locator('[data-testid=care-rules] tr', { hasText: name }).getByRole('button', { name: '编辑' }).click();
    await page.waitForFunction((n) => document.querySelector('#name')?.value === n, name);
    await page.uncheck('#enabled');
    await page.click('[data-testid=care-save]');
    await page.waitForSelector(`[data-testid=care-rules] tr:has-text("${name}") .badge:has-text("停用")`);
  }

  page.once('dialog', (d) => d.accept());
  await page.click('[data-testid=care-run]');
  await page.waitForSelector('[data-testid=care-runs] tbody tr');
  const run = page.locator('[data-testid=care-runs] tbody tr').first();
  assert.match(await run.innerText(), /手动运行/);
  assert.match(await run.innerText(), /已完成/);
  await shot(page, 'care-rules');
  assert.deepEqual(page.errors, []);
});
