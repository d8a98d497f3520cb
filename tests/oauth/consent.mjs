// The "person at the browser" of Latchkey's OAuth tests: headless Chromium (the system's
// /usr/bin/chromium, driven by playwright-core) opens the authorization URL, signs in on the
// oidc-provider's development login page and gives consent — or presses Cancel when
// LATCHKEY_TEST_CONSENT=deny — then waits for the redirect page the app answers with.
//
// Usage: node consent.mjs URL. Appends what happened (the final URL and the page's text) to
// $LATCHKEY_TEST_BROWSER_LOG when set, so tests can check what the browser showed. Exits non-zero
// on failure; bounded by a 60 s deadline.

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.argv[2];
const deny = process.env.LATCHKEY_TEST_CONSENT === 'deny';
const log = (line) => {
  if (process.env.LATCHKEY_TEST_BROWSER_LOG) appendFileSync(process.env.LATCHKEY_TEST_BROWSER_LOG, `${line}\n`);
};
if (!url) {
  console.error('usage: consent.mjs URL');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
const deadline = setTimeout(() => {
  log('error: consent timed out');
  process.exit(1);
}, 60_000);
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LATCHKEY_TEST_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // Only loopback: the provider's page imports a web font that must not be fetched.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  if (deny) {
    await page.click('text=[ Cancel ]');
  } else {
    await page.fill('input[name=login]', 'alice');
    await page.fill('input[name=password]', 'any password');
    await page.click('button[type=submit]');
    await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
    await page.click('button[type=submit]');
  }
  await page.waitForURL(/\/callback\?/, { waitUntil: 'domcontentloaded' });
  const text = (await page.textContent('body')) ?? '';
  const query = new URL(page.url()).searchParams;
  log(`callback: code=${query.has('code')} error=${query.get('error') ?? ''} ${query.get('error_description') ?? ''}`);
  log(`page: ${text.replace(/\s+/g, ' ').trim()}`);
} catch (err) {
  log(`error: ${err.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(deadline);
}
