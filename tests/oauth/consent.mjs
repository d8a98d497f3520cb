// The "person at the browser" of Latchkey's OAuth tests: headless Chromium (the system's
// /usr/bin/chromium, driven by playwright-core) opens the authorization URL, signs in on the
// oidc-provider's development login page and gives consent — or presses Cancel when
// LATCHKEY_TEST_CONSENT=deny — then waits for the redirect page the app answers with. A redirect
// to an app's own scheme (`latchkey://oauth/callback?…`) is what a desktop browser hands to the
// operating system: here it goes to `gio open`, which finds the handler the app registered.
//
// Usage: node consent.mjs URL. Appends what happened (the final URL and the page's text) to
// $LATCHKEY_TEST_BROWSER_LOG when set, so tests can check what the browser showed. Exits non-zero
// on failure; bounded by a 60 s deadline.

import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
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
    // The mutual-TLS provider's certificate comes from a test CA; every host but 127.0.0.1 is
    // aborted below, so this trusts nothing else.
    ignoreHTTPSErrors: true,
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
  // Chromium drops a redirect to a custom scheme without an event of its own; the raw headers of
  // each response (redirects included) show where the provider sent the browser. A redirect to
  // another scheme is the deep link the operating system would get.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const deepLink = new Promise((resolve) => {
    cdp.on('Network.responseReceivedExtraInfo', ({ statusCode, headers }) => {
      const location = Object.entries(headers).find(([name]) => name.toLowerCase() === 'location')?.[1];
      if (statusCode < 300 || statusCode >= 400 || !location) return;
      const target = new URL(location, url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') resolve(target.href);
    });
  });
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
  const landed = await Promise.race([
    page.waitForURL(/\/callback\?/, { waitUntil: 'domcontentloaded' }).then(() => null),
    deepLink,
  ]);
  const query = new URL(landed ?? page.url()).searchParams;
  log(`callback: code=${query.has('code')} error=${query.get('error') ?? ''} ${query.get('error_description') ?? ''}`);
  // RFC 9207: the authorization server's identifier, which the app must compare with the issuer.
  log(`callback iss: ${query.get('iss') ?? '(none)'}`);
  if (landed) {
    // As the desktop would: the URL to the scheme's registered handler, through GIO as GNOME's
    // xdg-open does (Debian 12's xdg-utils on its own cannot read the quoted Exec line of the
    // handler a development build registers).
    const opener = spawn('gio', ['open', landed], { stdio: 'ignore' });
    const code = await new Promise((resolve) => opener.on('exit', resolve).on('error', () => resolve(-1)));
    log(`deep link: ${new URL(landed).protocol} handed to gio open (exit ${code})`);
    if (code !== 0) process.exitCode = 1;
  } else {
    const text = (await page.textContent('body')) ?? '';
    log(`page: ${text.replace(/\s+/g, ' ').trim()}`);
  }
} catch (err) {
  log(`error: ${err.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  clearTimeout(deadline);
}
