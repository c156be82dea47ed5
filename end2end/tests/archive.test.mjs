// 档案管理: an agent enters a customer (a bad field is shown in place and nothing typed is
// lost); an entrant imports an xlsx with one bad row and one duplicate, fixes the file,
// commits, and the approver approves the batch in the review centre.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { hydrated, launch, login, logout, newPage, open, shot } from './helpers.mjs';
import { xlsx } from './xlsx.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const stamp = Date.now().toString().slice(-6);
const HEADER = ['※企业名称', '客户姓名', '手机', '固定电话', '注册邮箱', '登录名', '区域', '行业分类', '企业类别', '备注'];

async function upload(page, name, rows) {
  await open(page, '/archive/import');
  await page.setInputFiles('#import-file', {
    name, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx(rows),
  });
  await page.click('button:has-text("上传并校验")');
  await page.waitForURL(/\/archive\/import\/\d+$/);
  await hydrated(page);
  await page.waitForSelector('[data-testid=job-status]');
}

const count = async (page, label) =>
  Number((await page.textContent(`button.count-tab:has-text("${label}") strong`)).trim());

test('an agent enters a customer: errors in place, input kept, then submitted for review', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  await page.click('[data-testid=menu] a:has-text("客户档案信息管理")');
  await page.waitForURL(/\/archive\/customers/);
  await hydrated(page);
  await page.click('a:has-text("录入客户信息")');
  await page.waitForURL(/\/archive\/customers\/new/);
  await hydrated(page);
  await page.fill('#company_name', `舟山普陀渔具${stamp}有限公司`);
  await page.fill('#contact_name', '邬先生');
  await page.fill('#phone_mobile', '1390580');
  await page.click('button[type=submit]:has-text("提交")');
  await page.waitForSelector('.form-row.has-error #phone_mobile');
  assert.match(await page.textContent('#phone_mobile-error'), /11 位数字/);
  assert.match(await page.textContent('#approver_id-error'), /请选择审批人/);
  assert.equal(await page.inputValue('#company_name'), `舟山普陀渔具${stamp}有限公司`, 'input kept');
  await shot(page, 'archive-entry-errors');
  await page.fill('#phone_mobile', `1390580${stamp.slice(0, 4)}`);
  await page.selectOption('#approver_id', { label: '李主管(客服部)' });
  await page.click('button[type=submit]:has-text("提交")');
  await page.waitForSelector('.alert-success');
  assert.match(await page.textContent('.alert-success'), /已提交,待 李主管 审核/);
  assert.deepEqual(page.errors, []);
});

test('an entrant imports an xlsx, fixes the bad row and the duplicate, commits; the approver approves', async () => {
  const page = await newPage(browser);
  await login(page, 'agent');
  const good = [`台州黄岩模具${stamp}有限公司`, '王工', `1385760${stamp.slice(0, 4)}`, '', '', '', '浙江省/台州市/黄岩区', '', '供应商', '展会'];
  const bad = [`金华义乌饰品${stamp}有限公司`, '何女士', '1385761', '', 'not-an-email', '', '浙江省/金华市', '', '工厂', ''];
  const dup = [`台州黄岩模具${stamp}有限公司`, '王工', '', '0576-84000000', '', '', '浙江省/台州市', '', '', ''];
  await upload(page, `客户导入${stamp}.xlsx`, [HEADER, good, bad, dup]);
  assert.equal(await count(page, '有效'), 1);
  assert.equal(await count(page, '错误'), 1);
  assert.equal(await count(page, '疑似重复'), 1);
  // The error rows are listed first, each problem next to its row.
  const problems = await page.textContent('[data-testid=import-rows] tbody tr td.problems');
  assert.match(problems, /手机:手机号应为 11 位数字/);
  assert.match(problems, /注册邮箱:邮箱格式不正确/);
  await shot(page, 'archive-import-preview');
  await page.click('button.count-tab:has-text("疑似重复")');
  await page.waitForSelector('[data-testid=import-rows] td.problems:has-text("与第 2 行企业名称相同")');

  // Fixed file: the bad row corrected, the duplicate removed.
  const fixed = [`金华义乌饰品${stamp}有限公司`, '何女士', `1385761${stamp.slice(0, 4)}`, '', `he${stamp}@example.com`, '', '浙江省/金华市', '', '采购商', ''];
  await upload(page, `客户导入${stamp}-修正.xlsx`, [HEADER, good, fixed]);
  assert.equal(await count(page, '有效'), 2);
  assert.equal(await count(page, '错误'), 0);
  await page.selectOption('#approver_id', { label: '李主管(客服部)' });
  await page.click('button:has-text("提交导入")');
  await page.waitForSelector('[data-testid=job-status]:has-text("已导入")');
  assert.match(await page.textContent('[data-testid=job-review]'), /待审核/);
  await shot(page, 'archive-import-committed');
  await logout(page);

  await login(page, 'supervisor');
  await page.click('[data-testid=menu] a:has-text("审核中心")');
  await page.waitForSelector('[data-testid=reviews] tbody tr');
  await shot(page, 'review-centre');
  await page.click(`[data-testid=reviews] tr:has-text("客户导入${stamp}-修正.xlsx") a:has-text("查看明细并审核")`);
  await page.waitForURL(/\/archive\/import\/\d+$/);
  await hydrated(page);
  await page.click('button:has-text("全部通过")');
  await page.waitForSelector('[data-testid=job-review]:has-text("已通过")');
  // The approved customers are now in the archive for everyone in scope.
  await open(page, `/archive/customers?company=${encodeURIComponent('黄岩模具' + stamp)}`);
  await page.waitForSelector('[data-testid=archive] tbody tr');
  assert.match(await page.textContent('[data-testid=archive] tbody tr'), /已通过/);
  assert.deepEqual(page.errors, []);
});
