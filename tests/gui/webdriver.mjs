// The real desktop app under WebDriver, for Latchkey's GUI tests: tauri-driver in front of
// WebKitWebDriver, a plain W3C WebDriver client over fetch, and the pieces every test needs
// (the app's UI served from ui/dist on the dev URL, a private data directory, screenshots).
//
// The app binary is the debug build that `cargo test --workspace` makes (no second Tauri build
// variant); it loads its UI from `build.devUrl` (http://localhost:5173), where `vite preview`
// serves the production bundle built by `vite build`.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APP = process.env.LATCHKEY_APP ?? join(ROOT, 'target/debug/latchkey-desktop');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const DRIVER_PORT = Number(process.env.LATCHKEY_DRIVER_PORT ?? 4444);
// WebKitWebDriver's own port (tauri-driver's default 4445 unless set), for two drivers side by side.
export const NATIVE_PORT = process.env.LATCHKEY_NATIVE_PORT;
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

export function started(child, name) {
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
  // A driver still on the port (left by a run that did not end) would serve this session with
  // its own environment and app: refuse instead.
  const stale = await fetch(`http://127.0.0.1:${DRIVER_PORT}/status`).then(() => true, () => false);
  if (stale) throw new Error(`a WebDriver server already answers on port ${DRIVER_PORT}: a tauri-driver left running?`);
  const { driver, base } = await startDriver(home, env);
  let app;
  try {
    const session = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
    });
    app = new App(base, session.sessionId, driver, home);
    await waitFor('the UI to load', async () => (await app.script('return document.readyState')) === 'complete');
    await app.recordIpc();
    await app.call('POST', '/window/rect', { width: 1200, height: 860 }).catch(() => {});
    // Without a keyring the app says once where the vault key is; the tests run so on purpose.
    // Dismissed, the screenshots show the app as a person with a keyring sees it.
    await app.waitForText('[data-testid=notice]', 'vault key is kept in');
    await (await app.find('[data-testid=notice] button')).click();
    await waitFor('the notice to go', async () => !(await app.exists('[data-testid=notice]')));
    return app;
  } catch (error) {
    // Not half open: the session and the driver go, so the next test starts clean.
    error.message += `\n--- driver:\n${driver.output()}`;
    if (app) await app.close();
    else await stop(driver);
    throw error;
  }
}

/** Stops a tauri-driver (and with it WebKitWebDriver). */
export async function stop(driver) {
  driver.kill();
  await new Promise((done) => (driver.exitCode !== null || driver.signalCode !== null ? done() : driver.once('exit', done)));
}

/**
 * tauri-driver in front of WebKitWebDriver on DRIVER_PORT (and NATIVE_PORT when set), with the
 * app's environment for `home`: a private data dir and XDG dirs, the vault key in a file, plus
 * `env`. Resolves once it answers `/status`.
 */
export async function startDriver(home, env = {}) {
  const driver = started(
    spawn('tauri-driver', ['--port', String(DRIVER_PORT), '--native-driver', '/usr/bin/WebKitWebDriver', ...(NATIVE_PORT ? ['--native-port', NATIVE_PORT] : [])], {
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
  try {
    await waitFor(`tauri-driver /status (${driver.output()})`, async () => (await fetch(`${base}/status`)).ok, 30_000);
  } catch (error) {
    await stop(driver);
    throw error;
  }
  return { driver, base };
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

/**
 * Runs in the window (WebDriver's execute script, the page's own JavaScript world) and records
 * everything the app hands to the UI's JavaScript from then on.
 *
 * Tauri 2 (scripts/core.js of the `tauri` crate) delivers every command's result, every
 * rejection, every event to a listener and every channel message the same way: Rust (or the
 * IPC fetch's response handler) calls `__TAURI_INTERNALS__.runCallback(id, data)`, which looks
 * the JavaScript callback up with `__TAURI_INTERNALS__.callbacks.get(id)`. `invoke`,
 * `runCallback` and `transformCallback` are read-only properties, but `callbacks` is a plain Map:
 * an own `get` on it returns each callback wrapped so the data is recorded as it is delivered.
 * The lookup happens at delivery, so listeners registered before the recorder (the UI's
 * `listen` calls at start-up) are covered too. Which command a callback id belongs to comes
 * from the IPC request itself: `invoke` posts `ipc://localhost/<command>` with `window.fetch`,
 * the callback and error ids in the `Tauri-Callback` and `Tauri-Error` headers. (Should the
 * custom protocol fail, Tauri falls back to `window.ipc.postMessage`, which wry makes read-only
 * in WebKitGTK: those answers are still recorded and checked, only without a command name.)
 * Events are `{ event, payload, id }`; channel messages `{ index, message | end }`. What was
 * delivered before the recorder was installed is not seen: `recordIpc` re-fetches it.
 */
const IPC_RECORDER = `
  const internals = window.__TAURI_INTERNALS__;
  if (!internals || !(internals.callbacks instanceof Map)) return 'no __TAURI_INTERNALS__.callbacks in the window';
  if (window.__latchkeyIpc) return 'installed';
  const recorder = { payloads: [], sent: new Map(), sweeping: false, unattributed: 0 };
  const text = (data) => {
    if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
    if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
    try {
      return JSON.stringify(data, (_key, value) => (value instanceof ArrayBuffer ? new TextDecoder().decode(value) : value)) ?? String(data);
    } catch (error) {
      return String(data);
    }
  };
  const sent = (cmd, callback, error) => {
    const source = recorder.sweeping ? 'sweep' : 'ui';
    recorder.sent.set(Number(callback), { cmd, outcome: 'resolved', source, other: Number(error) });
    recorder.sent.set(Number(error), { cmd, outcome: 'rejected', source, other: Number(callback) });
  };
  const record = (id, data) => {
    const request = recorder.sent.get(id);
    let entry;
    if (request) {
      recorder.sent.delete(id);
      recorder.sent.delete(request.other);
      entry = { kind: request.outcome, name: request.cmd, source: request.source };
    } else if (data && typeof data === 'object' && typeof data.event === 'string' && 'payload' in data) {
      entry = { kind: 'event', name: data.event, source: 'app' };
    } else if (data && typeof data === 'object' && 'index' in data && ('message' in data || 'end' in data)) {
      entry = { kind: 'channel', name: 'channel ' + id, source: 'app' };
    } else {
      recorder.unattributed += 1;
      entry = { kind: 'callback', name: 'a call the recorder did not see sent', source: 'ui' };
    }
    entry.text = text(data);
    recorder.payloads.push(entry);
  };
  const lookup = Map.prototype.get;
  Object.defineProperty(internals.callbacks, 'get', {
    configurable: true,
    value(id) {
      const callback = lookup.call(this, id);
      if (typeof callback !== 'function') return callback;
      return (data) => {
        try {
          record(Number(id), data);
        } catch (error) {
          recorder.payloads.push({ kind: 'callback', name: 'recorder failure', source: 'recorder', text: String(error) });
        }
        return callback(data);
      };
    },
  });
  const fetch = window.fetch;
  window.fetch = function (input, init) {
    try {
      const url = new URL(typeof input === 'string' ? input : input.url);
      if (url.protocol === 'ipc:') {
        const headers = new Headers((init && init.headers) || undefined);
        sent(decodeURIComponent(url.pathname.slice(1)), headers.get('Tauri-Callback'), headers.get('Tauri-Error'));
      }
    } catch (error) {}
    return fetch.apply(this, arguments);
  };
  const post = window.ipc && window.ipc.postMessage;
  const posting = function (message) {
    try {
      const { cmd, callback, error } = JSON.parse(message);
      if (typeof cmd === 'string') sent(cmd, callback, error);
    } catch (error) {}
    return post.apply(this, arguments);
  };
  try {
    window.ipc.postMessage = posting;
  } catch (error) {}
  // Where a hook did not take, answers come unnamed ('a call the recorder did not see sent').
  recorder.hooks = { fetch: window.fetch !== fetch, postMessage: Boolean(post) && window.ipc.postMessage === posting };
  recorder.sweep = async () => {
    recorder.sweeping = true;
    const invoke = (cmd, args) => internals.invoke(cmd, args);
    const settle = (cmd, args) => invoke(cmd, args).then(() => undefined, () => undefined);
    try {
      await settle('store_notices');
      // Every environment: each has its own effective configuration, variables and tokens.
      const environments = await invoke('list_environments');
      for (const { id: environmentId } of environments) {
        await settle('get_environment', { id: environmentId });
        const list = await invoke('list_datasources', { environmentId });
        for (const { id } of list) {
          await settle('get_datasource', { id });
          await settle('token_state', { id, environmentId });
          await settle('token_details', { id, environmentId });
          await settle('list_queries', { datasourceId: id });
          await settle('history', { datasourceId: id, before: null, limit: 100 });
        }
      }
    } finally {
      recorder.sweeping = false;
    }
  };
  Object.defineProperty(window, '__latchkeyIpc', { value: recorder });
  return 'installed';
`;

/** Processes started for the session in `home` (they have its data dir in their environment). */
function sessionProcesses(home) {
  const mark = `LATCHKEY_DATA_DIR=${join(home, 'data')}`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export async function call(base, method, path, body) {
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

  /**
   * Installs the IPC recorder in the window (see IPC_RECORDER), then has it re-fetch what the UI
   * fetched while loading, before the recorder was there.
   */
  async recordIpc() {
    const installed = await this.script(IPC_RECORDER);
    if (installed !== 'installed') throw new Error(`the IPC recorder could not be installed: ${installed}`);
    await this.sweepIpc();
  }

  /**
   * Has the recorder call the app's read-only commands the UI uses (the store notices, the list,
   * and for each datasource its settings, token state, saved requests and history), so what the
   * window could still be sent is checked as well as what it was sent.
   */
  async sweepIpc() {
    const error = await this.call('POST', '/execute/async', {
      script: 'const done = arguments[arguments.length - 1]; window.__latchkeyIpc.sweep().then(() => done(null), (e) => done(String(e)));',
      args: [],
    });
    if (error) throw new Error(`the IPC sweep failed: ${error}`);
  }

  /**
   * What the window received over IPC since the recorder was installed: `payloads` as
   * `[{ kind: 'resolved' | 'rejected' | 'event' | 'channel' | 'callback', name, source, text }]`
   * (`name` the command or event, `source` 'ui', 'sweep' or 'app', `text` the data as JSON), and
   * which request hooks took.
   */
  recordedIpc() {
    return this.script(
      'const r = window.__latchkeyIpc; return r ? { payloads: r.payloads, hooks: r.hooks, unattributed: r.unattributed } : null',
    );
  }

  async close() {
    await this.call('DELETE', '').catch(() => {});
    this.driver.kill();
    await new Promise((done) => (this.driver.exitCode !== null ? done() : this.driver.once('exit', done)));
    // An app of this session that outlived it would keep the single-instance lock, and the next
    // session's app would hand over to it and exit: give it a moment, then end it.
    await waitFor('the app to exit', async () => sessionProcesses(this.home).length === 0, 5_000).catch(() => {
      for (const pid of sessionProcesses(this.home)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    });
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

  /** Whether a checkbox is ticked. */
  checked() {
    return this.call('GET', '/property/checked');
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
