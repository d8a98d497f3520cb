// The "person at the other device" of Latchkey's device-grant tests (RFC 8628): headless Chromium
// (the system's /usr/bin/chromium, driven by playwright-core) opens the verification page with
// the code filled in (`verification_uri_complete`), confirms the code, signs in on
// oidc-provider's development login page and gives consent, or presses [ Abort ] on the
// confirmation page when LATCHKEY_TEST_CONSENT=deny. Then waits for the provider's success (or
// abort) page.
//
// Usage: node device_consent.mjs URL. Appends what happened (each page's title and the final
// page's text) to $LATCHKEY_TEST_BROWSER_LOG when set. Exits non-zero on failure; bounded by a 60 s
// deadline. Works as $BROWSER too: the CLI opens the page with it.

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
  console.error('usage: device_consent.mjs URL');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
const deadline = setTimeout(() => {
  log('error: device consent timed out');
  process.exit(1);
}, 60_000);
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.LATCHKEY_TEST_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  // Only loopback: the provider's pages import a web font that must not be fetched.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  // The pages come in the provider's order; each is recognised by what it shows, at most 8 steps.
  for (let step = 0; step < 8; step += 1) {
    const title = await page.title();
    log(`page: ${title}`);
    if (/success/i.test(title) || (await page.locator('text=/aborted|denied|interrupted/i').count()) > 0) break;
    if (await page.locator('input[name=login]').count()) {
      await page.fill('input[name=login]', 'alice');
      await page.fill('input[name=password]', 'any password');
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[type=submit]')]);
    } else if (await page.locator('input[name=prompt][value=consent]').count()) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click('button[type=submit]')]);
    } else if (/confirm device/i.test(await page.textContent('body'))) {
      const button = deny ? 'button[name=abort]' : 'button[autofocus]';
      await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded' }), page.click(button)]);
    } else if (await page.locator('input[name=user_code]').count()) {
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
        page.click('button[type=submit][form="op.deviceInputForm"]'),
      ]);
    } else {
      throw new Error(`an unknown page: ${title}`);
    }
  }
  const text = (await page.textContent('body')) ?? '';
  log(`final: ${text.replace(/\s+/g, ' ').trim()}`);
} catch (err) {
  log(`error: ${err.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(deadline);
}
