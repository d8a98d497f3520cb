// The desktop app end to end, driven over WebDriver (tauri-driver + WebKitWebDriver under Xvfb)
// against the real OAuth provider of the test suite (oidc-provider on 127.0.0.1), with headless
// Chromium giving consent as the system browser. Screenshots go to docs/screenshots/.
//
// Run by scripts/test.sh after `cargo test` (which builds the app binary) and `vite build`:
//   xvfb-run -a node --test tests/gui/app.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, serveUi, waitFor, withApp as withAppUnchecked } from './webdriver.mjs';

const POST_CLIENT = { id: 'cc-post', secret: 'post secret/+:%&' };

/** Keys made for this run: the private_key_jwt client's, and the client certificate's. */
const ASSERTION_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const CERTIFICATE_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** A multi-line text as WebKitWebDriver types it: its newlines as the Enter key (a "\n" is dropped). */
const lines = (text) => text.replaceAll('\n', '\uE007');
/** The private scalar of `key` as base64url and base64: what must never reach the window. */
const scalar = (key) => {
  const d = key.privateKey.export({ format: 'jwk' }).d;
  return [d, Buffer.from(d, 'base64url').toString('base64')];
};

/**
 * Secrets typed into the editor by these tests, by what they are. None may ever come back to
 * the window (DESIGN.md, security model): every session checks every IPC payload for them, and
 * for the tokens and PKCE verifiers the provider saw (its /test/issued).
 */
const MARKERS = {
  'the client secret of cc-post': POST_CLIENT.secret,
  'the signature secret': 'lkmark-signature-secret-3Jq8Xw',
  'the Basic password': 'lkmark-basic-password-Vn5c/+:%&',
  'the API key': 'lkmark-api-key-T2h9Rr=+/',
  'the bearer token': 'lkmark-bearer-token-K8d4Ze',
  'the rejected bearer token': 'lkmark-rejected-bearer-Pw7m',
  'the Dropbox app secret': 'lkmark-dropbox-app-secret-Lq3s',
  'the Google client secret': 'lkmark-google-client-secret-Hy6t',
  'the client secret of Waiting': 'lkmark-waiting-client-secret-Zr1b',
  'the private_key_jwt key (base64url)': scalar(ASSERTION_KEY)[0],
  'the private_key_jwt key (base64)': scalar(ASSERTION_KEY)[1],
  'the client certificate key (base64url)': scalar(CERTIFICATE_KEY)[0],
  'the client certificate key (base64)': scalar(CERTIFICATE_KEY)[1],
  'the proxy password': 'lkmark-proxy-password-Qe4n',
  'the token of a curl command pasted into the tester': 'lkmark-pasted-curl-token-Wm5x',
  "the Stripe docs' test key (the imported cURL fixture)": 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  "the bearer token of a teammate's Billing": 'lkmark-teammate-billing-token-Jc6p',
};

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
    issued: async () => (await fetch(`${issuer}/test/issued`)).json(),
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

/** Every secret a session must not show the window: `[label, value]`, the label safe to print. */
async function secrets() {
  const all = Object.entries(MARKERS);
  for (const [kind, values] of Object.entries(await provider.issued())) {
    values.forEach((value, i) =>
      all.push([`${kind.replaceAll('_', ' ')} #${i + 1} that the provider issued or received`, value]),
    );
  }
  return all;
}

/** The ways a secret could be written in a payload: `[form, needle, caseSensitive]`. */
function forms(value) {
  const found = [['itself', value, false]];
  const add = (form, needle, caseSensitive = false) => {
    if (needle && !found.some(([, n]) => n === needle)) found.push([form, needle, caseSensitive]);
  };
  add('URL-encoded', encodeURIComponent(value));
  add('form-encoded', new URLSearchParams({ v: value }).toString().slice(2));
  add('JSON-escaped', JSON.stringify(value).slice(1, -1));
  // Base64 of the secret, as it is or form-urlencoded first (RFC 6749 §2.3.1's `Basic id:secret`),
  // at each alignment within a longer text, leaving out the characters that depend on its
  // neighbours.
  for (const [what, text] of [
    ['', value],
    [' of it URL-encoded', encodeURIComponent(value)],
    [' of it form-encoded', new URLSearchParams({ v: value }).toString().slice(2)],
  ]) {
    for (let shift = 0; shift < 3; shift++) {
      const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(text)])
        .toString('base64')
        .replace(/=+$/, '');
      const core = encoded.slice(shift ? 4 : 0, -4);
      add(`base64${what}`, core, true);
      add(`base64url${what}`, core.replaceAll('+', '-').replaceAll('/', '_'), true);
    }
  }
  // A cut-down copy (a truncated excerpt, a token prefix): any 12 characters in a row.
  for (let at = 0; at + 12 <= value.length; at++) add('a 12-character piece', value.slice(at, at + 12));
  return found;
}

/**
 * Checks what the window received over IPC in this session: payloads were recorded, among them
 * the `expected` commands and events, and none holds a secret in any form. The failure names
 * the command or event and the secret's label, never its value.
 */
async function assertNoSecretsReachedTheWindow(app, expected) {
  await app.sweepIpc();
  const recorded = await app.recordedIpc();
  assert.ok(recorded, 'the IPC recorder is in the window');
  assert.ok(recorded.hooks.fetch, 'the recorder names the command of each IPC call');
  const { payloads } = recorded;
  assert.ok(payloads.length > 0, 'the recorder saw IPC payloads');
  const seen = new Set(payloads.filter((p) => p.source !== 'sweep').map((p) => `${p.kind}:${p.name}`));
  for (const want of expected) {
    const [kind, name] = want.includes(':') && !want.startsWith('plugin:') ? want.split(/:(.*)/s) : ['resolved', want];
    assert.ok(seen.has(`${kind}:${name}`), `the window received ${kind} ${name}; it received: ${[...seen].join(', ')}`);
  }
  const needles = (await secrets()).flatMap(([label, value]) =>
    forms(value).map(([form, needle, cs]) => ({ label, form, needle, cs })),
  );
  const leaks = new Set();
  for (const payload of payloads) {
    const lower = payload.text.toLowerCase();
    const found = new Set(); // each secret once per payload, in its plainest form found
    for (const { label, form, needle, cs } of needles) {
      if (found.has(label)) continue;
      if (cs ? payload.text.includes(needle) : lower.includes(needle.toLowerCase())) {
        found.add(label);
        const what =
          payload.kind === 'event' ? `the event ${payload.name}` : `the ${payload.kind} value of ${payload.name}`;
        leaks.add(`${what} (${payload.source}) holds ${form === 'itself' ? '' : `${form} of `}${label}`);
      }
    }
  }
  if (leaks.size > 0) throw new Error(`secrets reached the window over IPC:\n  ${[...leaks].join('\n  ')}`);
  const of = (source) => payloads.filter((p) => p.source === source);
  const names = (list) => [...new Set(list.map((p) => p.name))].sort().join(' ');
  console.log(
    `IPC: ${payloads.length} payloads: ${of('ui').length} answers to the UI's calls (${names(of('ui'))}), ` +
      `${of('app').length} events (${names(of('app'))}), ${of('sweep').length} answers to the sweeps; ` +
      `${recorded.unattributed} unattributed; ${new Set(needles.map((n) => n.label)).size} secrets in ${needles.length} forms: none found`,
  );
}

/** Replaces every secret in `text` with its label, so no failure message prints one. */
async function redact(text) {
  let out = text;
  const all = await secrets().catch(() => Object.entries(MARKERS));
  for (const [label, value] of all.sort((a, b) => b[1].length - a[1].length)) out = out.replaceAll(value, `<${label}>`);
  return out;
}

/**
 * `withApp` of webdriver.mjs, and then the check that no secret reached the window over IPC;
 * `options.ipc` lists commands the session must have seen (`name` a resolved command,
 * `rejected:name` a rejection, `event:name` an event). Failure messages come redacted.
 */
function withApp(options, steps) {
  return withAppUnchecked(options, async (app) => {
    const result = await steps(app);
    await assertNoSecretsReachedTheWindow(app, options.ipc ?? []);
    return result;
  }).catch(async (error) => {
    error.message = await redact(error.message);
    if (error.stack) error.stack = await redact(error.stack);
    throw error;
  });
}

async function sendRequestExpecting(app, path, status) {
  await (await app.find('[data-testid=tab-requests]')).click();
  await (await app.find('[data-testid=request-path]')).fill(path);
  await (await app.find('[data-testid=send]')).click();
  return app.waitForText('[data-testid=response-status]', String(status), 20_000);
}

/** What the system clipboard holds (Xvfb's, where the app's Rust side wrote it). */
function readClipboard() {
  return execFileSync('xclip', ['-selection', 'clipboard', '-o'], { encoding: 'utf8', timeout: 10_000 });
}

/** Ticks or unticks "Include secrets" of Copy as cURL. */
async function includeSecrets(app, wanted) {
  const box = await app.find('[data-testid=curl-secrets]');
  if ((await box.checked()) !== wanted) await box.click();
}

/**
 * Copy as cURL, secrets redacted: the command shown, which the first click put on the clipboard
 * (issue 13: it never got there).
 */
async function copyCurl(app) {
  await includeSecrets(app, false);
  await (await app.find('[data-testid=copy-curl]')).click();
  await app.waitForText('[data-testid=curl-status]', 'Copied to the clipboard (secrets redacted)');
  const shown = await (await app.find('[data-testid=curl-command]')).text();
  assert.equal(readClipboard(), shown, 'the first click put the redacted command on the clipboard');
  return shown;
}

/**
 * Copy as cURL with "Include secrets": `{ shown, clipboard }`, the command the page shows
 * (redacted) and the one the Rust side put on the clipboard. The IPC check of the session then
 * proves that no payload carried the second one.
 */
async function copyCurlWithSecrets(app, { screenshot } = {}) {
  await includeSecrets(app, true);
  await (await app.find('[data-testid=copy-curl]')).click();
  const status = await app.waitForText('[data-testid=curl-status]', 'Copied to the clipboard with the secrets');
  const shown = await (await app.find('[data-testid=curl-command]')).text();
  const clipboard = readClipboard();
  if (screenshot) {
    await status.scrollIntoView();
    await app.screenshot(screenshot);
  }
  // The page cannot read it back either: WebKit gives a script no clipboard contents, through
  // the Clipboard API or a paste into a field.
  const readBack = await app.call('POST', '/execute/async', {
    script: `const done = arguments[0];
      const field = document.createElement('textarea');
      document.body.append(field);
      field.focus();
      const pasted = document.execCommand('paste') ? field.value : '';
      field.remove();
      navigator.clipboard.readText().then((text) => done([pasted, text]), () => done([pasted, '']));`,
    args: [],
  });
  assert.ok(
    !readBack.some((text) => text !== '' && clipboard.includes(text.trim())),
    'the page could read the command with secrets from the clipboard',
  );
  await includeSecrets(app, false);
  assert.equal(await app.exists('[data-testid=curl-command]'), false, 'unticking the box drops the shown command');
  return { shown, clipboard };
}

/** Whether `text` holds `secret` in any of the forms the IPC check looks for. */
function holds(text, secret) {
  return forms(secret).some(([, needle, cs]) =>
    cs ? text.includes(needle) : text.toLowerCase().includes(needle.toLowerCase()),
  );
}

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

/**
 * Resizes the window to `width`×`height` (WebDriver's window rect) and waits until the page's
 * viewport has that size (under Xvfb there is no frame around it).
 */
async function resizeWindow(app, width, height) {
  await app.call('POST', '/window/rect', { width, height });
  await waitFor(`a ${width}×${height} viewport`, async () => {
    const [w, h] = await app.script('return [window.innerWidth, window.innerHeight]');
    return w === width && h === height;
  });
}

/** The sizes every touched screen is shot at: 1100×720, 800×600 and the window's minimum. */
const SIZES = [
  [1100, 720, ''],
  [800, 600, '-800'],
  [640, 400, '-640'],
];

/** Screenshots `name` at every size (`prepare` runs at each), the window put back to 1100×720. */
async function shoot(app, name, prepare = async () => {}) {
  for (const [width, height, suffix] of SIZES) {
    await resizeWindow(app, width, height);
    await prepare();
    await app.screenshot(`${name}${suffix}`);
  }
  await resizeWindow(app, 1100, 720);
}

/**
 * Waits until an element matching `css` holds `text` in its DOM text (`textContent`, which
 * WebKit's element text leaves empty for the ellipsised folder path).
 */
function textIn(app, css, text) {
  return waitFor(`“${text}” in ${css}`, async () =>
    (await app.script('return [...document.querySelectorAll(arguments[0])].map((el) => el.textContent)', css)).some(
      (t) => t.includes(text),
    ),
  );
}

/** Clicks the button labelled `label` of the confirmation dialog. */
async function confirmChoice(app, label) {
  for (const button of await app.findAll('[data-testid=confirm-dialog] button')) {
    if ((await button.text()) === label) return button.click();
  }
  throw new Error(`the confirmation dialog has no ${label} button`);
}

/** Whether the saved requests list `name` (read from the DOM, shown or folded away). */
function savedRequestNamed(app, name) {
  return app.script(
    "return [...document.querySelectorAll('[data-testid=query-item] .query-name')].some((el) => el.textContent === arguments[0])",
    name,
  );
}

/**
 * What a narrow window does to the tester, measured in the page: the widths of the path, the
 * request name and the method, whether Send is inside the pane, whether anything scrolls
 * sideways, and whether the sidebar's badges stay inside their rows.
 */
function testerLayout(app) {
  return app.script(`
    const box = (css) => { const el = document.querySelector(css); return el ? el.getBoundingClientRect() : null; };
    const panel = document.querySelector('.panel');
    const pane = panel.getBoundingClientRect();
    const send = box('[data-testid=send]');
    const page = document.documentElement;
    const sideways = [document.documentElement, document.body, panel, ...document.querySelectorAll('.tester, .tester-main, .sidebar, .datasource-nav')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => el.className || el.tagName);
    const badges = [...document.querySelectorAll('.sidebar [data-testid=badge]')].map((badge) => {
      const row = badge.closest('[data-testid=datasource-item]').getBoundingClientRect();
      const b = badge.getBoundingClientRect();
      return b.left >= row.left - 0.5 && b.right <= row.right + 0.5;
    });
    return {
      path: box('[data-testid=request-path]').width,
      name: box('[data-testid=request-name]').width,
      method: box('[data-testid=request-method]').width,
      sendInside: send.left >= pane.left && send.right <= pane.right && send.width > 40,
      sideways,
      windowScrolls: page.scrollHeight > page.clientHeight + 1 || page.scrollTop > 0,
      badgesInside: badges,
    };
  `);
}

describe('the desktop app', () => {
  test('client credentials: Save and Test, a secret that stays unreadable, a request', () =>
    withApp(
      {
        ipc: [
          'save_datasource',
          'authorize',
          'list_datasources',
          'get_datasource',
          'send_request',
          'history',
          'copy_curl_command',
        ],
      },
      async (app) => {
        await newOAuthDatasource(app, {
          name: 'Orders API',
          grant: 'client_credentials',
          clientId: POST_CLIENT.id,
          secret: POST_CLIENT.secret,
        });
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

        // A signature secret too, then the request again and Copy as cURL (secrets redacted).
        await (await app.find('[data-testid=tab-settings]')).click();
        await (await app.find('#ds-sendSignatureHeader')).click();
        await (await app.find('[data-testid=field-signatureSecret]')).fill(MARKERS['the signature secret']);
        await (await app.find('[data-testid=save]')).click();
        await app.waitForText('[data-testid=secret-saved][data-field=signatureSecret]', 'Saved');
        await sendRequest(app, '/api/whoami');
        assert.match(await copyCurl(app), /api\/whoami/);

        // With secrets: the clipboard gets the access token and the signature, the page neither.
        const { shown, clipboard } = await copyCurlWithSecrets(app);
        const issued = (await provider.issued()).client_credentials;
        const token = issued.find((value) => clipboard.includes(`'authorization: Bearer ${value}'`));
        assert.ok(token, 'the clipboard holds a bearer token the provider issued');
        assert.ok(shown.includes("'authorization: <redacted>'"), 'the shown command has the token redacted');
        assert.equal(
          clipboard.replace(`Bearer ${token}`, '<redacted>').replace(/'x-latchkey-signature: [^']*'/, ''),
          shown.replace(/'x-latchkey-signature: [^']*'/, ''),
          'the two commands differ only by the secrets',
        );
        execFileSync('sh', ['-c', clipboard.replace(/^curl /, 'curl -sf -o /dev/null ')], { timeout: 20_000 }); // and it works
      },
    ));

  test('a validation error appears under its field and nothing is saved', () =>
    withApp({ ipc: ['rejected:save_datasource'] }, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=field-name]')).fill('Broken');
      await (await app.find('[data-testid=field-url]')).fill('not a url');
      await (await app.find('[data-testid=save]')).click();
      const error = await app.waitForText('[data-testid=field-error][data-field=url]', 'http');
      assert.ok((await error.text()).length > 10, 'the message says what to fix');
      assert.equal(await app.exists('[data-testid=datasource-item]'), false, 'nothing stored');
      await app.screenshot('validation');
      // The error of a form that carries a secret does not quote the secret.
      await (await app.find('[data-testid=auth-type]')).select('bearer');
      await (await app.find('[data-testid=field-token]')).fill(MARKERS['the rejected bearer token']);
      await (await app.find('[data-testid=save]')).click();
      await app.waitForText('[data-testid=field-error][data-field=url]', 'http');
      assert.equal(await app.exists('[data-testid=datasource-item]'), false, 'still nothing stored');
    }));

  test('a provider preset pre-fills the Dropbox example', () =>
    withApp({ ipc: ['presets', 'save_datasource'] }, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=preset-dropbox]')).click();
      assert.match(
        await (await app.find('[data-testid=field-authorizationUrl]')).value(),
        /^https:\/\/www\.dropbox\.com\/oauth2\/authorize$/,
      );
      assert.match(
        await (await app.find('[data-testid=field-accessTokenUrl]')).value(),
        /dropboxapi\.com\/oauth2\/token$/,
      );
      assert.equal(await (await app.find('#ds-auth-customAuthParams-0-key')).value(), 'token_access_type');
      assert.equal(await (await app.find('#ds-auth-customAuthParams-0-value')).value(), 'offline');
      await app.waitForText('#ds-auth-clientId-hint', 'App key');
      await (await app.find('[data-testid=field-name]')).fill('Dropbox');
      await (await app.find('[data-testid=field-clientId]')).fill('my-app-key');
      await app.screenshot('preset');
      await (await app.find('#ds-authType')).scrollIntoView();
      await app.screenshot('preset-auth');
      await (await app.find('[data-testid=field-clientSecret]')).fill(MARKERS['the Dropbox app secret']);
      await (await app.find('[data-testid=save]')).click();
      await app.waitForText('[data-testid=datasource-item]', 'Dropbox');
      await app.find('[data-testid=secret-saved][data-field="auth.clientSecret"]');
    }));

  test('the dark theme follows the desktop', () =>
    withApp({ env: { GTK_THEME: 'Adwaita:dark' }, ipc: ['presets', 'save_datasource'] }, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=preset-google]')).click();
      assert.equal(
        await (await app.find('#ds-auth-customAuthParams-1-key')).value(),
        'prompt',
        'Google asks for consent each time',
      );
      await (await app.find('[data-testid=field-name]')).fill('Google Docs');
      assert.equal(await app.script("return matchMedia('(prefers-color-scheme: dark)').matches"), true);
      const background = await app.script('return getComputedStyle(document.documentElement).backgroundColor');
      const [r, g, b] = background.match(/\d+/g).map(Number);
      assert.ok(r + g + b < 150, `a dark background: ${background}`);
      await app.screenshot('dark');
      await (await app.find('[data-testid=field-clientId]')).fill('docs-client.apps.example');
      await (await app.find('[data-testid=field-clientSecret]')).fill(MARKERS['the Google client secret']);
      await (await app.find('[data-testid=save]')).click();
      await app.waitForText('[data-testid=datasource-item]', 'Google Docs');
      await app.find('[data-testid=secret-saved][data-field="auth.clientSecret"]');
    }));

  test('authorization code: discovery from the issuer, Save and Authorize with the browser giving consent, a request, Disconnect', () => {
    const browserLog = join(mkdtempSync(join(tmpdir(), 'latchkey-consent-')), 'browser.log');
    const env = { BROWSER: join(ROOT, 'tests/oauth/browser.sh'), LATCHKEY_TEST_BROWSER_LOG: browserLog };
    const ipc = [
      'discover',
      'save_datasource',
      'authorize',
      'event:authorization-started',
      'send_request',
      'token_details',
      'disconnect',
    ];
    return withApp({ env, ipc }, async (app) => {
      const before = await provider.stats();
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=preset-oidc]')).click();
      await (await app.find('[data-testid=preset-issuer]')).fill(provider.issuer);
      await (await app.find('[data-testid=discover]')).click();
      // The endpoints come from the provider's discovery document.
      await waitFor(
        'the discovered token URL',
        async () =>
          (await (await app.find('[data-testid=field-accessTokenUrl]')).value()) === `${provider.issuer}/token`,
      );
      assert.equal(await (await app.find('[data-testid=field-authorizationUrl]')).value(), `${provider.issuer}/auth`);
      await (await app.find('[data-testid=field-name]')).fill('Native');
      await (await app.find('[data-testid=field-url]')).fill(provider.issuer);
      await (await app.find('[data-testid=field-clientId]')).fill('native-app');
      assert.match(
        await (await app.find('[data-testid=redirect-url]')).value(),
        /^http:\/\/127\.0\.0\.1:8976\/callback$/,
      );
      await (await app.find('[data-testid=save-and-authorize]')).click();
      await app.waitForText('[data-testid=auth-result]', 'Authorized', 60_000);
      await app.waitForText('[data-testid=badge]', 'Authorized · expires in');
      assert.match(
        readFileSync(browserLog, 'utf8'),
        /callback: code=true/,
        'the browser went through consent to the callback',
      );

      await sendRequest(app, '/api/whoami');
      const body = await (await app.find('[data-testid=response-body]')).text();
      assert.match(body, /alice/, 'the person who consented');
      let stats = await provider.stats();
      assert.equal(
        stats.calls['token:authorization_code'] - (before.calls['token:authorization_code'] ?? 0),
        1,
        JSON.stringify(stats),
      );

      // The token panel of the real app: the code exchange in its call log, the ID token's
      // claims decoded (never the token), looked at in the three window sizes.
      await (await app.find('[data-testid=tab-settings]')).click();
      await app.waitForText('[data-testid=token-expiry]', 'in');
      await (await app.find('[data-testid=token-log] summary')).click();
      await app.waitForText('[data-testid=token-call]', 'authorization_code');
      for (const [width, height, shot] of [
        [1100, 720, 'token-panel-app'],
        [800, 600, 'token-panel-app-800'],
        [640, 480, 'token-panel-app-640'],
      ]) {
        await resizeWindow(app, width, height);
        await app.script('document.querySelector("[data-testid=token-panel]").scrollIntoView({ block: "start" })');
        await app.screenshot(shot);
      }
      await resizeWindow(app, 1100, 720);
      await (await app.find('[data-testid=disconnect]')).click();
      await app.waitForText('[data-testid=badge]', 'Not authorized');
      stats = await provider.stats();
      assert.ok(
        (stats.calls.revocation ?? 0) > (before.calls.revocation ?? 0),
        `tokens revoked: ${JSON.stringify(stats)}`,
      );
    }).catch((error) => {
      error.message += `\n--- consent browser:\n${existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '(it never ran)'}`;
      throw error;
    });
  });

  test('authorization code through the latchkey:// deep link: the browser hands the callback to the running window', () => {
    const browserLog = join(mkdtempSync(join(tmpdir(), 'latchkey-consent-')), 'browser.log');
    const env = { BROWSER: join(ROOT, 'tests/oauth/browser.sh'), LATCHKEY_TEST_BROWSER_LOG: browserLog };
    return withApp(
      { env, ipc: ['save_datasource', 'authorize', 'event:authorization-started', 'send_request'] },
      async (app) => {
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
      },
    ).catch((error) => {
      error.message += `\n--- consent browser:\n${existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '(it never ran)'}`;
      throw error;
    });
  });

  test('Save and Authorize waits with the URL to copy, and Cancel ends the wait', () =>
    // A browser that opens nothing: the person never answers.
    withApp(
      {
        env: { BROWSER: '/bin/true' },
        ipc: ['save_datasource', 'event:authorization-started', 'cancel_authorization', 'rejected:authorize'],
      },
      async (app) => {
        await newOAuthDatasource(app, { name: 'Waiting', grant: 'authorization_code', clientId: 'native-app' });
        await (await app.find('[data-testid=field-authorizationUrl]')).fill(`${provider.issuer}/auth`);
        await (await app.find('[data-testid=save-and-authorize]')).click();
        const url = await waitFor(
          'the authorization URL',
          async () => (await (await app.find('[data-testid=authorization-url]')).value()) || null,
        );
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
        // A client secret given afterwards is saved and stays in the vault.
        await (await app.find('[data-testid=field-clientSecret]')).fill(MARKERS['the client secret of Waiting']);
        await (await app.find('[data-testid=save]')).click();
        await app.find('[data-testid=secret-saved][data-field="auth.clientSecret"]');
      },
    ));

  test('a body file is one picked in the dialog, never a path from the page, and Save to file asks where', async () => {
    // A plain loopback API that records what reaches it and echoes a digest (the provider has no
    // upload endpoint). The dialogs answer through the debug build's test-only variables.
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-files-'));
    const upload = join(dir, 'upload.bin');
    const secretFile = join(dir, 'not-picked.txt');
    const saved = join(dir, 'saved.json');
    const bytes = randomBytes(48 * 1024);
    writeFileSync(upload, bytes);
    writeFileSync(secretFile, 'lkmark-not-picked-file-Qe4v');
    const received = [];
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push({ url: req.url, body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url, bytes: body.length, sameAsPicked: body.equals(bytes) }));
      });
    });
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    const api = `http://127.0.0.1:${server.address().port}`;
    const env = { LATCHKEY_TEST_PICK_FILE: upload, LATCHKEY_TEST_SAVE_PATH: saved };
    const ipc = ['pick_body_file', 'send_request', 'rejected:send_request', 'save_response_body'];
    try {
      await withApp({ env, ipc }, async (app) => {
        await (await app.find('[data-testid=new-datasource]')).click();
        await (await app.find('[data-testid=field-name]')).fill('Uploads');
        await (await app.find('[data-testid=field-url]')).fill(api);
        await (await app.find('[data-testid=save]')).click();
        await app.waitForText('[data-testid=datasource-item]', 'Uploads');

        await (await app.find('[data-testid=tab-requests]')).click();
        await (await app.find('[data-testid=request-method]')).select('POST');
        await (await app.find('[data-testid=request-path]')).fill('/upload');
        await (await app.find('[data-testid=body-mode]')).select('binary');
        await (await app.find('[data-testid=choose-binary]')).click();
        // The whole path, which the field may show cut with an ellipsis.
        await waitFor(
          'the picked path',
          async () => (await (await app.find('[data-testid=binary-path]')).attribute('title')) === upload,
        );
        await (await app.find('[data-testid=send]')).click();
        await app.waitForText('[data-testid=response-status]', '200', 20_000);
        assert.equal(received.length, 1, 'one request reached the API');
        assert.ok(received[0].body.equals(bytes), 'the API received the picked file');
        await app.screenshot('upload');

        // Save to file: the path comes from the save dialog, and the whole body is written there.
        await (await app.find('[data-testid=save-body]')).click();
        await app.waitForText('[data-testid=save-result]', `Saved to ${saved}`);
        assert.deepEqual(JSON.parse(readFileSync(saved, 'utf8')), {
          path: '/upload',
          bytes: bytes.length,
          sameAsPicked: true,
        });

        // The page (say, made to run a script) names a file itself: refused before anything is sent.
        const outcome = await app.call('POST', '/execute/async', {
          script: `const [secretFile, done] = arguments;
            const invoke = window.__TAURI_INTERNALS__.invoke;
            const tryIt = (cmd, args) => Promise.race([
              invoke(cmd, args).then(() => ({ cmd, ok: true }), (e) => ({ cmd, field: e && e.field, message: String(e && e.message || e) })),
              new Promise((settle) => setTimeout(() => settle({ cmd, ok: true, hung: true }), 5000)),
            ]);
            const environmentId = 'env_default';
            invoke('list_datasources', { environmentId }).then(async (list) => {
              const datasourceId = list.find((d) => d.name === 'Uploads').id;
              const spec = (body) => ({ method: 'POST', path: '/steal', headers: [], queryParams: [], body });
              done([
                await tryIt('send_request', { datasourceId, environmentId, request: spec({ type: 'binary', path: secretFile, contentType: '' }), requestId: 'attack-1', queryName: null }),
                await tryIt('send_request', { datasourceId, environmentId, request: spec({ type: 'multipart', parts: [{ key: 'f', value: '', file: secretFile, contentType: '' }] }), requestId: 'attack-2', queryName: null }),
                await tryIt('copy_curl_command', { datasourceId, environmentId, request: spec({ type: 'binary', path: secretFile, contentType: '' }), includeSecrets: true }),
                await tryIt('plugin:dialog|open', { options: {} }),
                await tryIt('plugin:dialog|save', { options: {} }),
              ]);
            }, (e) => done([{ failed: String(e) }]));`,
          args: [secretFile],
        });
        const [binary, multipart, curl, open, save] = outcome;
        assert.equal(
          binary.field,
          'body.path',
          `a path for the binary body is refused under its field: ${JSON.stringify(binary)}`,
        );
        assert.equal(
          multipart.field,
          'body.parts[0].file',
          `a path for a file part is refused under its field: ${JSON.stringify(multipart)}`,
        );
        assert.equal(curl.field, 'body.path', `Copy as cURL refuses it too: ${JSON.stringify(curl)}`);
        assert.ok(!open.ok && !save.ok, `the page may not open the dialogs itself: ${JSON.stringify([open, save])}`);
        assert.equal(received.length, 1, 'nothing more reached the API');
      });
    } finally {
      server.close();
    }
  });

  test('Basic, API key and bearer secrets typed into the editor never come back to the window', () =>
    withApp(
      {
        ipc: [
          'save_datasource',
          'get_datasource',
          'send_request',
          'history',
          'copy_curl_command',
          'check_destinations',
          'rejected:save_datasource',
        ],
      },
      async (app) => {
        const datasources = [
          {
            name: 'Basic API',
            fill: async () => {
              await (await app.find('[data-testid=auth-type]')).select('basic');
              await (await app.find('[data-testid=field-username]')).fill('alice');
              await (await app.find('[data-testid=field-password]')).fill(MARKERS['the Basic password']);
            },
            saved: 'auth.password',
            secret: MARKERS['the Basic password'],
          },
          {
            name: 'Key API',
            fill: async () => {
              await (await app.find('[data-testid=auth-type]')).select('apiKey');
              await (await app.find('[data-testid=field-key]')).fill('access_token');
              await (await app.find('[data-testid=field-value]')).fill(MARKERS['the API key']);
              await (await app.find('#ds-auth-addTo')).select('query');
            },
            saved: 'auth.value',
            secret: MARKERS['the API key'],
          },
          {
            name: 'Bearer API',
            fill: async () => {
              await (await app.find('[data-testid=auth-type]')).select('bearer');
              await (await app.find('[data-testid=field-token]')).fill(MARKERS['the bearer token']);
            },
            saved: 'auth.token',
            secret: MARKERS['the bearer token'],
          },
        ];
        for (const { name, fill, saved, secret } of datasources) {
          await (await app.find('[data-testid=new-datasource]')).click();
          await (await app.find('[data-testid=field-name]')).fill(name);
          await (await app.find('[data-testid=field-url]')).fill(provider.issuer);
          await fill();
          await (await app.find('[data-testid=save]')).click();
          await app.waitForText('[data-testid=datasource-item]', name);
          await app.find(`[data-testid=secret-saved][data-field="${saved}"]`);
          // The provider's API refuses these made-up credentials: the 401 is shown, the secret not.
          await sendRequestExpecting(app, '/api/whoami', 401);
          assert.match(await copyCurl(app), /api\/whoami/);
          const { shown, clipboard } = await copyCurlWithSecrets(app, {
            screenshot: name === 'Bearer API' ? 'curl' : undefined,
          });
          assert.ok(holds(clipboard, secret), `Copy as cURL with secrets of ${name} put its secret on the clipboard`);
          assert.ok(!holds(shown, secret) && shown.includes('<redacted>'), `the command shown for ${name} is redacted`);
        }

        // A secret follows its destination: moving the bearer datasource's URL to another origin
        // (localhost is not 127.0.0.1) lists, before saving, the token to enter again; saving
        // anyway is refused under the token's field and the URL stays.
        await (await app.find('[data-testid=tab-settings]')).click();
        const elsewhere = provider.issuer.replace('127.0.0.1', 'localhost');
        await (await app.find('[data-testid=field-url]')).fill(elsewhere);
        await app.waitForText('[data-testid="moved-auth.token"]', 'enter the token again');
        for (const [width, height, shot] of [
          [1100, 720, 'destination'],
          [800, 600, 'destination-800'],
          [640, 480, 'destination-640'],
        ]) {
          await resizeWindow(app, width, height);
          await app.screenshot(shot);
        }
        await resizeWindow(app, 1100, 720);
        await (await app.find('[data-testid=save]')).click();
        await app.waitForText('[data-testid=field-error][data-field="auth.token"]', 'another origin');
        await (await app.find('[data-testid=field-url]')).fill(provider.issuer);
        await waitFor(
          'the notice to go once the URL is back',
          async () => (await app.findAll('[data-testid=destination-notice]')).length === 0,
        );
      },
    ));

  test('the request tester fits 1100×720, 800×600, 640×480 and 640×400; edits to a saved request are kept or discarded on purpose; a run of the history runs again', () =>
    withApp(
      { ipc: ['save_datasource', 'authorize', 'save_query', 'list_queries', 'send_request', 'history'] },
      async (app) => {
        await newOAuthDatasource(app, {
          name: 'Orders API of the whole company',
          grant: 'client_credentials',
          clientId: POST_CLIENT.id,
          secret: POST_CLIENT.secret,
        });
        await (await app.find('[data-testid=save-and-test]')).click();
        await app.waitForText('[data-testid=auth-result]', 'Token received', 20_000);
        await app.waitForText('[data-testid=badge]', 'Authorized');

        // A query typed into the path goes to the query table when the field is left.
        await (await app.find('[data-testid=tab-requests]')).click();
        await (await app.find('[data-testid=request-path]')).fill('/api/whoami?v=2');
        await (await app.find('[data-testid=request-name]')).click();
        await waitFor(
          'the query to move',
          async () => (await (await app.find('[data-testid=request-path]')).value()) === '/api/whoami',
        );
        assert.equal(
          await (await app.find('[aria-label="Query parameters 1 key"]')).value(),
          'v',
          'the key went to the table',
        );
        assert.equal(
          await (await app.find('[aria-label="Query parameters 1 value"]')).value(),
          '2',
          'the value went to the table',
        );

        // Saved, sent, then edited: marked as unsaved, and New datasource asks before dropping it.
        await (await app.find('[data-testid=request-name]')).fill('Who am I');
        await (await app.find('[data-testid=save-request]')).click();
        await waitFor('the request in the saved list', () => savedRequestNamed(app, 'Who am I'));
        await (await app.find('[data-testid=send]')).click();
        await app.waitForText('[data-testid=response-status]', '200', 20_000);
        assert.equal(await app.exists('[data-testid=request-unsaved]'), false, 'a request just saved is not marked');
        await (await app.find('[data-testid=request-path]')).type('/again');
        await app.find('[data-testid=request-unsaved]');
        await (await app.find('[data-testid=new-datasource]')).click();
        await app.waitForText('[data-testid=confirm-dialog]', 'saved request has changes that are not saved');
        await confirmChoice(app, 'Keep editing');
        await waitFor('the dialog to close', async () => !(await app.exists('[data-testid=confirm-dialog]')));
        assert.equal(
          await (await app.find('[data-testid=request-path]')).value(),
          '/api/whoami/again',
          'Keep editing kept the edit',
        );
        await (await app.find('[data-testid=request-path]')).fill('/api/whoami');
        await waitFor('the mark to go', async () => !(await app.exists('[data-testid=request-unsaved]')));

        // The sizes: method, path and Send usable, nothing scrolls sideways, badges in their rows.
        for (const [width, height, name] of [
          [1100, 720, 'tester-1100'],
          [800, 600, 'tester-800'],
          [640, 480, 'tester-640'],
          [640, 400, null], // tauri.conf.json's minHeight
        ]) {
          await resizeWindow(app, width, height);
          await (await app.find('.panel')).scrollIntoView();
          const layout = await testerLayout(app);
          assert.deepEqual(layout.sideways, [], `nothing scrolls sideways at ${width}×${height}`);
          assert.equal(layout.windowScrolls, false, `only the pane scrolls, not the window, at ${width}×${height}`);
          assert.ok(layout.sendInside, `Send is inside the pane at ${width}×${height}: ${JSON.stringify(layout)}`);
          assert.ok(layout.path >= 150, `the path field is usable at ${width}×${height}: ${JSON.stringify(layout)}`);
          assert.ok(
            layout.name >= 120,
            `the request name field is usable at ${width}×${height}: ${JSON.stringify(layout)}`,
          );
          assert.ok(layout.method >= 60, `the method is readable at ${width}×${height}: ${JSON.stringify(layout)}`);
          assert.ok(
            layout.badgesInside.length > 0 && layout.badgesInside.every(Boolean),
            `the badge stays in its row at ${width}×${height}`,
          );
          if (name) await app.screenshot(name);
          // The narrower list and padding leave the Settings pane whole too (its footer included).
          await (await app.find('[data-testid=tab-settings]')).click();
          const settings = await app.script(`
          const pane = document.querySelector('.panel');
          const edge = pane.getBoundingClientRect().right;
          return { scrolls: pane.scrollWidth > pane.clientWidth + 1, out: [...pane.querySelectorAll('*')].filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > edge + 1; }).map((el) => el.className || el.tagName).slice(0, 5) };
        `);
          assert.deepEqual(settings, { scrolls: false, out: [] }, `the Settings pane fits at ${width}×${height}`);
          await (await app.find('[data-testid=tab-requests]')).click();
        }
        await resizeWindow(app, 640, 480);
        // Narrow: the saved requests fold above the request, and open on a click.
        assert.equal(
          await app.script("return document.querySelector('[data-testid=query-item]').getBoundingClientRect().height"),
          0,
          'folded at 640 px',
        );
        const fold = await app.find('[data-testid=queries-fold]');
        assert.match(await fold.text(), /Saved requests \(1\)/);
        await fold.click();
        await waitFor('the unfolded list', () =>
          app.script(
            "const el = document.querySelector('[data-testid=query-item]'); return el !== null && el.getBoundingClientRect().height > 0",
          ),
        );

        // + New starts a clean request: no response of the one before.
        await (await app.find('[data-testid=new-request]')).click();
        await waitFor('the response to go', async () => !(await app.exists('[data-testid=response-status]')));

        // The history at the narrowest: a long URL keeps its end in view; a run runs again.
        const note = 'a-note-long-enough-to-make-the-address-wider-than-the-pane';
        await (await app.find('[data-testid=request-path]')).fill(`/api/whoami?note=${note}&v=2`);
        await (await app.find('[data-testid=send]')).click();
        await app.waitForText('[data-testid=response-status]', '200', 20_000);
        await waitFor('the run in the history', () =>
          app.script(
            "return document.querySelector('[data-testid=history-entry] .middle-cut')?.title.includes('note=')",
          ),
        );
        await (await app.find('[data-testid=history-entry] summary')).click();
        const cut = await app.script(`
        const url = document.querySelector('[data-testid=history-entry] .middle-cut');
        const head = url.querySelector('.middle-cut-head');
        const tail = url.querySelector('.middle-cut-tail').getBoundingClientRect();
        const row = url.closest('summary').getBoundingClientRect();
        return { headCut: head.scrollWidth > head.clientWidth, tailShown: tail.left >= row.left && tail.right <= row.right + 0.5, tail: url.querySelector('.middle-cut-tail').textContent };
      `);
        assert.ok(cut.headCut, `the start of the long URL gives way: ${JSON.stringify(cut)}`);
        assert.ok(cut.tailShown && cut.tail.endsWith('&v=2'), `its end stays in view: ${JSON.stringify(cut)}`);
        const opened = await testerLayout(app);
        assert.equal(opened.windowScrolls, false, 'the window stays put when the history is scrolled to');
        assert.deepEqual(opened.sideways, [], 'the run as sent (its long URL) does not scroll sideways');
        await app.screenshot('history-640');
        await (await app.find('[data-testid=new-request]')).click();
        const runsBefore = (await app.findAll('[data-testid=history-entry]')).length;
        await (await app.find('[data-testid=history-entry] [data-testid=history-run]')).click();
        await waitFor(
          'the run to be recorded',
          async () => (await app.findAll('[data-testid=history-entry]')).length > runsBefore,
          20_000,
        );
        await app.waitForText('[data-testid=response-status]', '200', 20_000);
        assert.equal(
          await (await app.find('[data-testid=request-path]')).value(),
          '/api/whoami',
          'the run opened with its path',
        );
        assert.equal(
          await (await app.find('[aria-label="Query parameters 1 value"]')).value(),
          note,
          'and its parameters',
        );
        await resizeWindow(app, 1100, 720);

        // A release build's page: no Back / Reload / Inspect menu outside text, fields keep theirs.
        const menus = await app.script(`
        const menu = (el) => !el.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true }));
        return [menu(document.querySelector('.sidebar-title')), menu(document.querySelector('[data-testid=request-path]'))];
      `);
        assert.deepEqual(menus, [true, false], 'the menu is stopped outside text and kept in the path field');
      },
    ));

  test('environments: staging sends to its own server with its own token; production shows a bar and asks before a POST', async () => {
    // Two loopback APIs, one per environment, recording the Authorization header of each request.
    const servers = {};
    for (const name of ['default', 'staging']) {
      const received = [];
      const server = createServer((req, res) => {
        received.push({ method: req.method, url: req.url, authorization: req.headers.authorization ?? '' });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ environment: name, path: req.url }));
      });
      await new Promise((done) => server.listen(0, '127.0.0.1', done));
      servers[name] = { server, received, url: `http://127.0.0.1:${server.address().port}` };
    }
    const openSwitcher = async (app) => {
      if ((await (await app.find('[data-testid=environment-switcher]')).attribute('aria-expanded')) !== 'true') {
        await (await app.find('[data-testid=environment-switcher]')).click();
      }
      return app.find('[data-testid=environment-menu]');
    };
    const pick = async (app, name) => {
      await openSwitcher(app);
      await (await app.find(`[data-testid=environment-option][data-name="${name}"]`)).click();
      await app.waitForText('[data-testid=active-environment]', name);
    };
    /** Adds the variable `key` = `value` in the open variables editor. */
    const addVariable = async (app, key, value) => {
      await (await app.find('[data-testid=add-variable]')).click();
      const keys = await app.findAll('[data-testid=variable-key]');
      const values = await app.findAll('[data-testid=variable-value]');
      await keys.at(-1).fill(key);
      await values.at(-1).fill(value);
    };
    const saveVariables = async (app) => {
      await (await app.find('[data-testid=save-variables]')).click();
      await waitFor('the variables editor to close', async () => !(await app.exists('[data-testid=variables-editor]')));
    };
    const ipc = [
      'list_environments',
      'get_environment',
      'create_environment',
      'save_environment',
      'send_request',
      'authorize',
    ];
    try {
      await withApp({ ipc }, async (app) => {
        // default: base is the first server.
        await openSwitcher(app);
        await (await app.find('[data-testid=edit-variables]')).click();
        await app.find('[data-testid=variables-editor]');
        await addVariable(app, 'base', servers.default.url);
        await saveVariables(app);

        // staging: created from the switcher, its variables editor opens; base is the second server.
        await openSwitcher(app);
        await (await app.find('[data-testid=new-environment]')).click();
        await (await app.find('[data-testid=new-environment-name]')).fill('staging');
        await (await app.find('[data-testid=create-environment]')).click();
        await app.find('[data-testid=variables-editor]');
        await app.waitForText('[data-testid=active-environment]', 'staging');
        await addVariable(app, 'base', servers.staging.url);
        await addVariable(app, 'tenant', 'acme');
        await shoot(app, 'env-variables');
        await saveVariables(app);
        await openSwitcher(app);
        await shoot(app, 'env-switcher', () => openSwitcher(app));
        await (await app.find('[data-testid=environment-switcher]')).click();

        // One datasource whose URL is {{base}}, client credentials against the provider.
        await pick(app, 'default');
        await newOAuthDatasource(app, {
          name: 'Env API',
          grant: 'client_credentials',
          clientId: POST_CLIENT.id,
          secret: POST_CLIENT.secret,
        });
        await (await app.find('[data-testid=field-url]')).fill('{{base}}');
        await (await app.find('[data-testid=save-and-test]')).click();
        await app.waitForText('[data-testid=auth-result]', 'Token received', 20_000);
        await app.waitForText('[data-testid=badge]', 'Authorized');

        // staging has no token yet: the badge follows the environment; Save and Test fetches its own.
        await pick(app, 'staging');
        await app.waitForText('[data-testid=badge]', 'Not authorized');
        await (await app.find('[data-testid=tab-settings]')).click();
        await (await app.find('[data-testid=save-and-test]')).click();
        await app.waitForText('[data-testid=badge]', 'Authorized', 20_000);

        // Sent in staging: to the staging server, with staging's token; `{{` offers its variables.
        await (await app.find('[data-testid=tab-requests]')).click();
        await app.waitForText('[data-testid=full-url]', servers.staging.url);
        const path = await app.find('[data-testid=request-path]');
        await path.fill('/orders/{{');
        await app.find('[data-testid=variable-suggestions]');
        await shoot(app, 'env-suggestions', async () => {
          await (await app.find('[data-testid=request-path]')).fill('/orders/{{');
          await app.find('[data-testid=variable-suggestions]');
        });
        await (await app.find('[data-testid=request-path]')).fill('/orders/{{');
        await (await app.find('[data-testid=variable-suggestion][data-key=tenant]')).click();
        assert.equal(
          await (await app.find('[data-testid=request-path]')).value(),
          '/orders/{{tenant}}',
          'the suggestion was put in',
        );
        await app.waitForText('[data-testid=full-url]', `${servers.staging.url}/orders/acme`);
        await (await app.find('[data-testid=send]')).click();
        await app.waitForText('[data-testid=response-status]', '200', 20_000);
        assert.equal(servers.staging.received.length, 1, 'the staging server got the request');
        assert.equal(servers.default.received.length, 0, 'the default server got nothing');
        assert.equal(servers.staging.received[0].url, '/orders/acme', 'the variable was resolved in the path');

        // The same request in default: the default server, with default's token, not staging's.
        await pick(app, 'default');
        await app.waitForText('[data-testid=full-url]', servers.default.url);
        await (await app.find('[data-testid=request-path]')).fill('/orders');
        await (await app.find('[data-testid=send]')).click();
        await waitFor(
          'the default server to get the request',
          async () => servers.default.received.length === 1,
          20_000,
        );
        const stagingToken = servers.staging.received[0].authorization;
        const defaultToken = servers.default.received[0].authorization;
        assert.match(stagingToken, /^Bearer \S{10,}/, 'staging sent a bearer token');
        assert.match(defaultToken, /^Bearer \S{10,}/, 'default sent a bearer token');
        assert.notEqual(stagingToken, defaultToken, 'each environment sends its own token');

        // staging made production: the bar, the Send label, and a POST that asks first.
        await pick(app, 'staging');
        await openSwitcher(app);
        await (await app.find('[data-testid=edit-variables]')).click();
        await (await app.find('[data-testid=environment-production]')).click();
        await saveVariables(app);
        await app.waitForText('[data-testid=production-bar]', 'staging is a production environment');
        await app.waitForText('[data-testid=send]', 'Send to staging');
        await (await app.find('[data-testid=request-method]')).select('POST');
        await (await app.find('[data-testid=send]')).click();
        await app.waitForText('[data-testid=confirm-dialog]', 'Send POST to staging?');
        await shoot(app, 'env-production');
        await confirmChoice(app, "Don't send");
        assert.equal(servers.staging.received.length, 1, 'nothing was sent without a yes');
        await (await app.find('[data-testid=send]')).click();
        await confirmChoice(app, 'Send to staging');
        await waitFor('the POST to reach staging', async () => servers.staging.received.length === 2, 20_000);
        assert.equal(servers.staging.received[1].method, 'POST');
        await app.waitForText('[data-testid=response-status]', '200', 20_000);

        // The editor in staging: a field overridden for staging carries its marker and Reset to
        // base; the others offer Override for staging.
        await (await app.find('[data-testid=tab-settings]')).click();
        await (await app.find('button[aria-label="Override Headers for staging"]')).click();
        await app.find('[data-testid=override-marker][data-field=headers]');
        assert.ok(
          await app.exists('button[aria-label="Override URL for staging"]'),
          'a field staging does not override offers to',
        );
        await shoot(app, 'env-overrides');
      });
    } finally {
      for (const { server } of Object.values(servers)) server.close();
    }
  });
  test('enterprise OAuth in the editor: private_key_jwt shows the public key to register and gets a token; a client certificate and a proxy are saved sealed', () =>
    withApp({ ipc: ['save_datasource', 'client_public_key', 'authorize'] }, async (app) => {
      const publicJwk = ASSERTION_KEY.publicKey.export({ format: 'jwk' });
      await newOAuthDatasource(app, { name: 'Signed API', grant: 'client_credentials', clientId: 'registered-below' });
      await (await app.find('#ds-auth-clientAuthentication')).select('private_key_jwt');
      assert.equal(await app.exists('[data-testid=field-clientSecret]'), false, 'no client secret for private_key_jwt');
      await (
        await app.find('[data-testid=field-clientAssertionKey]')
      ).fill(lines(ASSERTION_KEY.privateKey.export({ type: 'pkcs8', format: 'pem' })));
      await (await app.find('[data-testid=field-clientAssertionKid]')).fill('gui-key-1');
      const shown = await waitFor('the public key to register', async () => {
        const text = (await app.exists('[data-testid=public-jwk]'))
          ? await (await app.find('[data-testid=public-jwk]')).value()
          : '';
        return text.includes('"x"') && text;
      });
      const jwk = JSON.parse(shown);
      assert.deepEqual(
        [jwk.kty, jwk.crv, jwk.x, jwk.y],
        [publicJwk.kty, publicJwk.crv, publicJwk.x, publicJwk.y],
        'the public key is the one node:crypto derives',
      );
      assert.equal(jwk.kid, 'gui-key-1');
      assert.equal(jwk.d, undefined, 'no private member');
      // What the person does next: registers the JWK shown with the provider (here through its
      // dynamic registration), which then knows the client.
      const registration = await fetch(`${provider.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
          jwks: { keys: [jwk] },
          scope: 'api:read',
        }),
      });
      assert.equal(registration.status, 201, 'the provider registered the client');
      const { client_id: clientId } = await registration.json();
      await (await app.find('[data-testid=field-clientId]')).fill(clientId);
      await shoot(app, 'private-key-jwt', async () => (await app.find('[data-testid=public-jwk]')).scrollIntoView());

      // An algorithm that does not fit the key is refused on its field before anything is sent.
      const before = (await provider.stats()).calls['token:client_credentials'] ?? 0;
      await (await app.find('#ds-auth-clientAssertionAlg')).select('RS256');
      await (await app.find('[data-testid=save-and-test]')).click();
      await app.find('[data-testid=field-error][data-field="auth.clientAssertionAlg"]');
      assert.equal(
        (await provider.stats()).calls['token:client_credentials'] ?? 0,
        before,
        'no token call for a refused save',
      );
      await (await app.find('#ds-auth-clientAssertionAlg')).select('by_key');

      // The signed assertion gets a token from the real provider.
      await (await app.find('[data-testid=save-and-test]')).click();
      await app.waitForText('[data-testid=auth-result]', 'Token received', 20_000);
      assert.ok(
        (await provider.stats()).clients[clientId]?.['token:client_credentials'] >= 1,
        'the provider authenticated the signed client',
      );
      await app.waitForText('[data-testid=secret-saved][data-field="auth.clientAssertionKey"]', 'Saved');
      await waitFor(
        "the saved key's public key",
        async () =>
          (await app.exists('[data-testid=public-jwk]')) &&
          (await (await app.find('[data-testid=public-jwk]')).value()).includes(publicJwk.x),
      );

      // A client certificate (its key sealed) and a proxy with a password, saved.
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-gui-cert-'));
      writeFileSync(join(dir, 'key.pem'), CERTIFICATE_KEY.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-key',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '30',
          '-subj',
          '/CN=latchkey-gui-client',
        ],
        { stdio: 'ignore', timeout: 20_000 },
      );
      await (
        await app.find('[data-testid=field-clientCertificate]')
      ).fill(lines(readFileSync(join(dir, 'cert.pem'), 'utf8')));
      await (
        await app.find('[data-testid=field-clientCertificateKey]')
      ).fill(lines(readFileSync(join(dir, 'key.pem'), 'utf8')));
      await shoot(app, 'client-certificate', async () =>
        (await app.find('[data-testid=client-certificate]')).scrollIntoView(),
      );
      await (await app.find('[data-testid=field-proxy]')).select('custom');
      await (await app.find('[data-testid=field-proxy-url]')).fill('http://127.0.0.1:3128');
      await (await app.find('[data-testid=field-proxy-username]')).fill('alice');
      await (await app.find('[data-testid=field-proxy-password]')).fill(MARKERS['the proxy password']);
      await shoot(app, 'proxy', async () => (await app.find('#proxy-title')).scrollIntoView());
      await (await app.find('[data-testid=save]')).click();
      await app.waitForText('[data-testid=secret-saved][data-field=clientCertificateKey]', 'Saved');
      await app.waitForText('[data-testid=secret-saved][data-field="proxy.password"]', 'Saved');
      const html = await app.script('return document.documentElement.outerHTML');
      for (const [label, value] of Object.entries(MARKERS).filter(([label]) => /key|proxy/.test(label))) {
        assert.ok(!html.includes(value), `${label} is nowhere in the page`);
      }
    }));
  test('shared folder: export the vault to a folder, a teammate adds a datasource file, the banner offers the review, the import brings it in as Needs setup', async () => {
    // A teammate's vault, made with the CLI binary from a cURL command, exported to their folder.
    const cli = join(ROOT, 'target/debug/latchkey');
    const home = mkdtempSync(join(tmpdir(), 'latchkey-gui-'));
    const teammate = mkdtempSync(join(tmpdir(), 'latchkey-teammate-'));
    const shared = mkdtempSync(join(tmpdir(), 'latchkey-shared-'));
    const theirs = mkdtempSync(join(tmpdir(), 'latchkey-theirs-'));
    const latchkey = (args, input) =>
      execFileSync(cli, args, {
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'ignore'],
        env: { ...process.env, LATCHKEY_DATA_DIR: teammate, LATCHKEY_KEYRING: 'off' },
      });
    latchkey(
      ['import', '-'],
      `curl -H 'Authorization: Bearer ${MARKERS["the bearer token of a teammate's Billing"]}' https://billing.example.com/v1/invoices`,
    );
    latchkey(['export', '--dir', theirs]);
    const [billingFile] = readdirSync(join(theirs, 'datasources'));
    assert.ok(billingFile, `the teammate's export has a datasource file: ${readdirSync(theirs)}`);

    const env = { LATCHKEY_TEST_PICK_FOLDER: shared };
    const ipc = [
      'choose_shared_folder',
      'export_shared_folder',
      'shared_folder_fingerprint',
      'shared_folder_status',
      'import_shared_folder',
    ];
    await withApp({ home, env, ipc }, async (app) => {
      await (await app.find('[data-testid=new-datasource]')).click();
      await (await app.find('[data-testid=field-name]')).fill('orders.example.com');
      await (await app.find('[data-testid=field-url]')).fill('https://orders.example.com');
      await (await app.find('[data-testid=save]')).click();
      await app.waitForText('[data-testid=datasource-item]', 'orders.example.com');
      await (await app.find('[data-testid=shared-folder-open]')).click();
      await textIn(app, '[data-testid=shared-folder-path]', 'No folder chosen');
      await (await app.find('[data-testid=shared-folder-choose]')).click();
      await textIn(app, '[data-testid=shared-folder-path]', shared);
      await app.waitForText('[data-testid=folder-review-summary]', 'This vault has everything the folder has.');
      await (await app.find('[data-testid=shared-folder-export]')).click();
      // The datasource and the default environment, a file each.
      await app.waitForText('[data-testid=shared-folder-result]', 'Exported: 2 files written');
      const files = readdirSync(join(shared, 'datasources'));
      assert.equal(files.length, 1, `the folder has the vault's one datasource: ${files}`);
      assert.ok(
        !holds(
          readFileSync(join(theirs, 'datasources', billingFile), 'utf8'),
          MARKERS["the bearer token of a teammate's Billing"],
        ),
        "the teammate's folder names the token, never holds it",
      );
      await shoot(app, 'shared-folder-export', async () =>
        (await app.find('[data-testid=shared-folder-result]')).scrollIntoView(),
      );
      await (await app.find('[data-testid=shared-folder-panel] .dialog-actions button')).click();
      await waitFor('the panel to close', async () => !(await app.exists('[data-testid=shared-folder-panel]')));

      // The teammate's datasource arrives in the folder (a git pull): the window, when it gains
      // focus (and every few seconds while focused), sees the fingerprint change and offers it.
      assert.equal(
        await app.exists('[data-testid=shared-folder-banner]'),
        false,
        'no banner while the folder is as exported',
      );
      copyFileSync(join(theirs, 'datasources', billingFile), join(shared, 'datasources', billingFile));
      await app.script("window.dispatchEvent(new Event('focus'))");
      await app.waitForText(
        '[data-testid=shared-folder-banner]',
        'The shared folder changed (1 to create, 0 to update)',
        20_000,
      );
      await shoot(app, 'shared-folder-banner');
      assert.equal(
        (await app.findAll('[data-testid=datasource-item]')).length,
        1,
        'nothing is imported without a click',
      );

      await (await app.find('[data-testid=shared-folder-review]')).click();
      await app.waitForText('[data-testid=review-created]', 'billing.example.com');
      await app.waitForText('[data-testid=review-unchanged]', 'orders.example.com');
      await app.waitForText('[data-testid=review-needs-setup]', 'auth.token');
      await shoot(app, 'shared-folder-review');
      await (await app.find('[data-testid=shared-folder-import]')).click();
      await app.waitForText('[data-testid=shared-folder-result]', 'Imported: 1 datasource created, 0 updated');
      await app.waitForText('[data-testid=folder-review-summary]', 'This vault has everything the folder has.');
      await shoot(app, 'shared-folder-imported', async () =>
        (await app.find('[data-testid=shared-folder-result]')).scrollIntoView(),
      );
      await (await app.find('[data-testid=shared-folder-panel] .dialog-actions button')).click();

      const billing = await app.waitForText('[data-testid=datasource-item]', 'billing.example.com');
      assert.match(await billing.text(), /Needs setup/, 'the imported datasource waits for its token');
      await app.script("window.dispatchEvent(new Event('focus'))");
      assert.equal(
        await app.exists('[data-testid=shared-folder-banner]'),
        false,
        'the imported folder is the new last one',
      );
      await shoot(app, 'shared-folder-sidebar');
    });
    // Remembered across restarts: a new start reads shared-folder.json of its data dir (here
    // carried into a new, empty vault): the folder is shown, its fingerprint is the imported one
    // (no banner), and the review is of this vault.
    const again = mkdtempSync(join(tmpdir(), 'latchkey-gui-'));
    mkdirSync(join(again, 'data'));
    copyFileSync(join(home, 'data', 'shared-folder.json'), join(again, 'data', 'shared-folder.json'));
    await withApp({ home: again, ipc: ['shared_folder_status'] }, async (app) => {
      await (await app.find('[data-testid=shared-folder-open]')).click();
      await textIn(app, '[data-testid=shared-folder-path]', shared);
      await app.waitForText('[data-testid=folder-review-summary]', 'An import creates 2 and updates');
      assert.equal(
        await app.exists('[data-testid=shared-folder-banner]'),
        false,
        "the remembered fingerprint is the folder's",
      );
    });
  });
  test('device code: Save and Authorize shows the code large with Copy, Open, a countdown and Cancel; the person confirms it on the verification page', () => {
    const browserLog = join(mkdtempSync(join(tmpdir(), 'latchkey-device-')), 'browser.log');
    const env = { BROWSER: join(ROOT, 'tests/oauth/device_browser.sh'), LATCHKEY_TEST_BROWSER_LOG: browserLog };
    const ipc = ['save_datasource', 'authorize', 'event:device-code-started', 'open_device_page', 'send_request'];
    return withApp({ env, ipc }, async (app) => {
      const before = await provider.stats();
      await newOAuthDatasource(app, { name: 'TV', grant: 'device_code', clientId: 'device-app' });
      assert.equal(
        await app.exists('[data-testid=field-authorizationUrl]'),
        false,
        'no authorization URL for the device grant',
      );
      assert.equal(await app.exists('[data-testid=redirect-url]'), false, 'no redirect for the device grant');
      await (await app.find('[data-testid=field-deviceAuthorizationUrl]')).fill(`${provider.issuer}/device/auth`);
      // oidc-provider's device pages sign a person in through OpenID Connect: `openid` is needed.
      await (await app.find('[data-testid=field-scopes]')).fill('openid, offline_access');
      await (await app.find('[data-testid=save-and-authorize]')).click();
      const code = await (await app.waitForText('[data-testid=user-code]', '', 20_000)).text();
      assert.match(code, /^[A-Z0-9-]{6,}$/, `a user code: ${code}`);
      await app.waitForText('[data-testid=device-code-expiry]', 'The code expires in');
      assert.equal(await app.exists('[data-testid=copy-user-code]'), true, 'the code can be copied');
      await shoot(app, 'device-code', async () =>
        (await app.find('[data-testid=device-code-status]')).scrollIntoView(),
      );
      // Open takes the person to the verification page with the code filled in, where they confirm
      // it, sign in and consent (headless Chromium as the system browser); the app then has tokens.
      await (await app.find('[data-testid=open-verification-page]')).click();
      await app.waitForText('[data-testid=auth-result]', 'Authorized', 60_000);
      await app.waitForText('[data-testid=badge]', 'Authorized · expires in');
      assert.match(readFileSync(browserLog, 'utf8'), /./, 'the browser was opened on the verification page');
      const stats = await provider.stats();
      const polls =
        (stats.calls['token:urn:ietf:params:oauth:grant-type:device_code'] ?? 0) -
        (before.calls['token:urn:ietf:params:oauth:grant-type:device_code'] ?? 0);
      assert.ok(polls >= 1, `the app polled the token endpoint: ${JSON.stringify(stats.calls)}`);
      await sendRequest(app, '/api/whoami');
      assert.match(
        await (await app.find('[data-testid=response-body]')).text(),
        /device-app/,
        'the API saw the device client',
      );
    });
  });

  test('import: a cURL fixture pasted, an OpenAPI file chosen, a curl command pasted into the tester', async () => {
    const fixtures = join(ROOT, 'crates/latchkey-core/tests/fixtures');
    const received = [];
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise((done) => server.listen(0, '127.0.0.1', done));
    const api = `http://127.0.0.1:${server.address().port}`;
    const env = { LATCHKEY_TEST_PICK_FILE: join(fixtures, 'openapi/asana.json') };
    const ipc = ['plan_import', 'apply_import', 'pick_import_file', 'request_from_curl', 'send_request'];
    /** Puts `text` into the Import dialog's textarea as a paste would (React sees the input event). */
    const pasteIntoImport = (text) =>
      app.script(
        `const el = document.querySelector('[data-testid=import-text]');
         Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(el, arguments[0]);
         el.dispatchEvent(new Event('input', { bubbles: true }));`,
        text,
      );
    let app;
    try {
      await withApp({ env, ipc }, async (opened) => {
        app = opened;
        // 1. The Stripe docs' curl sample, pasted: reviewed (its key sealed, never shown), then imported.
        await (await app.find('[data-testid=import-open]')).click();
        await pasteIntoImport(readFileSync(join(fixtures, 'curl/hand-written/stripe-create-charge.sh'), 'utf8'));
        await shoot(app, 'import-paste');
        await (await app.find('[data-testid=import-review]')).click();
        const summary = await app.waitForText(
          '[data-testid=import-summary]',
          'pasted text (curl): 1 datasource',
          20_000,
        );
        assert.match(await summary.text(), /1 secret sealed/, 'the key is counted');
        assert.match(await (await app.find('[data-testid=import-secrets]')).text(), /auth\.value/);
        await (await app.find('[data-testid=import-queries-toggle]')).click();
        await app.waitForText('[data-testid=import-query-list]', 'POST /v1/charges');
        await shoot(app, 'import-review');
        await (await app.find('[data-testid=import-apply]')).click();
        await app.waitForText('[data-testid=datasource-item]', 'api.stripe.com');
        assert.equal(await app.exists('[data-testid=import-view]'), false, 'the dialog closed');
        assert.match(
          await (await app.find('[data-testid=field-name]')).value(),
          /^api\.stripe\.com$/,
          'the imported datasource is open',
        );

        // 2. Asana's OpenAPI description, chosen as a file (the dialog answered by the test hook):
        // its bearer token scheme chosen, and no token in a description, so it is stored as needing setup.
        await (await app.find('[data-testid=import-open]')).click();
        await (await app.find('[data-testid=import-mode-file]')).click();
        await (await app.find('[data-testid=import-choose-file]')).click();
        await app.waitForText('[data-testid=import-file-path]', 'asana.json');
        await (await app.find('[data-testid=import-review]')).click();
        await app.waitForText('[data-testid=import-summary]', 'asana.json (openapi)', 30_000);
        await app.waitForText('[data-testid=import-needs-setup]', 'auth.token');
        await shoot(app, 'import-openapi', async () =>
          (await app.find('[data-testid=import-summary]')).scrollIntoView(),
        );
        await (await app.find('[data-testid=import-apply]')).click();
        await app.waitForText('[data-testid=editor-needs-setup]', 'Needs setup: enter', 30_000);
        const rows = await app.script(
          "return [...document.querySelectorAll('[data-testid=datasource-item]')].map((el) => [el.querySelector('.datasource-name').textContent, !!el.querySelector('[data-testid=needs-setup]')])",
        );
        assert.ok(
          rows.some(([name, setup]) => /asana/i.test(name) && setup),
          `Asana shows Needs setup: ${JSON.stringify(rows)}`,
        );
        await shoot(app, 'import-needs-setup');

        // 3. A datasource for the local test server, then a multi-line curl command pasted into the
        // tester's path: the request is filled, its token is not copied, and it is sent.
        await (await app.find('[data-testid=new-datasource]')).click();
        await (await app.find('[data-testid=field-name]')).fill('Local');
        await (await app.find('[data-testid=field-url]')).fill(api);
        await (await app.find('[data-testid=save]')).click();
        await app.waitForText('[data-testid=datasource-item]', 'Local');
        await (await app.find('[data-testid=tab-requests]')).click();
        const command = [
          `curl -X POST '${api}/items?limit=5' \\`,
          `  -H 'Authorization: Bearer ${MARKERS['the token of a curl command pasted into the tester']}' \\`,
          "  -H 'X-Trace: on' \\",
          "  -H 'Content-Type: application/json' \\",
          `  -d '{"name":"tea"}'`,
        ].join('\n');
        await (await app.find('[data-testid=request-path]')).click();
        await app.script(
          `const el = document.querySelector('[data-testid=request-path]');
           const data = new DataTransfer();
           data.setData('text/plain', arguments[0]);
           el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));`,
          command,
        );
        await waitFor(
          'the path filled from the command',
          async () => (await (await app.find('[data-testid=request-path]')).value()) === '/items',
        );
        await app.waitForText('[data-testid=curl-dropped]', 'the Authorization header');
        assert.match(
          await (await app.find('[data-testid=curl-dropped]')).text(),
          /the datasource has no authentication/,
        );
        await shoot(app, 'tester-curl', () =>
          app.script("document.querySelector('[data-testid=curl-paste-notice]').scrollIntoView({ block: 'center' })"),
        );
        await (await app.find('[data-testid=send]')).click();
        await app.waitForText('[data-testid=response-status]', '200', 20_000);
        assert.equal(received.length, 1, 'one request reached the server');
        assert.equal(received[0].method, 'POST');
        assert.equal(received[0].url, '/items?limit=5');
        assert.equal(received[0].headers['x-trace'], 'on');
        assert.equal(received[0].headers.authorization, undefined, "the command's token was not sent");
        assert.deepEqual(JSON.parse(received[0].body), { name: 'tea' });
        assert.match(received[0].headers['content-type'], /^application\/json/);
        await shoot(app, 'tester-curl-sent', () =>
          app.script("document.querySelector('[data-testid=response-status]').scrollIntoView({ block: 'center' })"),
        );

        // A command for another origin is not sent here: it is offered to Import.
        await (await app.find('[data-testid=request-path]')).clear();
        await app.script(
          `const el = document.querySelector('[data-testid=request-path]');
           const data = new DataTransfer();
           data.setData('text/plain', arguments[0]);
           el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));`,
          readFileSync(join(fixtures, 'curl/hand-written/github-list-issues.sh'), 'utf8'),
        );
        await app.waitForText('[data-testid=curl-other-origin]', 'https://api.github.com');
        await (await app.find('[data-testid=curl-import]')).click();
        await waitFor('the Import dialog with the command', async () =>
          /api\.github\.com/.test(await (await app.find('[data-testid=import-text]')).value()),
        );
      });
    } finally {
      server.close();
    }
  });
});
