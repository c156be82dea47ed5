// Shared set-up for the end-to-end tests: Debian's chromium driven by playwright-core.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
export const ARTEFACTS = process.env.ARTEFACTS ?? new URL('../artefacts', import.meta.url).pathname;
export const DEMO_PASSWORD = 'Demo@2026';
mkdirSync(ARTEFACTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/// A fresh page that fails the test on any page error or console error.
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 4')) page.errors.push(`console: ${m.text()}`);
  });
  return page;
}

export async function open(page, path) {
  await page.goto(BASE + path);
  await hydrated(page);
}

/// The shell is hydrated and so is the page (a lazy route hydrates when its chunk arrives).
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated]');
  await page.waitForFunction(() => !document.querySelector('[data-ready="false"]'));
}

export async function login(page, adminId, password = DEMO_PASSWORD) {
  await open(page, '/login');
  await page.fill('#admin_id', adminId);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await hydrated(page);
}

export async function logout(page) {
  await page.click('[data-testid=logout]');
  await page.waitForURL((u) => u.pathname.startsWith('/login'));
}

export async function menu(page) {
  return (await page.locator('[data-testid=menu] a').allInnerTexts()).map((t) => t.trim());
}

export const shot = (page, name) => page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });

const AXE = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;

/// WCAG 2.1 A/AA violations on the current page (axe-core), as readable lines.
export async function accessibilityViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  return violations;
}
