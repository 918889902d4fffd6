// Drag-feedback benchmark in the real window: the built `rota-app` in WebKitGTK under Xvfb,
// driven through WebDriver (tauri-driver + WebKitWebDriver, as tests/app/run.mjs), on a database
// of 2,100 visits / 300 technicians (`rota generate` → `rota import problem` → `rota batch`).
// It presses on a visit block and moves the pointer over other lanes and times (one WebDriver
// pointer move at a time, waiting for each to be answered); the board records, for every move
// that changes the target, the time from the pointer event to the frame that shows the ghost
// (`rota:drag-ghost`) and the feasibility from the backend's `check_move` (`rota:drag-feedback`),
// and its own handler time (`rota:drag-work`) — User Timing measures read back with
// executeScript. Prints median / p95 / max as JSON. A benchmark, not a test: nothing is asserted
// about time (docs/benchmarks.md "Board fluidity").
//
// Usage (after `npm run build` in ui/ and `cargo build --workspace`):
//   xvfb-run -a -s '-screen 0 1600x1000x24' node tests/app/drag-bench.mjs [path/to/rota-app] [--moves N] [--release]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const MOVES = Number(flag('--moves') ?? 60);
const profile = args.includes('--release') ? (args.splice(args.indexOf('--release'), 1), 'release') : 'debug';
const app = resolve(args[0] ?? join(root, `target/${profile}/rota-app`));
const rota = join(root, `target/${profile}/rota`);
const port = Number(process.env.ROTA_WEBDRIVER_PORT ?? 4564);
const base = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function fail(msg) { throw new Error(msg); }
function which(cmd, extra = []) {
  for (const p of [...extra, ...(process.env.PATH ?? '').split(':').map((d) => join(d, cmd))]) if (existsSync(p)) return p;
  return null;
}
for (const f of [app, rota]) if (!existsSync(f)) fail(`${f} does not exist: build the UI and the workspace first`);
if (!process.env.DISPLAY) fail('no DISPLAY: run under xvfb-run');
const tauriDriver = which('tauri-driver', [join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin/tauri-driver')]);
const nativeDriver = which('WebKitWebDriver');
if (!tauriDriver || !nativeDriver) fail('tauri-driver and WebKitWebDriver are needed (scripts/setup.sh)');

// ---- the database: 2,100 visits / 300 technicians, planned by the nightly batch -------------
const work = mkdtempSync(join(tmpdir(), 'rota-drag-bench-'));
const db = join(work, 'rota.db');
const run = (...a) => execFileSync(rota, a, { stdio: ['ignore', 'ignore', 'inherit'] });
const t0 = Date.now();
run('generate', '--visits', '2100', '--technicians', '300', '--seed', '1', '-o', join(work, 'problem.json'));
run('import', '--db', db, 'problem', join(work, 'problem.json'));
run('batch', '--db', db, '--time-limit', process.env.ROTA_BENCH_BATCH_SECONDS ?? '60');
console.error(`drag-bench: database of 2,100 visits / 300 technicians planned in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

// Software rendering as the real-window test (no GPU under Xvfb); ROTA_BENCH_COMPOSITING=1 keeps
// WebKitGTK's accelerated compositing (on Mesa's software OpenGL) to compare.
const compositing = process.env.ROTA_BENCH_COMPOSITING === '1';
const env = { ...process.env, ROTA_DB: db, LIBGL_ALWAYS_SOFTWARE: '1', ...(compositing ? {} : { WEBKIT_DISABLE_COMPOSITING_MODE: '1' }) };
const driver = spawn(tauriDriver, ['--port', String(port), '--native-port', String(port + 1), '--native-driver', nativeDriver], {
  env, stdio: ['ignore', 'ignore', 'inherit'],
});
let session = null;
async function wd(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(90000),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) fail(`WebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 300)}`);
  return json.value;
}
const s = (path) => `/session/${session}${path}`;
const exec = (script, a = []) => wd('POST', s('/execute/sync'), { script, args: a });
async function waitFor(what, fn, timeoutMs = 60000) {
  const start = Date.now();
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() - start > timeoutMs) fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
const q = (xs, p) => { const v = [...xs].sort((a, b) => a - b); return v.length ? Math.round(v[Math.min(v.length - 1, Math.floor(p * v.length))] * 10) / 10 : null; };

try {
  await waitFor('tauri-driver', async () => (await fetch(`${base}/status`)).ok, 20000);
  session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application: app } } } })).sessionId;
  await wd('POST', s('/window/rect'), { width: 1440, height: 900 }).catch(() => {});
  await waitFor('the board', async () => (await exec('return document.querySelectorAll("[data-testid=block]").length')) > 10, 180000);
  const info = await wd('POST', s('/execute/async'), { args: [], script: `const done = arguments[arguments.length - 1];
    window.__TAURI__.core.invoke('load_problem').then((p) => done({ visits: p.visits.length, techs: p.technicians.length,
      lanes_in_dom: document.querySelectorAll('[data-testid=lane]').length }), (e) => done({ error: String(e) }));` });
  // A block near the top-left of the board, and its centre in viewport coordinates.
  const down = await exec(`const b = [...document.querySelectorAll('[data-testid=block]')].find((x) => x.getBoundingClientRect().width > 8);
    const r = b.getBoundingClientRect(); return { x: Math.round(r.left + 4), y: Math.round(r.top + r.height / 2), visit: b.dataset.visit }`);
  const mouse = (actions) => wd('POST', s('/actions'), { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] });
  const to = (x, y) => ({ type: 'pointerMove', origin: 'viewport', x, y, duration: 0 });
  await mouse([to(down.x, down.y), { type: 'pointerDown', button: 0 }, to(down.x + 12, down.y + 3)]);
  const n = () => exec(`return performance.getEntriesByName('rota:drag-feedback').length`);
  let skipped = 0;
  for (let i = 1; i <= MOVES; i++) {
    const before = await n();
    await mouse([to(down.x + 14 + (i % 20) * 23, down.y + (i % 7) * 34)]);
    try { await waitFor('feedback', async () => (await n()) > before, 5000); } catch { skipped++; }
  }
  const m = await exec(`const d = (k) => performance.getEntriesByName(k).map((e) => e.duration);
    return { feedback: d('rota:drag-feedback'), ghost: d('rota:drag-ghost'), work: d('rota:drag-work'),
      ua: navigator.userAgent }`);
  await mouse([{ type: 'pointerUp', button: 0 }]).catch(() => {});
  console.log(JSON.stringify({
    engine: `WebKitGTK (real window, Xvfb, ${compositing ? 'accelerated compositing on llvmpipe' : 'compositing off'})`, app: app.replace(root + '/', ''), ...info, moves: MOVES, unanswered_moves: skipped,
    feedback_measures: m.feedback.length,
    drag_feedback_median_ms: q(m.feedback, 0.5), drag_feedback_p95_ms: q(m.feedback, 0.95), drag_feedback_max_ms: q(m.feedback, 1),
    drag_ghost_median_ms: q(m.ghost, 0.5), drag_ghost_p95_ms: q(m.ghost, 0.95),
    drag_work_median_ms: q(m.work, 0.5), drag_work_p95_ms: q(m.work, 0.95), user_agent: m.ua,
  }));
} finally {
  if (session) await wd('DELETE', s('')).catch(() => {});
  driver.kill();
  rmSync(work, { recursive: true, force: true });
}
