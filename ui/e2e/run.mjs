// End-to-end tests of the UI in headless Chromium (Debian `chromium` + npm `playwright-core`)
// against the mock backend, in BOTH languages, with screenshots in docs/screenshots/.
// Run with `npm run e2e` (builds ui/dist first). A tiny static server serves dist on localhost.
//
// Flows per language: first start follows navigator.language; the board renders lanes; the map
// renders the regions; dragging a visit onto an unqualified technician shows the violation and
// is refused; dragging it to a feasible slot moves it, undo puts it back; the unassigned queue
// filters and shows reasons from the catalogs; find a slot; optimize → progress → diff →
// accept → a new plan version; emergency → ranked options → dispatch; KPIs; providers; coverage
// (heat-map, map, recommendations, scenario compare); history.
// Plus: the language switch is remembered across a reload; no label is clipped; no console
// error; a load test on the sample scaled ×5 (2,100 visits, 300 technicians) with timings.
import { chromium } from 'playwright-core';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ui = path.resolve(here, '..');
const dist = path.join(ui, 'dist');
const shots = path.resolve(ui, '..', 'docs', 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const catalogs = {
  en: JSON.parse(fs.readFileSync(path.join(ui, 'src/locales/en.json'), 'utf8')),
  'zh-CN': JSON.parse(fs.readFileSync(path.join(ui, 'src/locales/zh-CN.json'), 'utf8')),
};
const msg = (lang, key) => key.split('.').reduce((o, k) => o?.[k], catalogs[lang]);

// ---- a tiny static server ---------------------------------------------------------------------
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = path.join(dist, decodeURIComponent(url.pathname));
  if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

// ---- helpers ----------------------------------------------------------------------------------
let failures = 0;
const timings = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    console.log(`  FAIL ${name}: ${e.message.split('\n')[0]}`);
  }
}
function assert(cond, what) { if (!cond) throw new Error(what); }
async function shot(page, name, { keepToasts = false } = {}) {
  if (!keepToasts) await page.evaluate(() => { globalThis.__rota.app.toasts = []; });
  await page.waitForTimeout(50);
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

/** Elements whose text is cut off (a label wider than its box with hidden overflow). */
async function clipped(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('button, th, label, .chip, .badge, legend, h2, h3, .tick')) {
      const cs = getComputedStyle(el);
      if (el.scrollWidth > el.clientWidth + 1 && cs.overflow !== 'visible') out.push(`${el.tagName.toLowerCase()}: ${el.textContent.trim().slice(0, 40)}`);
    }
    // SVG chart labels must lie inside their chart.
    for (const t of document.querySelectorAll('svg text')) {
      const b = t.getBBox();
      const vb = t.ownerSVGElement.viewBox.baseVal;
      if (b.width && (b.x < -0.5 || (vb && vb.width && b.x + b.width > vb.width + 0.5))) out.push(`svg text: ${t.textContent.slice(0, 40)}`);
    }
    return out;
  });
}

function fontCheck() {
  try {
    const out = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
    return out.trim().length > 0;
  } catch { return false; }
}

/** Drag with the mouse in small steps (the board listens to pointer events). */
async function drag(page, from, to, beforeUp) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 8, from.y + 3, { steps: 2 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.waitForTimeout(120);
  if (beforeUp) await beforeUp();
  await page.mouse.up();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

async function runLanguage(lang) {
  console.log(`e2e [${lang}]`);
  const context = await browser.newContext({ locale: lang, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) errors.push(`external request: ${r.url()}`); });
  const tag = lang === 'en' ? 'en' : 'zh-CN';

  await step('first start follows navigator.language; board renders lanes', async () => {
    await page.goto(base);
    await page.waitForSelector('[data-testid=lane]');
    assert((await page.getAttribute('html', 'lang')) === lang, 'html lang');
    assert((await page.textContent('[data-testid=tab-dispatch]')).includes(msg(lang, 'tab.dispatch')), 'tab label from the catalog');
    const lanes = await page.locator('[data-testid=lane]').count();
    const blocks = await page.locator('[data-testid=block]').count();
    assert(lanes >= 15, `lanes rendered: ${lanes}`);
    assert(blocks >= 20, `blocks rendered: ${blocks}`);
  });

  await step('map renders the regions (no tiles, no network)', async () => {
    await page.waitForSelector('.leaflet-regions-pane svg path');
    const paths = await page.locator('.leaflet-regions-pane svg path').count();
    assert(paths === 5, `region paths: ${paths}`);
    assert(await page.locator('.leaflet-overlay-pane svg path').count() >= 3, 'site markers');
    const labels = await page.locator('.region-label').allTextContents();
    assert(labels.length === 5, `region labels: ${labels.length}`);
    assert((await page.locator('.leaflet-tile').count()) === 0, 'no tiles');
  });

  await step('click a visit on the map: the board scrolls to its lane and selects it', async () => {
    const target = await page.evaluate(() => {
      const { app, map } = globalThis.__rota;
      const routes = [...app.routesOfDay.values()];
      const r = routes[routes.length - 1]; // a lane far down the board
      const v = app.visit(r.stops[0].visit);
      const p = map.latLngToContainerPoint([v.location.lat, v.location.lon]);
      const box = document.querySelector('[data-testid=map]').getBoundingClientRect();
      return { visit: v.id, tech: r.technician, x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(target.x, target.y);
    await page.waitForSelector(`[data-testid=details] >> text=${target.visit}`);
    const sel = await page.locator('[data-testid=block].sel').getAttribute('data-visit');
    assert(sel === target.visit, `selected on the board: ${sel}`);
    const lane = await page.locator(`[data-testid=lane][data-tech="${target.tech}"]`).boundingBox();
    const board = await page.locator('[data-testid=board]').boundingBox();
    assert(lane && lane.y >= board.y && lane.y + lane.height <= board.y + board.height, 'lane scrolled into view');
    await page.evaluate(() => { document.querySelector('[data-testid=board]').scrollTop = 0; });
    await page.waitForTimeout(100);
  });

  await step('select a visit on the board highlights it on the map and in the details', async () => {
    const first = page.locator('[data-testid=block]').first();
    const id = await first.getAttribute('data-visit');
    await first.click();
    await page.waitForSelector(`[data-testid=details] >> text=${id}`);
    await shot(page, `${tag}-board`);
  });

  await step('address search on the map: suggestions as you type, Enter centres the map there', async () => {
    const before = await page.evaluate(() => { const m = globalThis.__rota.map; const c = m.getCenter(); return { c: [c.lat, c.lng], z: m.getZoom() }; });
    const want = await page.evaluate(() => globalThis.__rota.app.problem.visits.some((v) => v.address?.startsWith('Lindenstraße 6')));
    assert(want, 'a sample visit on Lindenstraße 6x');
    await page.fill('[data-testid=address-search] input', 'lindenstr 6');
    await page.waitForSelector('[data-testid=address-search] li button');
    const hits = await page.locator('[data-testid=address-search] li button').allTextContents();
    assert(hits.length >= 1 && hits.every((h) => h.startsWith('Lindenstraße 6')), `suggestions: ${hits.join(' | ')}`);
    const first = hits[0];
    await page.press('[data-testid=address-search] input', 'Enter');
    await page.waitForSelector('.found-label');
    const label = await page.textContent('.found-label');
    assert(label === first, `marked: ${label}`);
    const v = await page.evaluate((l) => { const x = globalThis.__rota.app.problem.visits.find((y) => y.address === l); return { lat: x.location.lat, lon: x.location.lon }; }, first);
    const c = await page.evaluate(() => { const m = globalThis.__rota.map.getCenter(); return { lat: m.lat, lng: m.lng }; });
    assert(Math.abs(c.lat - v.lat) < 1e-4 && Math.abs(c.lng - v.lon) < 1e-4, `centred at ${c.lat},${c.lng}, want ${v.lat},${v.lon}`);
    await page.fill('[data-testid=address-search] input', 'zzzz no such street');
    await page.waitForSelector('[data-testid=address-search] li.none');
    await page.fill('[data-testid=address-search] input', '');
    await page.evaluate((b) => { globalThis.__rota.map.setView(b.c, b.z, { animate: false }); }, before);
  });

  // Pick a visit and an unqualified technician among the lanes in view.
  const pick = await page.evaluate(() => {
    const { app } = globalThis.__rota;
    const box = document.querySelector('[data-testid=board]').getBoundingClientRect();
    const inView = (el) => { const r = el.getBoundingClientRect(); return r.top >= box.top + 22 && r.bottom <= box.bottom - 4; };
    const lanes = [...document.querySelectorAll('[data-testid=lane]')].filter(inView).map((l) => l.dataset.tech);
    for (const b of [...document.querySelectorAll('[data-testid=block]')].filter(inView)) {
      const v = app.visit(b.dataset.visit);
      const bad = lanes.find((t) => !app.technician(t).skills.some((s) => s.skill === v.skill));
      if (v && bad) return { visit: v.id, from: b.closest('[data-testid=lane]').dataset.tech, bad };
    }
    return null;
  });

  await step('drag onto an unqualified technician: violation shown, drop refused', async () => {
    assert(pick, 'a visit and an unqualified lane in view');
    const block = page.locator(`[data-visit="${pick.visit}"]`);
    const bb = await block.boundingBox();
    const lane = await page.locator(`[data-testid=lane][data-tech="${pick.bad}"]`).boundingBox();
    await drag(page, { x: bb.x + 4, y: bb.y + bb.height / 2 }, { x: bb.x + 4, y: lane.y + lane.height / 2 }, async () => {
      await page.waitForSelector('[data-testid=infeasible]');
      assert(await page.locator('[data-testid=feasibility] [data-code=skill]').count() === 1, 'skill violation listed');
      await shot(page, `${tag}-drag-refused`, { keepToasts: true });
    });
    await page.waitForSelector('[data-testid=toast-error]');
    assert(await page.locator(`[data-tech="${pick.from}"] [data-visit="${pick.visit}"]`).count() === 1, 'visit stayed in its lane');
  });

  await step('drag to a feasible slot moves the visit; undo puts it back', async () => {
    const found = await page.evaluate(async () => {
      const { app, backend } = globalThis.__rota;
      const box = document.querySelector('[data-testid=board]').getBoundingClientRect();
      const scroller = document.querySelector('[data-testid=board]');
      const vIn = (el) => { const r = el.getBoundingClientRect(); return r.top >= box.top + 22 && r.bottom <= box.bottom - 4; };
      const hIn = (el) => { const r = el.getBoundingClientRect(); return r.left >= box.left + 190 && r.left + 10 <= box.right; };
      const xOf = (start) => { const [h, m] = start.slice(11, 16).split(':').map(Number); return box.left - scroller.scrollLeft + 190 + (h * 60 + m - 360) * 1.15 + 4; };
      const lanes = new Set([...document.querySelectorAll('[data-testid=lane]')].filter(vIn).map((l) => l.dataset.tech));
      for (const b of [...document.querySelectorAll('[data-testid=block]')].filter((b) => vIn(b) && hIn(b))) {
        const from = b.closest('[data-testid=lane]').dataset.tech;
        const opts = await backend.findSlot(b.dataset.visit, 200);
        const o = opts.find((x) => x.day === app.day && x.technician !== from && lanes.has(x.technician) && xOf(x.start) < box.right - 20);
        if (o) return { visit: b.dataset.visit, from, to: o.technician, start: o.start };
      }
      return null;
    });
    assert(found, 'a feasible move among the lanes in view');
    const board = await page.locator('[data-testid=board]').boundingBox();
    const scrollLeft = await page.locator('[data-testid=board]').evaluate((e) => e.scrollLeft);
    const bb = await page.locator(`[data-visit="${found.visit}"]`).boundingBox();
    const lane = await page.locator(`[data-testid=lane][data-tech="${found.to}"]`).boundingBox();
    const [h, m] = found.start.slice(11, 16).split(':').map(Number);
    const x = board.x - scrollLeft + 190 + (h * 60 + m - 360) * 1.15 + 4;
    await drag(page, { x: bb.x + 4, y: bb.y + bb.height / 2 }, { x, y: lane.y + lane.height / 2 }, async () => {
      await page.waitForSelector('[data-testid=feasible]', { timeout: 3000 }).catch(async (e) => {
        throw new Error(`${JSON.stringify(found)}: ${await page.textContent('[data-testid=feasibility]')}`);
      });
    });
    await page.waitForSelector(`[data-tech="${found.to}"] [data-visit="${found.visit}"]`);
    await page.waitForSelector('[data-testid=toast-ok]');
    await shot(page, `${tag}-drag-moved`, { keepToasts: true });
    await page.click('[data-testid=undo]');
    await page.waitForSelector(`[data-tech="${found.from}"] [data-visit="${found.visit}"]`);
    await page.click('[data-testid=redo]');
    await page.waitForSelector(`[data-tech="${found.to}"] [data-visit="${found.visit}"]`);
  });

  await step('drag an unassigned visit from the queue strip onto a lane: feasibility shown', async () => {
    const chip = page.locator('[data-testid=queue-chip]').first();
    const cb = await chip.boundingBox();
    const lane = await page.locator('[data-testid=lane]').nth(2).boundingBox();
    const board = await page.locator('[data-testid=board]').boundingBox();
    await drag(page, { x: cb.x + 4, y: cb.y + cb.height / 2 }, { x: board.x + 190 + (10 * 60 - 360) * 1.15, y: lane.y + lane.height / 2 }, async () => {
      await page.waitForSelector('[data-testid=feasible], [data-testid=infeasible]');
      await page.keyboard.press('Escape');
    });
  });

  await step('horizon view: one column per day, blocks of every day', async () => {
    const dayBlocks = await page.locator('[data-testid=block]').count();
    await page.click('[data-testid=span-horizon]');
    await page.waitForSelector('.dayhead');
    assert(await page.locator('.dayhead').count() === 5, 'five day columns');
    const all = await page.locator('[data-testid=block]').count();
    assert(all > dayBlocks, `more blocks over the horizon (${all} > ${dayBlocks})`);
    await shot(page, `${tag}-board-horizon`);
    await page.click('[data-testid=span-day]');
    await page.waitForSelector('.dayhead', { state: 'detached' });
  });

  await step('lock the selected visit: the lock shows on its block', async () => {
    await page.locator('[data-testid=lock]').click();
    await page.waitForSelector('[data-testid=block] svg.lock');
  });

  await step('unassigned queue: filters and reasons from the catalogs', async () => {
    await page.click('[data-testid=tab-unassigned]');
    await page.waitForSelector('[data-testid=queue-row]');
    const all = await page.locator('[data-testid=queue-row]').count();
    assert(all >= 5, `queue rows: ${all}`);
    const reasons = await page.locator('[data-testid=queue-row] .reason').allTextContents();
    assert(reasons.every((r) => r.length > 3 && !r.includes('{') && !r.startsWith('reason.')), 'every reason rendered from the catalog');
    await page.selectOption('[data-testid=filter-priority]', 'standard');
    const std = await page.locator('[data-testid=queue-row]').count();
    const chips = await page.locator('[data-testid=queue-row] .chip').allTextContents();
    assert(std <= all && chips.every((c) => c === msg(lang, 'priority.standard')), 'priority filter');
    await page.selectOption('[data-testid=filter-region]', 'west');
    const west = await page.locator('[data-testid=queue-row]').count();
    assert(west <= std, 'region filter');
    await shot(page, `${tag}-unassigned-filtered`);
    await page.selectOption('[data-testid=filter-priority]', '');
    await page.selectOption('[data-testid=filter-region]', '');
    await page.locator('[data-testid=queue-slot]').first().click();
    await page.waitForSelector('[data-testid=slots], [data-testid=no-slot]');
    await shot(page, `${tag}-unassigned`);
  });

  await step('optimize: progress, diff, accept → a new plan version', async () => {
    await page.click('[data-testid=tab-history]');
    const before = await page.locator('[data-testid=version]').count();
    await page.click('[data-testid=open-optimize]');
    await page.click('[data-testid=scope-horizon]');
    await page.click('[data-testid=optimize-start]');
    await page.waitForSelector('[data-testid=optimize-progress]');
    await page.waitForSelector('[data-testid=optimize-diff]', { timeout: 60000 });
    assert(await page.locator('[data-testid=optimize-dialog] [data-testid=kpi-table] tbody tr').count() >= 10, 'KPIs before/after');
    await shot(page, `${tag}-optimize-diff`);
    await page.click('[data-testid=optimize-accept]');
    await page.waitForSelector('[data-testid=optimize-dialog]', { state: 'detached' });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=version]').length > n, before);
  });

  await step('optimize can be cancelled', async () => {
    await page.click('[data-testid=open-optimize]');
    await page.click('[data-testid=scope-horizon]');
    await page.click('[data-testid=optimize-start]');
    await page.click('[data-testid=optimize-cancel]');
    await page.waitForSelector('[data-testid=optimize-diff]', { timeout: 60000 });
    await page.click('[data-testid=optimize-discard]');
    await page.waitForSelector('[data-testid=optimize-dialog]', { state: 'detached' });
    await shot(page, `${tag}-history`);
  });

  await step('emergency visit: ranked options at once, one click dispatches', async () => {
    await page.click('[data-testid=open-emergency]');
    await page.fill('[data-testid=em-customer]', lang === 'en' ? 'Northvale Hospital' : '北谷医院');
    await page.selectOption('[data-testid=em-skill]', 'electrical');
    await page.selectOption('[data-testid=em-level]', '1');
    await page.click('[data-testid=em-find]');
    await page.waitForSelector('[data-testid=em-option]');
    const n = await page.locator('[data-testid=em-option]').count();
    assert(n >= 1 && n <= 5, `options: ${n}`);
    await shot(page, `${tag}-emergency`);
    await page.locator('[data-testid=em-dispatch]').first().click();
    await page.waitForSelector('[data-testid=toast-ok]');
    await page.click('[data-testid=tab-dispatch]');
    await page.waitForSelector('[data-testid=block][data-visit^="E"]');
  });

  await step('KPI charts and provider scorecards', async () => {
    await page.click('[data-testid=tab-kpis]');
    await page.waitForSelector('[data-testid=chart-visits] rect');
    await page.waitForSelector('[data-testid=chart-shares] rect');
    await shot(page, `${tag}-kpis`);
    await page.click('[data-testid=tab-providers]');
    await page.waitForSelector('[data-testid=scorecard]');
    assert(await page.locator('[data-testid=scorecard]').count() === 3, 'three providers');
    await shot(page, `${tag}-providers`);
  });

  await step('coverage: heat-map, weeks, regions coloured on the map, recommendations, scenario compare', async () => {
    await page.click('[data-testid=tab-coverage]');
    assert((await page.textContent('[data-testid=tab-coverage]')).includes(msg(lang, 'tab.coverage')), 'tab label from the catalog');
    await page.waitForSelector('[data-testid=coverage-cell]');
    assert(await page.locator('[data-testid=coverage-cell]').count() === 5 * 6 * 4, 'region × skill × 4 weeks');
    await page.selectOption('[data-testid=coverage-weeks]', '8');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=coverage-cell]').length === 5 * 6 * 8);
    await page.selectOption('[data-testid=coverage-weeks]', '4');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=coverage-cell]').length === 5 * 6 * 4);
    // Cells are coloured by attainment: a short cell is not the colour of a fully covered one.
    const colours = await page.$$eval('[data-testid=coverage-cell]', (els) => [...new Set(els.map((e) => getComputedStyle(e).backgroundColor))]);
    assert(colours.length >= 3, `heat-map colours: ${colours.length}`);
    const unmet = await page.locator('[data-testid=coverage-cell] .unmet').count();
    assert(unmet >= 1, 'some cell shows unmet hours');
    // The map: five regions, coloured; a click on a cell picks its skill and week for the map.
    await page.waitForSelector('[data-testid=coverage-map] path');
    assert(await page.locator('[data-testid=coverage-map] path').count() === 5, 'five regions on the coverage map');
    const short = page.locator('[data-testid=coverage-cell]:has(.unmet)').first();
    const skill = await short.getAttribute('data-skill');
    await short.click();
    assert((await page.inputValue('[data-testid=coverage-map-skill]')) !== '', 'map skill follows the clicked cell');
    const fills = await page.$$eval('[data-testid=coverage-map] path', (els) => [...new Set(els.map((e) => e.getAttribute('fill')))]);
    assert(fills.length >= 2, `map colours for ${skill}: ${fills.join(', ')}`);
    const recs = await page.locator('[data-testid=recommendation]').allTextContents();
    assert(recs.length >= 1, 'recommendations listed');
    const skillNames = Object.values(catalogs[lang].skill);
    assert(recs.every((t) => skillNames.some((n) => t.includes(n))), `recommendation text from the catalog: ${recs[0]}`);
    await shot(page, `${tag}-coverage`);
    // Scenarios: save the first recommendation as one, then compare two with the baseline.
    const before = await page.locator('[data-testid=scenario-pick]').count();
    await page.click('[data-testid=rec-save] >> nth=0');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=scenario-pick]').length === n + 1, before);
    // And one from the form: two more technicians in the first region for the first skill.
    await page.fill('[data-testid=scenario-name]', 'form-two-more');
    await page.selectOption('[data-testid=scenario-region]', { index: 1 });
    await page.selectOption('[data-testid=scenario-skill]', { index: 1 });
    await page.fill('[data-testid=scenario-count]', '2');
    await page.click('[data-testid=scenario-create]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=scenario-pick]').length === n + 2, before);
    assert(await page.locator('[data-testid=scenario-pick][data-name=form-two-more]').isChecked(), 'the new scenario is picked');
    const picks = page.locator('[data-testid=scenario-pick]');
    for (let i = 0; i < 2; i++) if (!(await picks.nth(i).isChecked())) await picks.nth(i).check();
    await page.click('[data-testid=compare-run]');
    await page.waitForSelector('[data-testid=compare-kpis] tbody tr');
    assert(await page.locator('[data-testid=compare-kpis] tbody tr').count() === 9, 'nine KPIs');
    assert(await page.locator('[data-testid=compare-regions] tbody tr').count() === 5, 'five regions');
    const head = await page.textContent('[data-testid=compare-kpis] thead');
    assert(head.includes(msg(lang, 'coverage.baseline')), 'baseline column');
    assert(await page.locator('[data-testid=compare-kpis] .better').count() >= 1, 'a scenario improves a KPI');
    await page.locator('[data-testid=compare-regions]').scrollIntoViewIfNeeded();
    await shot(page, `${tag}-coverage-compare`);
  });

  await step('no clipped labels', async () => {
    const bad = [];
    for (const t of ['dispatch', 'unassigned', 'kpis', 'providers', 'coverage', 'history']) {
      await page.click(`[data-testid=tab-${t}]`);
      await page.waitForTimeout(100);
      bad.push(...(await clipped(page)).map((x) => `${t}: ${x}`));
    }
    assert(bad.length === 0, `clipped: ${bad.slice(0, 5).join(' | ')}`);
  });

  if (lang === 'en') {
    await step('language switch is remembered across a reload', async () => {
      await page.selectOption('[data-testid=lang-select]', 'zh-CN');
      await page.waitForFunction((s) => document.querySelector('[data-testid=tab-dispatch]').textContent.includes(s), msg('zh-CN', 'tab.dispatch'));
      await page.reload();
      await page.waitForSelector('[data-testid=lane]');
      assert((await page.textContent('[data-testid=tab-dispatch]')).includes(msg('zh-CN', 'tab.dispatch')), 'still Chinese after reload');
      await page.selectOption('[data-testid=lang-select]', 'en');
    });
  }

  await step('no console errors and no external requests', async () => {
    assert(errors.length === 0, errors.slice(0, 3).join(' | '));
  });
  await context.close();
}

async function loadTest() {
  console.log('e2e [load: sample ×5]');
  const context = await browser.newContext({ locale: 'en', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await step('2,100 visits / 300 technicians: render, scroll, drag feedback', async () => {
    const t0 = Date.now();
    await page.goto(base + '?scale=5');
    await page.waitForSelector('[data-testid=block]');
    const render = Date.now() - t0;
    const info = await page.evaluate(() => ({ visits: globalThis.__rota.app.problem.visits.length, techs: globalThis.__rota.app.problem.technicians.length, lanesInDom: document.querySelectorAll('[data-testid=lane]').length }));
    assert(info.visits >= 2000 && info.techs >= 200, `scaled data: ${JSON.stringify(info)}`);
    // Scroll through the whole board.
    const s0 = Date.now();
    await page.evaluate(async () => {
      const b = document.querySelector('[data-testid=board]');
      for (let y = 0; y < b.scrollHeight; y += 600) { b.scrollTop = y; await new Promise((r) => requestAnimationFrame(() => r())); }
    });
    const scroll = Date.now() - s0;
    await page.evaluate(() => { document.querySelector('[data-testid=board]').scrollTop = 0; });
    await page.waitForTimeout(100);
    // Drag feedback latency, measured in the page: from each pointer event (its timeStamp) to
    // the frame that shows the ghost at the new place (rota:drag-ghost) and the feasibility of
    // that target (rota:drag-feedback) — User Timing measures the board records (Board.svelte).
    const bb = await page.locator('[data-testid=block]').first().boundingBox();
    await page.mouse.move(bb.x + 4, bb.y + bb.height / 2);
    await page.mouse.down();
    await page.mouse.move(bb.x + 14, bb.y + bb.height / 2 + 3);
    const count = () => page.evaluate(() => performance.getEntriesByName('rota:drag-feedback').length);
    const MOVES = 60;
    for (let i = 1; i <= MOVES; i++) {
      const before = await count();
      await page.mouse.move(bb.x + 14 + (i % 20) * 23, bb.y + bb.height / 2 + (i % 7) * 34);
      await page.waitForFunction((n) => performance.getEntriesByName('rota:drag-feedback').length > n, before);
    }
    const measured = await page.evaluate(() => ({
      feedback: performance.getEntriesByName('rota:drag-feedback').map((m) => m.duration),
      ghost: performance.getEntriesByName('rota:drag-ghost').map((m) => m.duration),
      work: performance.getEntriesByName('rota:drag-work').map((m) => m.duration),
    }));
    await page.keyboard.press('Escape');
    await page.mouse.up();
    assert(measured.feedback.length >= MOVES, `one feedback measure per move: ${measured.feedback.length}`);
    const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 10) / 10; };
    timings.push({
      render_ms: render, scroll_all_lanes_ms: scroll, lanes_in_dom: info.lanesInDom, drag_moves: measured.feedback.length,
      drag_feedback_median_ms: q(measured.feedback, 0.5), drag_feedback_p95_ms: q(measured.feedback, 0.95), drag_feedback_max_ms: q(measured.feedback, 1),
      drag_ghost_median_ms: q(measured.ghost, 0.5), drag_ghost_p95_ms: q(measured.ghost, 0.95), drag_work_median_ms: q(measured.work, 0.5), drag_work_p95_ms: q(measured.work, 0.95), ...info,
    });
    console.log(`       ${JSON.stringify(timings[timings.length - 1])}`);
  });
  await context.close();
}

try {
  await step('a CJK font is installed (fc-list :lang=zh)', async () => assert(fontCheck(), 'install fonts-noto-cjk (scripts/setup.sh)'));
  const only = process.env.E2E_LANG;
  for (const lang of ['en', 'zh-CN']) if (!only || only === lang) await runLanguage(lang);
  if (!only || only === 'load') await loadTest();  // E2E_LANG=load: the load test alone
} finally {
  await browser.close();
  server.close();
}
if (timings.length) fs.writeFileSync(path.join(ui, 'dist', 'e2e-timings.json'), JSON.stringify(timings, null, 2));
console.log(failures ? `e2e: ${failures} failure(s)` : 'e2e: all passed');
process.exit(failures ? 1 : 0);
