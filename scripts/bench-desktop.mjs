#!/usr/bin/env node
// The desktop benchmark (issue 5, items 4 and 6): Latchkey's release app side by side with an
// empty Tauri 2 app built the same way (scripts/desktop-floor/, the floor), and a 50 MB JSON
// response in Latchkey's request tester. Figures only: nothing here passes or fails on speed.
//
//   node scripts/bench-desktop.mjs [--runs N] [--large-runs N] [--idle-ms MS]
//
// Run by scripts/bench.sh, which first builds both release apps (`npx tauri build --bundles deb`,
// the floor's with CARGO_TARGET_DIR at the root's target/) and the `latchkey` CLI, and runs this
// under `dbus-run-session -- xvfb-run -a` with stdin from /dev/null.
//
// - Start-up: from the WebDriver new-session request (tauri-driver and WebKitWebDriver already
//   running; the request makes WebKitWebDriver launch the app) until the page holds what a person
//   waits for, rendered and hit-testable: Latchkey's datasource list with all its rows (a vault of
//   20 datasources made with the `latchkey` CLI), the floor's one button. Both are polled with the
//   same script. One warm-up launch each, then N interleaved launches; medians.
// - Idle memory: PSS (/proc/PID/smaps_rollup) summed over the app process and every process it
//   started (WebKit's web and network processes), after IDLE_MS with nothing happening, each
//   launch; medians. USS (private pages) beside it: PSS shares WebKit's library pages with any
//   other WebKit process on the machine, so it moves with what else runs; USS does not.
// - .deb sizes of both bundles.
// - Large response: a local HTTP server on 127.0.0.1 serves a 50 MB JSON body; the tester sends
//   a request for it through a datasource without auth. The time is measured in the page, from
//   the click on Send to the first frame painted after the status and the body preview are in the
//   DOM. Memory is sampled every SAMPLE_MS over the app's process tree (PSS and RSS) from before
//   the click until a second after the response is shown; the peak less the idle figure just
//   before the click is the growth. VmHWM (peak RSS) of each process is read at the end.
//
// Ports: tauri-driver on $LATCHKEY_DRIVER_PORT (4450 here) and WebKitWebDriver on
// $LATCHKEY_NATIVE_PORT (4451 here), clear of the GUI tests' 4444/4445.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

process.env.LATCHKEY_DRIVER_PORT ??= '4450';
process.env.LATCHKEY_NATIVE_PORT ??= '4451';
const { App, DRIVER_PORT, NATIVE_PORT, ROOT, call, startDriver: startAppDriver, stop: stopAppDriver, waitFor } = await import('../tests/gui/webdriver.mjs');

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = option('runs', 10);
const LARGE_RUNS = option('large-runs', 3);
const IDLE_MS = option('idle-ms', 5000);
const SAMPLE_MS = 25;
const BODY_BYTES = 50_000_000;
const DATASOURCES = 20;

const RELEASE = join(ROOT, 'target/release');
const DEBS = join(RELEASE, 'bundle/deb');
const CLI = process.env.LATCHKEY_CLI ?? join(RELEASE, 'latchkey');
const LATCHKEY = {
  name: 'latchkey',
  binary: join(RELEASE, 'latchkey-desktop'),
  deb: 'Latchkey_',
  // Every row of the list, rendered and hit-testable.
  ready: ['[data-testid=datasource-item]', DATASOURCES],
};
const FLOOR = { name: 'floor', binary: join(RELEASE, 'desktop-floor'), deb: 'desktop-floor_', ready: ['#floor-ready', 1] };

// Polled until true: at least `count` elements match, and the first one is laid out and is what a
// click at its centre would reach.
const READY = `
  const [selector, count] = arguments;
  const found = document.querySelectorAll(selector);
  if (found.length < count) return false;
  const box = found[0].getBoundingClientRect();
  if (box.width === 0 || box.height === 0 || found[0].disabled) return false;
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  // When ready: the page's clock (ms since the epoch) and when its navigation began.
  return hit !== null && found[0].contains(hit) && [performance.timeOrigin, performance.timeOrigin + performance.now()];
`;

// Installed before Send is clicked: the click's time, then the first frame painted once the
// status (200) and the body preview are in the DOM.
const PROBE = `
  const probe = (window.__bench = { clicked: null, shown: null, laidOut: null, painted: null });
  document.addEventListener('click', (event) => {
    if (probe.clicked === null && event.target.closest('[data-testid=send]')) probe.clicked = performance.now();
  }, true);
  const shown = () => {
    const status = document.querySelector('[data-testid=response-status]');
    const body = document.querySelector('[data-testid=response-body] pre.body-text');
    return status !== null && status.textContent.includes('200') && body !== null && body.textContent.length > 0;
  };
  const observer = new MutationObserver(() => {
    if (probe.clicked === null || probe.shown !== null || !shown()) return;
    probe.shown = performance.now();
    observer.disconnect();
    // Forces the layout the frame would do anyway, to tell layout from painting.
    document.querySelector('[data-testid=response-body] pre.body-text').getBoundingClientRect();
    probe.laidOut = performance.now();
    requestAnimationFrame(() => setTimeout(() => { probe.painted = performance.now(); }, 0));
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
`;

const MiB = 1024 * 1024;
const mib = (bytes) => (bytes / MiB).toFixed(1);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---- processes ------------------------------------------------------------------------------

function processTable() {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parents.set(Number(name), Number(fields[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  return parents;
}

function descendants(pid, parents = processTable()) {
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const alive = (pid) => processTable().has(pid);
const comm = (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

/** The app's process: the one running `binary` among tauri-driver's descendants. */
function appPid(driverPid, binary) {
  return descendants(driverPid).find((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '') === binary;
    } catch {
      return false;
    }
  });
}

/** kB fields of /proc/PID/smaps_rollup or /proc/PID/status, in bytes. */
function kbFields(path, names) {
  const text = readFileSync(path, 'utf8');
  return Object.fromEntries(names.map((name) => [name, Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024]));
}

/**
 * PSS, RSS and USS (private pages) of the app and every process under it, in bytes, with each
 * process's share. PSS splits shared pages (WebKit's libraries) among every process mapping
 * them, so it drifts with whatever else runs WebKit on the machine; USS does not.
 */
function treeMemory(pid, tree = [pid, ...descendants(pid)]) {
  const total = { pss: 0, rss: 0, uss: 0, processes: [] };
  for (const p of tree) {
    try {
      const { Pss, Rss, Private_Clean, Private_Dirty } = kbFields(`/proc/${p}/smaps_rollup`, ['Pss', 'Rss', 'Private_Clean', 'Private_Dirty']);
      total.pss += Pss;
      total.rss += Rss;
      total.uss += Private_Clean + Private_Dirty;
      total.processes.push({ pid: p, name: comm(p), pss: Pss, rss: Rss });
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

// ---- tauri-driver and the apps ----------------------------------------------------------------

async function portFree(port) {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

async function startDriver(home) {
  for (const port of [DRIVER_PORT, Number(NATIVE_PORT)]) {
    if (!(await portFree(port))) throw new Error(`port ${port} is taken: set LATCHKEY_DRIVER_PORT / LATCHKEY_NATIVE_PORT`);
  }
  return { ...(await startAppDriver(home)), home };
}

/** Launches `target` in a new session and waits until it is ready; the time it took. */
async function launch(drv, target) {
  const begun = performance.now();
  const epoch = performance.timeOrigin + begun;
  const session = await call(drv.base, 'POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: target.binary } } },
  });
  const app = new App(drv.base, session.sessionId, drv.driver, drv.home);
  const deadline = Date.now() + 60_000;
  let page;
  while (!(page = await app.script(READY, ...target.ready).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${target.name} was not ready after 60 s: ${await app.script('return document.body.innerText').catch((e) => e.message)}`);
    await sleep(5);
  }
  const ms = performance.now() - begun;
  // The split, by the page's clock: until its navigation began (process start, Tauri, the
  // webview), then until it was ready (HTML, scripts, IPC, render).
  app.split = { beforePage: page[0] - epoch, inPage: page[1] - page[0] };
  app.pid = appPid(drv.driver.pid, target.binary);
  if (!app.pid) throw new Error(`no process running ${target.binary} under tauri-driver`);
  return { app, ms, split: app.split };
}

/** Ends the session and waits for the app's processes to go (killing what lingers). */
async function quit(app) {
  const tree = [app.pid, ...descendants(app.pid)];
  await app.call('DELETE', '').catch(() => {});
  try {
    await waitFor('the app to exit', async () => !alive(app.pid), 10_000);
  } catch {
    for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await waitFor('the app’s WebKit processes to exit', async () => tree.every((pid) => !alive(pid)), 10_000).catch(() => {});
}

// ---- the vault and the large body ---------------------------------------------------------------

function datasources(bigUrl) {
  const auths = [
    { type: 'none' },
    { type: 'basic', username: 'reporter', password: 'bench-password' },
    { type: 'apiKey', key: 'X-Api-Key', value: 'bench-key', addTo: 'header', headerPrefix: '' },
    { type: 'bearer', token: 'bench-token' },
    {
      type: 'oauth2',
      grantType: 'client_credentials',
      accessTokenUrl: 'http://127.0.0.1:9/token',
      clientId: 'bench',
      clientSecret: 'bench-secret',
      clientAuthentication: 'body',
      scopes: ['api:read'],
    },
  ];
  const list = [{ name: 'Big response', url: bigUrl, auth: { type: 'none' } }];
  for (let i = 1; list.length < DATASOURCES; i++) {
    list.push({
      name: `Service ${String(i).padStart(2, '0')}`,
      url: `https://api${i}.example.test/v1`,
      headers: [{ key: 'Accept', value: 'application/json' }],
      queryParams: [],
      auth: auths[i % auths.length],
    });
  }
  return list;
}

function fillVault(home, bigUrl) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: cargo build --release --locked -p latchkey-cli`);
  for (const datasource of datasources(bigUrl)) {
    const run = spawnSync(CLI, ['datasource', 'import', '-'], {
      input: JSON.stringify(datasource),
      env: { ...process.env, LATCHKEY_DATA_DIR: join(home, 'data'), LATCHKEY_KEYRING: 'off' },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`latchkey datasource import failed: ${run.stderr}`);
  }
}

/** A JSON array of records, exactly `bytes` long. */
function bigJson(bytes) {
  const parts = ['['];
  let size = 2;
  for (let i = 0; ; i++) {
    const item = JSON.stringify({
      id: i,
      name: `item ${i}`,
      email: `user${i}@example.test`,
      active: i % 3 === 0,
      score: ((i * 7919) % 10000) / 100,
      tags: ['alpha', 'beta', 'gamma'],
    });
    if (size + item.length + 1 + 20 > bytes) break;
    parts.push(i ? `,${item}` : item);
    size += item.length + (i ? 1 : 0);
  }
  const pad = bytes - size - ',{"pad":""}'.length;
  parts.push(`,{"pad":"${'x'.repeat(pad)}"}`, ']');
  const body = Buffer.from(parts.join(''));
  if (body.length !== bytes) throw new Error(`the JSON body is ${body.length} bytes, not ${bytes}`);
  return body;
}

async function serveBig(body) {
  const server = createHttpServer((request, response) => {
    if (request.url === '/big.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not found"}');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

// ---- the measurements -----------------------------------------------------------------------------

async function startupRun(drv, target) {
  const { app, ms } = await launch(drv, target);
  try {
    await sleep(IDLE_MS);
    return { ms, split: app.split, memory: treeMemory(app.pid) };
  } finally {
    await quit(app);
  }
}

/** Samples the tree's PSS and RSS every SAMPLE_MS until stopped; the peaks. */
function sampler(pid) {
  const peak = { pss: 0, rss: 0, samples: 0, slowest: 0 };
  let tree = [pid, ...descendants(pid)];
  let last = performance.now();
  const timer = setInterval(() => {
    const start = performance.now();
    if (start - last > 500) {
      tree = [pid, ...descendants(pid)];
      last = start;
    }
    const now = treeMemory(pid, tree);
    peak.pss = Math.max(peak.pss, now.pss);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.samples += 1;
    peak.slowest = Math.max(peak.slowest, performance.now() - start);
  }, SAMPLE_MS);
  return { peak, stop: () => clearInterval(timer) };
}

async function largeRun(drv) {
  const { app } = await launch(drv, LATCHKEY);
  try {
    await (await app.waitForText('[data-testid=datasource-item]', 'Big response')).click();
    await (await app.find('[data-testid=tab-requests]')).click();
    await (await app.find('[data-testid=request-path]')).fill('/big.json');
    await app.find('[data-testid=send]:not([disabled])');
    await sleep(IDLE_MS);
    const idle = treeMemory(app.pid);
    const appIdle = kbFields(`/proc/${app.pid}/status`, ['VmRSS']).VmRSS;
    await app.script(PROBE);
    const { peak, stop } = sampler(app.pid);
    const clicked = performance.now();
    await (await app.find('[data-testid=send]')).click();
    let probe;
    const deadline = Date.now() + 120_000;
    while (!(probe = await app.script('return window.__bench')).painted) {
      if (Date.now() > deadline) throw new Error(`no response shown after 120 s: ${await app.script('return document.body.innerText')}`);
      await sleep(10);
    }
    const outside = performance.now() - clicked;
    await sleep(1000);
    stop();
    const hwm = [app.pid, ...descendants(app.pid)].map((pid) => ({ pid, name: comm(pid), ...kbFields(`/proc/${pid}/status`, ['VmHWM', 'VmRSS']) }));
    const size = await (await app.find('[data-testid=response-size]')).text();
    const truncated = await app.exists('[data-testid=truncated-note]');
    const previewChars = await app.script("return document.querySelector('[data-testid=response-body] pre.body-text').textContent.length");
    return { inPage: probe.painted - probe.clicked, toDom: probe.shown - probe.clicked, toLayout: probe.laidOut - probe.clicked, outside, idle, appIdle, peak, hwm, size, truncated, previewChars };
  } finally {
    await quit(app);
  }
}

function debSize(prefix) {
  const name = readdirSync(DEBS).find((file) => file.startsWith(prefix) && file.endsWith('.deb'));
  if (!name) throw new Error(`no ${prefix}*.deb in ${DEBS}: build it first (see scripts/bench.sh)`);
  return statSync(join(DEBS, name)).size;
}

async function main() {
  for (const target of [LATCHKEY, FLOOR]) {
    if (!existsSync(target.binary)) throw new Error(`${target.binary} is missing: build it first (see scripts/bench.sh)`);
  }
  const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-desktop-'));
  mkdirSync(join(home, 'data'), { recursive: true });
  const body = bigJson(BODY_BYTES);
  const server = await serveBig(body);
  const bigUrl = `http://127.0.0.1:${server.address().port}`;
  fillVault(home, bigUrl);
  const drv = await startDriver(home);
  try {
    const debs = { latchkey: debSize(LATCHKEY.deb), floor: debSize(FLOOR.deb) };
    console.log(`.deb: latchkey ${mib(debs.latchkey)} MiB, floor ${mib(debs.floor)} MiB`);

    console.log(`start-up and idle PSS: ${RUNS} interleaved launches each after a warm-up, ${DATASOURCES} datasources in Latchkey's vault, ${IDLE_MS} ms idle`);
    await startupRun(drv, FLOOR);
    await startupRun(drv, LATCHKEY);
    const runs = { latchkey: [], floor: [] };
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 ? [LATCHKEY, FLOOR] : [FLOOR, LATCHKEY];
      for (const target of order) runs[target.name].push(await startupRun(drv, target));
      const [l, f] = [runs.latchkey.at(-1), runs.floor.at(-1)];
      const split = (r) => `${r.ms.toFixed(0)} ms (page began at ${r.split.beforePage.toFixed(0)}, ready ${r.split.inPage.toFixed(0)} later)`;
      console.log(
        `  run ${i + 1}: start latchkey ${split(l)}, floor ${split(f)}; ` +
          `PSS latchkey ${mib(l.memory.pss)} MiB, floor ${mib(f.memory.pss)} MiB; USS latchkey ${mib(l.memory.uss)} MiB, floor ${mib(f.memory.uss)} MiB`,
      );
    }
    for (const name of ['latchkey', 'floor']) {
      const last = runs[name].at(-1).memory.processes;
      console.log(`  ${name} processes (last run): ${last.map((p) => `${p.name} ${mib(p.pss)}`).join(', ')} MiB PSS`);
    }
    const start = { latchkey: median(runs.latchkey.map((r) => r.ms)), floor: median(runs.floor.map((r) => r.ms)) };
    const part = (name, key) => median(runs[name].map((r) => r.split[key]));
    console.log(
      `  medians: page began after latchkey ${part('latchkey', 'beforePage').toFixed(0)} ms, floor ${part('floor', 'beforePage').toFixed(0)} ms; ` +
        `ready in the page after latchkey ${part('latchkey', 'inPage').toFixed(0)} ms, floor ${part('floor', 'inPage').toFixed(0)} ms`,
    );
    const pss = { latchkey: median(runs.latchkey.map((r) => r.memory.pss)), floor: median(runs.floor.map((r) => r.memory.pss)) };
    const uss = { latchkey: median(runs.latchkey.map((r) => r.memory.uss)), floor: median(runs.floor.map((r) => r.memory.uss)) };

    console.log(`large response: ${BODY_BYTES} bytes of JSON from ${bigUrl}/big.json, ${LARGE_RUNS} launches`);
    const large = [];
    for (let i = 0; i < LARGE_RUNS; i++) {
      const run = await largeRun(drv);
      large.push(run);
      console.log(
        `  run ${i + 1}: shown ${run.inPage.toFixed(0)} ms after the click (in the DOM at ${run.toDom.toFixed(0)} ms, laid out at ${run.toLayout.toFixed(0)} ms, seen over WebDriver at ${run.outside.toFixed(0)} ms); ` +
          `size shown “${run.size}”, truncated note ${run.truncated ? 'shown' : 'MISSING'}, preview ${run.previewChars} characters; ` +
          `PSS idle ${mib(run.idle.pss)} → peak ${mib(run.peak.pss)} MiB, RSS idle ${mib(run.idle.rss)} → peak ${mib(run.peak.rss)} MiB ` +
          `(${run.peak.samples} samples, slowest ${run.peak.slowest.toFixed(0)} ms); ` +
          `VmHWM ${run.hwm.map((p) => `${p.name} ${mib(p.VmHWM)}`).join(', ')} MiB; app VmRSS idle ${mib(run.appIdle)} MiB`,
      );
    }
    const summary = [
      `start-up (median of ${RUNS}): latchkey ${start.latchkey.toFixed(0)} ms, floor ${start.floor.toFixed(0)} ms: ${(start.latchkey / start.floor).toFixed(2)}× (target ≤ 1.2×)`,
      `idle PSS (median of ${RUNS}): latchkey ${mib(pss.latchkey)} MiB, floor ${mib(pss.floor)} MiB: +${mib(pss.latchkey - pss.floor)} MiB (target ≤ +40 MB); ` +
        `USS latchkey ${mib(uss.latchkey)} MiB, floor ${mib(uss.floor)} MiB: +${mib(uss.latchkey - uss.floor)} MiB`,
      `.deb: latchkey ${mib(debs.latchkey)} MiB (target ≤ 15 MiB), floor ${mib(debs.floor)} MiB`,
    ];
    const rows = [
      [`desktop: start-up to an interactive list, median of ${RUNS}, latchkey / floor`, `${start.latchkey.toFixed(0)} ms / ${start.floor.toFixed(0)} ms (${(start.latchkey / start.floor).toFixed(2)}×)`],
      [`desktop: idle PSS, app + WebKit processes, latchkey / floor`, `${mib(pss.latchkey)} MiB / ${mib(pss.floor)} MiB (+${mib(pss.latchkey - pss.floor)} MiB)`],
      [`desktop: idle USS (private), app + WebKit processes, latchkey / floor`, `${mib(uss.latchkey)} MiB / ${mib(uss.floor)} MiB (+${mib(uss.latchkey - uss.floor)} MiB)`],
      [`desktop: .deb, latchkey / floor`, `${mib(debs.latchkey)} MiB / ${mib(debs.floor)} MiB`],
    ];
    if (large.length) {
      const shown = median(large.map((r) => r.inPage));
      const growthPss = Math.max(...large.map((r) => r.peak.pss - r.idle.pss));
      const growthRss = Math.max(...large.map((r) => r.peak.rss - r.idle.rss));
      const appHwm = Math.max(...large.map((r) => r.hwm[0].VmHWM));
      const appHwmGrowth = Math.max(...large.map((r) => r.hwm[0].VmHWM - r.appIdle));
      const webHwm = Math.max(...large.map((r) => Math.max(0, ...r.hwm.filter((p) => p.name.startsWith('WebKitWebProces')).map((p) => p.VmHWM))));
      summary.push(
        `50 MB JSON: shown in ${shown.toFixed(0)} ms (median of ${LARGE_RUNS}); peak growth (largest of ${LARGE_RUNS}) PSS ${mib(growthPss)} MiB, RSS ${mib(growthRss)} MiB = ` +
          `${(growthPss / BODY_BYTES).toFixed(2)}× the body (target < 3×); VmHWM app ${mib(appHwm)} MiB (+${mib(appHwmGrowth)} over its idle RSS), web process ${mib(webHwm)} MiB`,
      );
      rows.push(
        [`desktop: 50 MB JSON in the tester, Send to shown, median of ${LARGE_RUNS}`, `${shown.toFixed(0)} ms`],
        [`desktop: 50 MB JSON, peak growth PSS / RSS (app + WebKit)`, `${mib(growthPss)} MiB / ${mib(growthRss)} MiB (${(growthPss / BODY_BYTES).toFixed(2)}× the body)`],
        [`desktop: 50 MB JSON, VmHWM app / web process`, `${mib(appHwm)} MiB / ${mib(webHwm)} MiB`],
      );
    }
    console.log();
    for (const line of summary) console.log(line);
    console.log();
    for (const [name, figure] of rows) console.log(`| ${name} | ${figure} |`);
  } finally {
    await stopAppDriver(drv.driver);
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
