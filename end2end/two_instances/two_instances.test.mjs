// Two servers on one PostgreSQL database and one shared files directory (a scaled-out
// deployment behind a load balancer without session affinity): a session opened on one is
// valid on the other, an export started on one is downloaded from the other, and a logout on
// one ends the session on both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { BASE, hydrated, launch, login, newPage, shot } from '../tests/helpers.mjs';

const OTHER = process.env.BASE_URL_2;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('log in on one instance, work on the other, export on one and download from the other', async () => {
  assert.ok(OTHER && OTHER !== BASE, 'BASE_URL_2 names the second instance');
  const page = await newPage(browser);
  await login(page, 'manager');

  // The session cookie (host 127.0.0.1, any port) is honoured by the other instance.
  await page.goto(`${OTHER}/query/member-services?level=gold`);
  await hydrated(page);
  assert.equal(new URL(page.url()).pathname, '/query/member-services');
  await page.waitForSelector('[data-testid=member-services] tbody tr');
  await shot(page, 'two-instances-query-on-b');

  // Export on the first instance…
  await page.goto(`${BASE}/query/member-services?level=gold`);
  await hydrated(page);
  const download = page.waitForEvent('download');
  await page.click('button:has-text("导出 CSV")');
  await download;
  await page.waitForSelector('.export .job:has-text("已导出") a');
  const href = await page.getAttribute('.export .job a', 'href');
  assert.match(href, /^\/download\/[\w-]+$/);
  // …and download the same file from the second.
  const fromB = await page.request.get(`${OTHER}${href}`);
  assert.equal(fromB.status(), 200);
  assert.match(fromB.headers()['content-type'], /text\/csv/);
  const body = await fromB.text();
  const lines = body.trim().split(/\r?\n/);
  assert.ok(lines.length > 1, 'a header and rows');
  assert.match(lines[0], /企业名称/);
  const fromA = await page.request.get(`${BASE}${href}`);
  assert.equal(await fromA.text(), body, 'the same file from both instances');

  // Logging out on the second ends the session on the first too: the old cookie, sent again
  // to the first instance, opens nothing.
  const session = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const asPage = (cookie) => page.request.get(`${BASE}/query/member-services`,
    { maxRedirects: 0, headers: { Accept: 'text/html', Cookie: cookie } });
  assert.equal((await asPage(session)).status(), 200, 'the session opens the page before the logout');
  await page.goto(`${OTHER}/`);
  await hydrated(page);
  await page.click('[data-testid=logout]');
  await page.waitForURL((u) => u.pathname.startsWith('/login'));
  const res = await asPage(session);
  assert.equal(res.status(), 302);
  assert.match(res.headers().location, /^\/login/);
  assert.deepEqual(page.errors, []);
});
