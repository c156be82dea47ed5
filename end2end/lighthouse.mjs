// Lighthouse (desktop preset) on signed-in pages, in Debian's chromium: prints one line per
// page, `lighthouse <path> perf=<0-100> tbt_ms=… lcp_ms=… cls=…`.
// Usage: BASE_URL=http://127.0.0.1:PORT node end2end/lighthouse.mjs /path …
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktop from 'lighthouse/core/config/desktop-config.js';

import { BASE, DEMO_PASSWORD } from './tests/helpers.mjs';

const res = await fetch(`${BASE}/api/auth/login`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ input: { admin_id: 'agent', password: DEMO_PASSWORD, captcha_id: '', captcha_answer: '' } }),
});
if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
const cookie = res.headers.get('set-cookie').split(';')[0];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--lang=zh-CN'],
});
try {
  for (const path of process.argv.slice(2)) {
    const result = await lighthouse(
      BASE + path,
      { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], extraHeaders: { Cookie: cookie } },
      desktop,
    );
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
    const audit = (id) => lhr.audits[id]?.numericValue ?? NaN;
    const perf = Math.round(lhr.categories.performance.score * 100);
    console.log(`lighthouse ${path} perf=${perf} tbt_ms=${Math.round(audit('total-blocking-time'))} `
      + `lcp_ms=${Math.round(audit('largest-contentful-paint'))} cls=${audit('cumulative-layout-shift').toFixed(3)} `
      + `final_url=${lhr.finalDisplayedUrl}`);
  }
} finally {
  await chrome.kill();
}
