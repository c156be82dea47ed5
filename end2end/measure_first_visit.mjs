// Measures the first visit of a page as a far-away rep office meets it: a fresh browser
// context (empty cache), 60 ms added latency on every request (CDP network emulation), then
// the number of requests and the time from navigation until the page is hydrated and ready.
// Usage: BASE_URL=http://127.0.0.1:PORT node end2end/measure_first_visit.mjs /path …
import { BASE, DEMO_PASSWORD, hydrated, launch } from './tests/helpers.mjs';

const paths = process.argv.slice(2);
const browser = await launch();
for (const path of paths) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(BASE + '/login');
  await hydrated(page);
  await page.fill('#admin_id', 'agent');
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
  // A new context with the session cookie only: nothing cached.
  const cookies = await context.cookies();
  const fresh = await browser.newContext({ locale: 'zh-CN' });
  await fresh.addCookies(cookies);
  const p = await fresh.newPage();
  const cdp = await fresh.newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 60, downloadThroughput: -1, uploadThroughput: -1 });
  let requests = 0;
  p.on('request', () => { requests += 1; });
  const t0 = Date.now();
  await p.goto(BASE + path);
  await hydrated(p);
  const ready = Date.now() - t0;
  console.log(`first visit ${path} requests=${requests} ready_ms_60ms=${ready}`);
  await fresh.close();
  await context.close();
}
await browser.close();
