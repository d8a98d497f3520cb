// The real desktop app under WebDriver, for Latchkey's GUI tests: tauri-driver in front of
// WebKitWebDriver, a plain W3C WebDriver client over fetch, and the pieces every test needs
// (the app's UI served from ui/dist on the dev URL, a private data directory, screenshots).
//
// The app binary is the debug build that `cargo test --workspace` makes (no second Tauri build
// variant); it loads its UI from `build.devUrl` (http://localhost:5173), where `vite preview`
// serves the production bundle built by `vite build`.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APP = process.env.LATCHKEY_APP ?? join(ROOT, 'target/debug/latchkey-desktop');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const DRIVER_PORT = Number(process.env.LATCHKEY_DRIVER_PORT ?? 4444);
const UI_PORT = 5173; // tauri.conf.json build.devUrl
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Polls `check` every 100 ms until it returns a truthy value or `ms` pass. */
export async function waitFor(what, check, ms = 15_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

function started(child, name) {
  const output = [];
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  child.output = () => output.join('').slice(-4000);
  child.on('error', (err) => output.push(`${name}: ${err.message}`));
  return child;
}

/** `vite preview` of ui/dist on the dev URL's port. */
export async function serveUi() {
  const child = started(
    spawn(join(ROOT, 'node_modules/.bin/vite'), ['preview', '--port', String(UI_PORT), '--strictPort', '--host', 'localhost'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'vite preview',
  );
  await waitFor(`the UI on port ${UI_PORT} (${child.output()})`, async () => (await fetch(`http://localhost:${UI_PORT}/`)).ok);
  return child;
}

/**
 * Starts tauri-driver with the app's environment (a private data dir and XDG dirs under `home`,
 * the vault key in a file, `$BROWSER` for consent) and opens a session on the app.
 */
export async function openApp({ home = mkdtempSync(join(tmpdir(), 'latchkey-gui-')), env = {} } = {}) {
  const driver = started(
    spawn('tauri-driver', ['--port', String(DRIVER_PORT), '--native-driver', '/usr/bin/WebKitWebDriver'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LATCHKEY_DATA_DIR: join(home, 'data'),
        LATCHKEY_KEYRING: 'off',
        XDG_DATA_HOME: join(home, 'xdg-data'),
        XDG_CACHE_HOME: join(home, 'xdg-cache'),
        XDG_CONFIG_HOME: join(home, 'xdg-config'),
        ...env,
      },
    }),
    'tauri-driver',
  );
  const base = `http://127.0.0.1:${DRIVER_PORT}`;
  await waitFor(`tauri-driver /status (${driver.output()})`, async () => (await fetch(`${base}/status`)).ok);
  const session = await call(base, 'POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
  });
  const app = new App(base, session.sessionId, driver, home);
  await waitFor('the UI to load', async () => (await app.script('return document.readyState')) === 'complete');
  await app.call('POST', '/window/rect', { width: 1200, height: 860 }).catch(() => {});
  // Without a keyring the app says once where the vault key is; the tests run so on purpose.
  // Dismissed, the screenshots show the app as a person with a keyring sees it.
  await app.waitForText('[data-testid=notice]', 'vault key is kept in');
  await (await app.find('[data-testid=notice] button')).click();
  await waitFor('the notice to go', async () => !(await app.exists('[data-testid=notice]')));
  return app;
}

/**
 * Opens the app, runs `steps` with it and closes it. When a step fails, the error carries the
 * window's text and a screenshot (in the test's temp home) to tell what the app showed.
 */
export async function withApp(options, steps) {
  const app = await openApp(options);
  try {
    return await steps(app);
  } catch (error) {
    const shown = await app.script('return document.body.innerText').catch(() => '(no page)');
    const png = await app.call('GET', '/screenshot').catch(() => null);
    const where = join(app.home, 'failure.png');
    if (png) writeFileSync(where, Buffer.from(png, 'base64'));
    error.message += `\n--- the window showed:\n${shown}\n--- screenshot: ${png ? where : 'none'}\n--- driver:\n${app.driver.output()}`;
    throw error;
  } finally {
    await app.close();
  }
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(`${method} ${path}: ${json.value?.error ?? response.status} ${json.value?.message ?? ''}`);
    error.webdriver = json.value?.error;
    throw error;
  }
  return json.value;
}

export class App {
  constructor(base, id, driver, home) {
    Object.assign(this, { base, id, driver, home });
  }

  call(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  script(source, ...args) {
    return this.call('POST', '/execute/sync', { script: source, args });
  }

  /** The first element matching `css` once it exists. */
  async find(css, ms) {
    return waitFor(`an element matching ${css}`, async () => {
      const found = await this.call('POST', '/elements', { using: 'css selector', value: css });
      return found.length ? new Element(this, found[0][ELEMENT], css) : null;
    }, ms);
  }

  async findAll(css) {
    const found = await this.call('POST', '/elements', { using: 'css selector', value: css });
    return found.map((f) => new Element(this, f[ELEMENT], css));
  }

  async exists(css) {
    return (await this.findAll(css)).length > 0;
  }

  /** Waits until an element matching `css` has text containing `text`. */
  async waitForText(css, text, ms) {
    return waitFor(`“${text}” in ${css}`, async () => {
      for (const el of await this.findAll(css)) {
        if ((await el.text()).includes(text)) return el;
      }
      return null;
    }, ms);
  }

  /** Saves a PNG of the window to docs/screenshots/NAME.png. */
  async screenshot(name) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // WebKit hands out the last painted frame: let the page paint what the DOM now holds.
    await this.call('POST', '/execute/async', {
      script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 400)));',
      args: [],
    });
    const png = await this.call('GET', '/screenshot');
    const path = join(SCREENSHOTS, `${name}.png`);
    writeFileSync(path, Buffer.from(png, 'base64'));
    return path;
  }

  async close() {
    await this.call('DELETE', '').catch(() => {});
    this.driver.kill();
    await new Promise((done) => (this.driver.exitCode !== null ? done() : this.driver.once('exit', done)));
  }
}

class Element {
  constructor(app, id, css) {
    Object.assign(this, { app, id, css });
  }

  call(method, path, body) {
    return this.app.call(method, `/element/${this.id}${path}`, body);
  }

  /** Clicks the element, first scrolled to the middle of its pane (clear of the sticky footer). */
  async click() {
    await this.app.script("arguments[0].scrollIntoView({ block: 'center' })", { [ELEMENT]: this.id });
    await this.call('POST', '/click', {});
  }

  async type(text) {
    await this.call('POST', '/value', { text });
  }

  async clear() {
    await this.call('POST', '/clear', {});
  }

  /** Replaces the field's value (React sees the input events). */
  async fill(text) {
    await this.clear();
    await this.type(text);
  }

  text() {
    return this.call('GET', '/text');
  }

  async scrollIntoView() {
    await this.app.script("arguments[0].scrollIntoView({ block: 'start' })", { [ELEMENT]: this.id });
  }

  value() {
    return this.call('GET', '/property/value');
  }

  attribute(name) {
    return this.call('GET', `/attribute/${name}`);
  }

  /** Chooses the option with `value` in a <select>. */
  async select(value) {
    await this.app.script(
      `const el = arguments[0];
       Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(el, arguments[1]);
       el.dispatchEvent(new Event('change', { bubbles: true }));`,
      { [ELEMENT]: this.id },
      value,
    );
  }
}
