// The run list with 10 000 runs, in the real window: time to the first paint
// of the list (process start → painted, as cold-start.mjs measures it) and
// time to apply a filter, a tag filter and a search (click / keystroke → the
// filtered list painted), and the first paint of the list sorted by a metric
// column (mean blocking, from the results cache). Run with
//   xvfb-run -a node tests/e2e/bench/run-list.mjs [runs] [launches]
//
// Seeding: the data dir gets its schema from the real `fdesk` (every
// migration), then one SQL transaction through the sqlite3 command-line
// tool adds the rows, each with a real run folder (frozen config.ini, a log,
// a result file), as runs created by this version of the app look, and the
// results cache row the app writes when a run ends: per-load blocking with
// its confidence interval for finished runs (zero blocking at the lowest
// load for a third of them, CIs reaching below zero), and a row without
// metrics for failed and cancelled runs, which sort last.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from '../lib/app.mjs';
import { appStartMs, median } from './process-start.mjs';

const runs = Number(process.argv[2] ?? 10_000);
const launches = Number(process.argv[3] ?? 3);
const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/fusion-desk/target');
const fdesk = join(target, 'debug/fdesk');
const ms = (xs) => (xs.length ? median(xs).toFixed(0) : 'n/a');

const STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'COMPLETED'];
const TEMPLATES = ['quick', 'default', 'minimal'];
const NETWORKS = ['NSFNet', 'USNet', 'Pan-European', 'dt_network', 'toy_network'];
const LOADS = [300, 400, 500];

/** Run i's blocking per load (`null`: the run has no results). */
function blockingOf(i) {
  if (STATUSES[i % 4] !== 'COMPLETED') return null;
  return [i % 3 === 0 ? 0 : 0.0005 * (i % 11), 0.002 + 0.001 * (i % 13), 0.01 + 0.002 * (i % 17)];
}
const meanOf = (b) => b.reduce((a, x) => a + x, 0) / b.length;

function seed(home) {
  execFileSync(fdesk, ['list', '--json'], { env: { ...process.env, FUSION_DESK_HOME: home }, stdio: 'ignore' });
  const sql = ['BEGIN;'];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < runs; i++) {
    const id = i.toString(16).padStart(12, '0');
    const status = STATUSES[i % 4];
    const template = TEMPLATES[i % 3];
    const network = NETWORKS[i % 5];
    const created = new Date(t0 + i * 600_000).toISOString().replace('Z', '+00:00');
    const ended = new Date(t0 + i * 600_000 + 90_000).toISOString().replace('Z', '+00:00');
    const note = i % 100 === 7 ? 'saturation above 600 Erlang' : '';
    const dir = join(home, 'runs', id);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    mkdirSync(join(dir, 'output'), { recursive: true });
    const config = `[general_settings]\nerlang_start = 300\nerlang_stop = 500\nerlang_step = 100\nnum_requests = 500\n\n[topology_settings]\nnetwork = ${network}\ncores_per_link = ${1 + (i % 3)}\n`;
    writeFileSync(join(dir, 'config.ini'), config);
    writeFileSync(join(dir, 'logs', 'sim.log'), `run ${id} done\n`);
    writeFileSync(join(dir, 'output', '300.0_erlang.json'), `{"blocking_mean": ${(0.01 + (i % 7) / 1000).toFixed(4)}}`);
    sql.push(
      `INSERT INTO runs (id, name, template, overrides, status, simulator, created_at, started_at, completed_at, updated_at, note, network, disk_bytes, exit_code) VALUES ('${id}', 'sweep ${i % 50} run ${i}', '${template}', '[]', '${status}', 'fusion-sim', '${created}', '${created}', '${ended}', '${ended}', '${note}', '${network}', ${config.length + 40}, 0);`,
    );
    if (i % 7 === 0) sql.push(`INSERT INTO run_tags (run_id, tag) VALUES ('${id}', 'paper');`);
    const b = blockingOf(i);
    if (b === null) {
      sql.push(
        `INSERT INTO run_metrics (run_id, loads, iterations, computed_at) VALUES ('${id}', 0, 0, '${ended}');`,
      );
    } else {
      sql.push(
        `INSERT INTO run_metrics (run_id, mean_blocking, highest_erlang, highest_blocking, bit_rate_blocking, loads, iterations, duration_seconds, computed_at) ` +
          `VALUES ('${id}', ${meanOf(b)}, 500, ${b[2]}, ${meanOf(b) * 1.3}, 3, 2, 90, '${ended}');`,
      );
      for (const [k, erlang] of LOADS.entries()) {
        // The half width exceeds a small mean: the CI's lower end is below zero, as FUSION reports it.
        sql.push(
          `INSERT INTO run_load_metrics (run_id, erlang, blocking, ci_half_width, bit_rate_blocking, iterations) VALUES ('${id}', ${erlang}, ${b[k]}, ${(0.001 + b[k] / 4).toFixed(6)}, ${b[k] * 1.3}, 2);`,
        );
      }
    }
  }
  sql.push('COMMIT;');
  execFileSync('sqlite3', [join(home, 'fusion-desk.db')], { input: sql.join('\n') });
}

// In the page: performs an action, then waits until the run count reads
// `expected` and the first row is on screen, and one more frame is painted.
const MEASURE = `
  const [action, arg, expected, firstRow] = arguments;
  const done = arguments[arguments.length - 1];
  const q = (id) => document.querySelector('[data-testid="' + id + '"]');
  const start = performance.now();
  if (action === 'click') q(arg).click();
  if (action === 'select' || action === 'search') {
    const [id, value] = arg;
    const el = q(id);
    const proto = action === 'select' ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
    el.dispatchEvent(new Event(action === 'select' ? 'change' : 'input', { bubbles: true }));
  }
  const check = () => {
    const info = q('page-info');
    const row = document.querySelector('[data-testid^="run-row-"]');
    const rowOk = row && (typeof firstRow !== 'string' || row.getAttribute('data-testid') === 'run-row-' + firstRow);
    if (info && info.textContent.startsWith(expected) && rowOk) {
      requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));
    } else if (performance.now() - start > 20000) done(-1);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);`;

const fmt = (n) => n.toLocaleString('en-US');
/** What the page's run count starts with: "1 run", "2,500 runs". */
const runsText = (n) => `${fmt(n)} run${n === 1 ? '' : 's'}`;
const count = (f) => Array.from({ length: runs }, (_, i) => i).filter(f).length;
const failed = count((i) => i % 4 === 1);
const paper = count((i) => i % 7 === 0);
const paperUsnet = count((i) => i % 7 === 0 && i % 5 === 1);
const searched = count((i) => i % 100 === 7);
// The first row sorted by mean blocking: the lowest mean (ascending) or the
// highest (descending), ties to the newest run; runs without results last.
const idOf = (i) => i.toString(16).padStart(12, '0');
function firstByMean(desc) {
  let best = -1;
  for (let i = 0; i < runs; i++) {
    const b = blockingOf(i);
    if (b === null) continue;
    const m = meanOf(b);
    const bm = best < 0 ? null : meanOf(blockingOf(best));
    if (best < 0 || (desc ? m >= bm : m <= bm)) best = i;
  }
  return idOf(best);
}

const paint = [];
const measures = { status: [], tag: [], tagNetwork: [], search: [], clear: [], ipc: [], sortIpc: [], sortAsc: [], sortDesc: [] };
// Where the time to the first paint goes: the page's startup marks, from process start.
const phases = { script: [], 'list-requested': [], 'list-received': [] };
for (let l = 0; l < launches; l++) {
  const home = mkdtempSync(join(tmpdir(), 'fusion-desk-bench-list-'));
  const seeded = Date.now();
  seed(home);
  if (l === 0) console.log(`seeded ${fmt(runs)} runs with folders in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
  const app = await launch({ FUSION_DESK_HOME: home });
  try {
    const painted = await app.browser.wait(
      () => app.browser.executeScript('return window.__fdeskFirstListPaint ?? null'),
      60_000,
      'the run list never painted',
    );
    const started = appStartMs();
    paint.push(painted - started);
    const marks = await app.browser.executeScript(
      "return performance.getEntriesByType('mark').filter((m) => m.name.startsWith('fdesk:')).map((m) => [m.name.slice(6), performance.timeOrigin + m.startTime])",
    );
    for (const [name, at] of marks) phases[name]?.push(at - started);
    await app.el(`run-row-${(runs - 1).toString(16).padStart(12, '0')}`);
    if (l === 0) await app.screenshot('bench-run-list');
    const m = (...args) => app.browser.executeAsyncScript(MEASURE, ...args);
    // The list call alone, as the page makes it (a page of 100 with a status filter).
    const ipc = [];
    for (let k = 0; k < 5; k++) {
      ipc.push(
        await app.browser.executeAsyncScript(`const done = arguments[arguments.length - 1];
          const t = performance.now();
          window.__TAURI_INTERNALS__.invoke('runs_list', { query: { status: 'FAILED', offset: 0, limit: 100 } }).then(() => done(performance.now() - t), () => done(-1));`),
      );
    }
    measures.ipc.push(median(ipc));
    measures.status.push(await m('click', 'filter-FAILED', runsText(failed)));
    measures.clear.push(await m('click', 'filter-ALL', runsText(runs)));
    measures.tag.push(await m('select', ['filter-tag', 'paper'], runsText(paper)));
    measures.tagNetwork.push(await m('select', ['filter-network', 'USNet'], runsText(paperUsnet)));
    await m('click', 'filters-clear', runsText(runs));
    measures.search.push(await m('search', ['runs-search', 'saturation'], runsText(searched)));
    await m('search', ['runs-search', ''], runsText(runs));
    // The list call sorted by the metric, as the page makes it.
    const sortIpc = [];
    for (let k = 0; k < 5; k++) {
      sortIpc.push(
        await app.browser.executeAsyncScript(`const done = arguments[arguments.length - 1];
          const t = performance.now();
          window.__TAURI_INTERNALS__.invoke('runs_list', { query: { sort: 'mean_blocking', descending: false, offset: 0, limit: 100 } }).then(() => done(performance.now() - t), () => done(-1));`),
      );
    }
    measures.sortIpc.push(median(sortIpc));
    // Click on the column header → the list painted in that order, its first row checked.
    measures.sortAsc.push(await m('click', 'sort-mean_blocking', runsText(runs), firstByMean(false)));
    if (l === 0) await app.screenshot('bench-run-list-by-mean-blocking');
    measures.sortDesc.push(await m('click', 'sort-mean_blocking', runsText(runs), firstByMean(true)));
    for (const [k, v] of Object.entries(measures)) if (v.at(-1) < 0) throw new Error(`${k}: the list never painted as expected`);
    console.log(
      `launch ${l + 1}: first paint ${paint.at(-1).toFixed(0)} ms; list call ${measures.ipc.at(-1).toFixed(0)} ms; status filter ${measures.status.at(-1).toFixed(0)} ms; ` +
        `all again ${measures.clear.at(-1).toFixed(0)} ms; tag ${measures.tag.at(-1).toFixed(0)} ms; tag+network ${measures.tagNetwork.at(-1).toFixed(0)} ms; ` +
        `search ${measures.search.at(-1).toFixed(0)} ms (incl. 250 ms typing debounce); ` +
        `sorted list call ${measures.sortIpc.at(-1).toFixed(0)} ms; sort by mean blocking ${measures.sortAsc.at(-1).toFixed(0)} ms, descending ${measures.sortDesc.at(-1).toFixed(0)} ms`,
    );
  } finally {
    await app.stop();
  }
}
console.log(`\nrun list with ${fmt(runs)} runs, median of ${launches} launches:`);
console.log(`  process start → first paint of the list: ${median(paint).toFixed(0)} ms`);
console.log(
  `    of which: page script running at ${ms(phases.script)} ms, first list call sent at ${ms(phases['list-requested'])} ms, ` +
    `its answer back at ${ms(phases['list-received'])} ms (from process start)`,
);
console.log(`  one list call (a page of 100, status filter) from the page: ${median(measures.ipc).toFixed(0)} ms`);
console.log(`  status filter (click → filtered list painted): ${median(measures.status).toFixed(0)} ms`);
console.log(`  back to all runs: ${median(measures.clear).toFixed(0)} ms`);
console.log(`  tag filter: ${median(measures.tag).toFixed(0)} ms; tag + network: ${median(measures.tagNetwork).toFixed(0)} ms`);
console.log(`  text search over names and notes: ${median(measures.search).toFixed(0)} ms, of which 250 ms is the typing debounce`);
console.log(`  one list call sorted by mean blocking (a page of 100): ${median(measures.sortIpc).toFixed(0)} ms`);
console.log(
  `  sort by mean blocking (header click → sorted list painted): ${median(measures.sortAsc).toFixed(0)} ms; descending: ${median(measures.sortDesc).toFixed(0)} ms`,
);
