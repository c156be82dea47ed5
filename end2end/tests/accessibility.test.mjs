// WCAG 2.1 AA (axe-core) on the login page and the main admin pages, in Chinese.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { accessibilityViolations, launch, login, newPage, open } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the login page passes axe-core WCAG 2.1 AA', async () => {
  const page = await newPage(browser);
  await open(page, '/login');
  assert.deepEqual(await accessibilityViolations(page), []);
});

test('the shell and admin pages pass axe-core WCAG 2.1 AA', async () => {
  const page = await newPage(browser);
  await login(page, 'manager');
  for (const path of ['/', '/admin/accounts', '/admin/accounts/new', '/admin/roles', '/admin/orgs', '/admin/logs', '/account/password',
    '/query/member-services', '/query/member-services?view=members&level=gold', '/customers/1', '/customers/1?tab=records',
    '/service-records/1', '/query/published-info', '/query/push-logs', '/customers/1/push-logs', '/admin/sync',
    '/archive/customers', '/archive/customers/new', '/archive/import', '/reviews']) {
    await open(page, path);
    assert.deepEqual(await accessibilityViolations(page), [], path);
  }
});
