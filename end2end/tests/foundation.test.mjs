// Foundation flows: the login page, errors that keep what was typed, and an administrator
// creating a role and an account whose holder then sees exactly the granted menus.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, login, logout, menu, newPage, open, shot } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the login page is in Chinese and refuses a wrong password, keeping the login ID', async () => {
  const page = await newPage(browser);
  await open(page, '/login');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('body'), /管理员ID[\s\S]*密码/);
  await shot(page, 'login');
  await page.fill('#admin_id', 'agent');
  await page.fill('#password', 'wrong-pass1');
  await page.click('button[type=submit]');
  await page.waitForSelector('.alert-error');
  assert.equal((await page.textContent('.alert-error')).trim(), '管理员ID或密码错误');
  assert.equal(await page.inputValue('#admin_id'), 'agent', 'the login ID is kept');
  assert.equal(await page.inputValue('#password'), '', 'the password is cleared');
  assert.deepEqual(page.errors, []);
});

test('an unauthenticated visit goes to the login page; English can be chosen', async () => {
  const page = await newPage(browser);
  await page.goto(process.env.BASE_URL + '/admin/accounts');
  await page.waitForURL((u) => u.pathname === '/login');
  await page.waitForSelector('body[data-hydrated]');
  await page.click('.login-lang button:has-text("English")');
  await page.waitForSelector('text=Login ID');
  assert.match(await page.textContent('button[type=submit]'), /Sign in/);
});

test('a deep link opened without a session comes back after the login', async () => {
  const page = await newPage(browser);
  await page.goto(process.env.BASE_URL + '/query/member-services?company=%E7%A7%91%E6%8A%80');
  await page.waitForURL((u) => u.pathname === '/login');
  await page.waitForSelector('body[data-hydrated]');
  await page.fill('#admin_id', 'agent');
  await page.fill('#password', 'Demo@2026');
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/query/member-services');
  assert.equal(new URL(page.url()).searchParams.get('company'), '科技');
});

test('an admin grants a role only some menus; its holder sees exactly those', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  assert.deepEqual(await menu(page), ['首页', '会员资料及服务查询', '会员发布信息查询', '信息推送邮件查询', '会员诉求受理', '诉求列表', '电话回访关怀', '会员邮件服务', '邮件发送记录', '代表处需求处理',
    '添加管理员', '管理员管理', '角色管理', '修改密码', '会员履约管理', '履约项目配置', '诉求信息质检管理', '质检报告', '精准匹配', '报表中心', '知识库', '知识库维护', '客户档案信息管理', '批量导入', '审核中心', '流失预警', '任务提醒', '统计查询', '分析', '组织机构', '数据同步',
    '工作日历', '邮件模板', '参数设置', '关怀规则', '系统日志']);
  await shot(page, 'shell-manager');

  // Client-side navigation into pages whose code is loaded on demand (lazy route chunks).
  await page.click('[data-testid=menu] a:has-text("组织机构")');
  await page.waitForSelector('.org-tree [data-org=GZ]');
  await page.click('[data-testid=menu] a:has-text("管理员管理")');
  await page.waitForSelector('table.data td:has-text("gz_rep")');

  // 角色管理: a new company-CS role with 系统日志 and 修改密码 only.
  await open(page, '/admin/roles');
  await page.click('button:has-text("新增角色")');
  await page.fill('#role_name', '日志审计员');
  await page.check('#perm-system-logs');
  await page.check('#perm-cs_mgmt-sys_perm-change_password');
  assert.equal(await page.isDisabled('#perm-intake-rep_need-submit'), true, 'rep-office-only nodes are disabled for company CS');
  await page.click('button:has-text("保存")');
  await page.waitForSelector('.alert-success');
  await shot(page, 'roles');

  // 添加管理员 with that role. The organisation (客服部) is the only one that fits.
  await open(page, '/admin/accounts/new');
  await page.fill('#admin_id', 'auditor');
  await page.fill('#name', '钱审计');
  await page.fill('#password', 'Audit2026a');
  await page.fill('#password_confirm', 'Audit2026b');
  await page.fill('#email', 'auditor@example.com');
  await page.selectOption('#role_id', { label: '日志审计员' });
  await page.click('button:has-text("保存")');
  await page.waitForSelector('#password_confirm-error:has-text("两次输入的密码不一致")');
  assert.equal(await page.inputValue('#name'), '钱审计', 'what was typed stays');
  await page.fill('#password_confirm', 'Audit2026a');
  await page.click('button:has-text("保存")');
  await page.waitForSelector('.alert-success:has-text("auditor")');
  await logout(page);

  // The new user must first replace the initial password, then sees exactly its menus.
  await login(page, 'auditor', 'Audit2026a');
  await page.waitForURL((u) => u.pathname === '/account/password');
  await page.fill('#old_password', 'Audit2026a');
  await page.fill('#new_password', 'Audit2026New');
  await page.fill('#confirm_password', 'Audit2026New');
  await page.click('button:has-text("保存")');
  await page.waitForURL((u) => u.pathname === '/');
  await page.waitForSelector('body[data-hydrated]');
  // 审核中心 is every account's (PG-73).
  assert.deepEqual(await menu(page), ['首页', '修改密码', '审核中心', '系统日志']);
  assert.match(await page.textContent('[data-testid=who]'), /钱审计[\s\S]*客服部[\s\S]*日志审计员/);
  await shot(page, 'shell-auditor');

  // What it may open works; what it may not is refused.
  await open(page, '/admin/logs');
  await page.waitForSelector('[data-testid=op-log]');
  assert.match(await page.textContent('[data-testid=op-log]'), /新增/);
  await shot(page, 'logs');
  // The sign-in tab, filtered to failed passwords, is a URL of its own.
  await page.click('button.tab:has-text("登录记录")');
  await page.waitForSelector('[data-testid=login-log] tbody tr');
  await page.selectOption('#f-action', 'success');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL((u) => u.searchParams.get('tab') === 'logins' && u.searchParams.get('action') === 'success');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=login-log] tbody tr td:nth-child(5)')]
    .every((c) => c.innerText.trim() === '成功'));
  assert.ok(await page.locator('[data-testid=login-log] tbody tr').count() > 0);
  await open(page, '/admin/accounts');
  await page.waitForSelector('.forbidden');
  assert.deepEqual(page.errors, []);
});
