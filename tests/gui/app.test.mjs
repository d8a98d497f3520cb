// The desktop app end to end, driven over WebDriver (tauri-driver + WebKitWebDriver under Xvfb)
// against the real OAuth provider of the test suite (oidc-provider on 127.0.0.1), with headless
// Chromium giving consent as the system browser. Screenshots go to docs/screenshots/.
//
// Run by scripts/test.sh after `cargo test` (which builds the app binary) and `vite build`:
//   xvfb-run -a node --test tests/gui/app.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, serveUi, waitFor, withApp } from './webdriver.mjs';

const POST_CLIENT = { id: 'cc-post', secret: 'post secret/+:%&' };

/** oidc-provider on a free port (tests/oauth/provider.mjs); stops when its stdin closes. */
async function startProvider() {
  const child = spawn('node', [join(ROOT, 'tests/oauth/provider.mjs')], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the provider exited (${code})`)));
  });
  lines.on('line', () => {}); // keep draining
  const { issuer } = JSON.parse(first);
  return {
    issuer,
    stop: () => child.stdin.end(),
    stats: async () => (await fetch(`${issuer}/test/stats`)).json(),
  };
}

let ui;
let provider;
before(async () => {
  ui = await serveUi();
  provider = await startProvider();
});
after(() => {
  provider?.stop();
  ui?.kill();
});

/** Fills the common fields of a new OAuth 2.0 datasource. */
async function newOAuthDatasource(app, { name, grant, clientId, secret }) {
  await (await app.find('[data-testid=new-datasource]')).click();
  await (await app.find('[data-testid=field-name]')).fill(name);
  await (await app.find('[data-testid=field-url]')).fill(provider.issuer);
  await (await app.find('[data-testid=auth-type]')).select('oauth2');
  await (await app.find('[data-testid=grant-type]')).select(grant);
  await (await app.find('[data-testid=field-accessTokenUrl]')).fill(`${provider.issuer}/token`);
  await (await app.find('[data-testid=field-clientId]')).fill(clientId);
  if (secret) await (await app.find('[data-testid=field-clientSecret]')).fill(secret);
}

async function sendRequest(app, path) {
  await (await app.find('[data-testid=tab-requests]')).click();
  await (await app.find('[data-testid=request-path]')).fill(path);
  await (await app.find('[data-testid=send]')).click();
  return app.waitForText('[data-testid=response-status]', '200', 20_000);
}

describe('the desktop app', () => {
  test('client credentials: Save and Test, a secret that stays unreadable, a request', () =>
    withApp({}, async (app) => {
      await newOAuthDatasource(app, { name: 'Orders API', grant: 'client_credentials', clientId: POST_CLIENT.id, secret: POST_CLIENT.secret });
      await (await app.find('[data-testid=field-scopes]')).fill('api:read, api:write');
      await app.screenshot('editor');
      await (await app.find('[data-testid=save-and-test]')).click();
      await app.waitForText('[data-testid=auth-result]', 'Token received', 20_000);
      await app.waitForText('[data-testid=datasource-item]', 'Orders API');
      await app.waitForText('[data-testid=badge]', 'Authorized');
      await app.screenshot('authorized');

      // Write-only: after saving, the secret is shown as saved and never filled in.
      await app.find('[data-testid=secret-saved]');
      assert.equal(await app.exists('[data-testid=field-clientSecret]'), false, 'no secret input until Replace');
      const html = await app.script('return document.documentElement.outerHTML');
      assert.ok(!html.includes(POST_CLIENT.secret), 'the secret is nowhere in the page');

      await sendRequest(app, '/api/whoami');
      const body = await (await app.find('[data-testid=response-body]')).text();
      assert.match(body, /cc-post/, 'the API saw this client');
      await app.screenshot('tester');
      const stats = await provider.stats();
      assert.ok(stats.calls['token:client_credentials'] >= 1, JSON.stringify(stats));
    }));

  test('a validation error appears under its field and nothing is saved', () =>
    withApp({}, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=field-name]')).fill('Broken');
      await (await app.find('[data-testid=field-url]')).fill('not a url');
      await (await app.find('[data-testid=save]')).click();
      const error = await app.waitForText('[data-testid=field-error][data-field=url]', 'http');
      assert.ok((await error.text()).length > 10, 'the message says what to fix');
      assert.equal(await app.exists('[data-testid=datasource-item]'), false, 'nothing stored');
      await app.screenshot('validation');
    }));

  test('a provider preset pre-fills the Dropbox example', () =>
    withApp({}, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=preset-dropbox]')).click();
      assert.match(await (await app.find('[data-testid=field-authorizationUrl]')).value(), /^https:\/\/www\.dropbox\.com\/oauth2\/authorize$/);
      assert.match(await (await app.find('[data-testid=field-accessTokenUrl]')).value(), /dropboxapi\.com\/oauth2\/token$/);
      assert.equal(await (await app.find('#ds-auth-customAuthParams-0-key')).value(), 'token_access_type');
      assert.equal(await (await app.find('#ds-auth-customAuthParams-0-value')).value(), 'offline');
      await app.waitForText('#ds-auth-clientId-hint', 'App key');
      await (await app.find('[data-testid=field-name]')).fill('Dropbox');
      await (await app.find('[data-testid=field-clientId]')).fill('my-app-key');
      await app.screenshot('preset');
      await (await app.find('#ds-authType')).scrollIntoView();
      await app.screenshot('preset-auth');
    }));

  test('the dark theme follows the desktop', () =>
    withApp({ env: { GTK_THEME: 'Adwaita:dark' } }, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=preset-google]')).click();
      assert.equal(await (await app.find('#ds-auth-customAuthParams-1-key')).value(), 'prompt', 'Google asks for consent each time');
      await (await app.find('[data-testid=field-name]')).fill('Google Docs');
      assert.equal(await app.script("return matchMedia('(prefers-color-scheme: dark)').matches"), true);
      const background = await app.script('return getComputedStyle(document.documentElement).backgroundColor');
      const [r, g, b] = background.match(/\d+/g).map(Number);
      assert.ok(r + g + b < 150, `a dark background: ${background}`);
      await app.screenshot('dark');
    }));

  test('authorization code: discovery from the issuer, Save and Authorize with the browser giving consent, a request, Disconnect', () => {
    const browserLog = join(mkdtempSync(join(tmpdir(), 'latchkey-consent-')), 'browser.log');
    const env = { BROWSER: join(ROOT, 'tests/oauth/browser.sh'), LATCHKEY_TEST_BROWSER_LOG: browserLog };
    return withApp({ env }, async (app) => {
      const before = await provider.stats();
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=preset-oidc]')).click();
      await (await app.find('[data-testid=preset-issuer]')).fill(provider.issuer);
      await (await app.find('[data-testid=discover]')).click();
      // The endpoints come from the provider's discovery document.
      await waitFor('the discovered token URL', async () => (await (await app.find('[data-testid=field-accessTokenUrl]')).value()) === `${provider.issuer}/token`);
      assert.equal(await (await app.find('[data-testid=field-authorizationUrl]')).value(), `${provider.issuer}/auth`);
      await (await app.find('[data-testid=field-name]')).fill('Native');
      await (await app.find('[data-testid=field-url]')).fill(provider.issuer);
      await (await app.find('[data-testid=field-clientId]')).fill('native-app');
      assert.match(await (await app.find('[data-testid=redirect-url]')).value(), /^http:\/\/127\.0\.0\.1:8976\/callback$/);
      await (await app.find('[data-testid=save-and-authorize]')).click();
      await app.waitForText('[data-testid=auth-result]', 'Authorized', 60_000);
      await app.waitForText('[data-testid=badge]', 'Authorized · expires in');
      assert.match(readFileSync(browserLog, 'utf8'), /callback: code=true/, 'the browser went through consent to the callback');

      await sendRequest(app, '/api/whoami');
      const body = await (await app.find('[data-testid=response-body]')).text();
      assert.match(body, /alice/, 'the person who consented');
      let stats = await provider.stats();
      assert.equal(stats.calls['token:authorization_code'] - (before.calls['token:authorization_code'] ?? 0), 1, JSON.stringify(stats));

      await (await app.find('[data-testid=tab-settings]')).click();
      await (await app.find('[data-testid=disconnect]')).click();
      await app.waitForText('[data-testid=badge]', 'Not authorized');
      stats = await provider.stats();
      assert.ok((stats.calls.revocation ?? 0) > (before.calls.revocation ?? 0), `tokens revoked: ${JSON.stringify(stats)}`);
    }).catch((error) => {
      error.message += `\n--- consent browser:\n${existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '(it never ran)'}`;
      throw error;
    });
  });

  test('authorization code through the latchkey:// deep link: the browser hands the callback to the running window', () => {
    const browserLog = join(mkdtempSync(join(tmpdir(), 'latchkey-consent-')), 'browser.log');
    const env = { BROWSER: join(ROOT, 'tests/oauth/browser.sh'), LATCHKEY_TEST_BROWSER_LOG: browserLog };
    return withApp({ env }, async (app) => {
      await newOAuthDatasource(app, { name: 'Linked', grant: 'authorization_code', clientId: 'native-app' });
      await (await app.find('[data-testid=field-authorizationUrl]')).fill(`${provider.issuer}/auth`);
      await (await app.find('[data-testid=field-scopes]')).fill('openid');
      await (await app.find('.advanced > summary')).click();
      await (await app.find('#ds-auth-redirect')).select('deep_link');
      assert.equal(await (await app.find('[data-testid=redirect-url]')).value(), 'latchkey://oauth/callback');
      await (await app.find('[data-testid=save-and-authorize]')).click();
      await app.waitForText('[data-testid=auth-result]', 'Authorized', 60_000);
      // The callback came through the operating system's handler for latchkey://, not a listener.
      assert.match(readFileSync(browserLog, 'utf8'), /deep link: latchkey: handed to gio open \(exit 0\)/);
      await sendRequest(app, '/api/whoami');
      assert.match(await (await app.find('[data-testid=response-body]')).text(), /alice/);
    }).catch((error) => {
      error.message += `\n--- consent browser:\n${existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '(it never ran)'}`;
      throw error;
    });
  });

  test('Save and Authorize waits with the URL to copy, and Cancel ends the wait', () =>
    // A browser that opens nothing: the person never answers.
    withApp({ env: { BROWSER: '/bin/true' } }, async (app) => {
      await newOAuthDatasource(app, { name: 'Waiting', grant: 'authorization_code', clientId: 'native-app' });
      await (await app.find('[data-testid=field-authorizationUrl]')).fill(`${provider.issuer}/auth`);
      await (await app.find('[data-testid=save-and-authorize]')).click();
      const url = await waitFor('the authorization URL', async () => (await (await app.find('[data-testid=authorization-url]')).value()) || null);
      const parsed = new URL(url);
      assert.equal(parsed.origin + parsed.pathname, `${provider.issuer}/auth`);
      assert.equal(parsed.searchParams.get('client_id'), 'native-app');
      assert.equal(parsed.searchParams.get('code_challenge_method'), 'S256');
      await app.waitForText('[data-testid=datasource-item]', 'Waiting');
      await app.screenshot('waiting');
      await (await app.find('[data-testid=cancel-authorization]')).click();
      await app.waitForText('[data-testid=auth-result]', 'ancel');
      assert.equal(await app.exists('[data-testid=authorization-url]'), false, 'the wait is over');
      await app.waitForText('[data-testid=badge]', 'Not authorized');
    }));
});
