// Latency from a line appended to a run's sim.log or progress.jsonl to its
// arrival in a listener inside the real webview, over the same IPC channel
// the Logs and Progress tabs use. Run with
//   xvfb-run -a node tests/e2e/bench/stream-latency.mjs [events]
// The listener is installed from the page's context through Tauri's own IPC
// (a channel callback), so nothing in the app is instrumented for this.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { launch } from '../lib/app.mjs';

const events = Number(process.argv[2] ?? 1000);
const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/fusion-desk/target');
const testSim = process.env.E2E_TEST_SIM ?? join(target, 'debug/test-sim');

const app = await launch({ FUSION_DESK_SIMULATOR: testSim });
const b = app.browser;
const invoke = (cmd, args) =>
  b.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((r) => done({ ok: r }), (e) => done({ err: e }));`,
    cmd,
    args,
  );

async function startRun() {
  const res = await invoke('runs_create', {
    request: { template: 'quick', name: 'latency bench', overrides: ['test_sim.iterations=100000', 'test_sim.step_ms=60000'] },
  });
  if (res.err) throw new Error(JSON.stringify(res.err));
  const run = res.ok;
  for (let i = 0; i < 200; i++) {
    const r = (await invoke('runs_get', { id: run.id })).ok;
    if (r.status === 'RUNNING' && r.pid) return r;
    await new Promise((s) => setTimeout(s, 50));
  }
  throw new Error('run never started');
}

/** Opens a stream in the page; arrival times (Date.now()) are kept per
 * event number: BENCH markers in log lines, the iteration in progress updates. */
async function listen(cmd, args) {
  await b.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const [cmd, args] = [arguments[0], arguments[1]];
     window.__benchArrivals = {};
     const seen = (n) => { window.__benchArrivals[n] ??= Date.now(); };
     const onMessage = (raw) => {
       const msg = raw && raw.message !== undefined ? raw.message : raw;
       if (!msg) return;
       if (msg.type === 'lines') {
         for (const line of msg.lines) for (const m of line.matchAll(/BENCH (\\d+) /g)) seen(m[1]);
       } else if (msg.type === 'update' && msg.progress && msg.progress.iteration != null) {
         seen(String(msg.progress.iteration - 1));
       }
     };
     const id = window.__TAURI_INTERNALS__.transformCallback(onMessage);
     window.__TAURI_INTERNALS__.invoke(cmd, { ...args, channel: '__CHANNEL__:' + id }).then(() => done(true), (e) => done(e));`,
    cmd,
    args,
  );
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.round((sorted.length - 1) * p))];
}

async function measure(label, file, line, spacingMs) {
  const sent = {};
  for (let i = 0; i < events; i++) {
    sent[i] = Date.now();
    appendFileSync(file, line(i, sent[i]));
    await new Promise((s) => setTimeout(s, spacingMs));
  }
  let arrivals = {};
  for (let k = 0; k < 100; k++) {
    arrivals = await b.executeScript('return window.__benchArrivals');
    if (Object.keys(arrivals).length >= events) break;
    await new Promise((s) => setTimeout(s, 100));
  }
  const lat = Object.keys(sent).filter((i) => arrivals[i] !== undefined).map((i) => arrivals[i] - sent[i]).sort((a, b2) => a - b2);
  console.log(
    `${label}: ${lat.length}/${events} arrived; p50 ${percentile(lat, 0.5)} ms, p99 ${percentile(lat, 0.99)} ms, max ${lat[lat.length - 1]} ms`,
  );
}

try {
  await app.el('page-runs');
  const run = await startRun();
  await listen('runs_log_stream', { id: run.id, offset: 0 });
  // Lines 5 ms apart: bursts are batched, every line still carries its marker.
  await measure('sim.log → webview', join(run.run_dir, 'logs/sim.log'), (i, t) => `BENCH ${i} ${t}\n`, Number(process.env.LOG_SPACING_MS ?? 5));
  await listen('runs_progress_stream', { id: run.id, cursor: null });
  // Progress 25 ms apart: a coalesced update shows only its latest iteration.
  await measure('progress.jsonl → webview', join(run.run_dir, 'progress.jsonl'), (i, t) =>
    JSON.stringify({ type: 'iteration', ts: new Date(t).toISOString(), erlang: 100.0, iteration: i + 1, total_iterations: 100000, metrics: { blocking_prob: 0.01 } }) + '\n', 25);
  await invoke('runs_cancel', { id: run.id });
} finally {
  await app.stop();
}
