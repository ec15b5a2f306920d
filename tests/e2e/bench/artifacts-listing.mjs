// Listing a run folder of 100 000 files, seen from the real webview: the time
// of the listing call and of the disk-use total, and the longest gap between
// animation frames while they run (the page stays responsive when that gap
// stays near one frame). Run with
//   xvfb-run -a node tests/e2e/bench/artifacts-listing.mjs [files]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from '../lib/app.mjs';

const files = Number(process.argv[2] ?? 100_000);
const app = await launch();
const b = app.browser;
const invoke = (cmd, args) =>
  b.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((r) => done({ ok: r }), (e) => done({ err: e }));`,
    cmd,
    args,
  );

/** Runs `cmd` in the page while counting frames; returns its time and the longest frame gap. */
const timed = (cmd, args) =>
  b.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     let last = performance.now(), worst = 0, frames = 0, running = true;
     const tick = (t) => { worst = Math.max(worst, t - last); last = t; frames++; if (running) requestAnimationFrame(tick); };
     requestAnimationFrame(tick);
     const start = performance.now();
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
       (r) => { const ms = performance.now() - start; setTimeout(() => { running = false; done({ ms, worst, frames, total: r.total ?? r.files }); }, 50); },
       (e) => { running = false; done({ err: e }); });`,
    cmd,
    args,
  );

try {
  await app.el('page-runs');
  const created = await invoke('runs_create', { request: { template: 'quick', name: 'many files', overrides: [] } });
  if (created.err) throw new Error(JSON.stringify(created.err));
  const run = created.ok;
  for (let i = 0; i < 600; i++) {
    const r = (await invoke('runs_get', { id: run.id })).ok;
    if (r.status === 'COMPLETED') break;
    await new Promise((s) => setTimeout(s, 50));
  }
  const dir = join(run.run_dir, 'output', 'many');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `iteration_${i}.json`), '{}');
  for (const [label, cmd, args] of [
    ['first page of 500', 'artifacts_list', { id: run.id, path: 'output/many', offset: 0, limit: 500 }],
    ['last page of 500', 'artifacts_list', { id: run.id, path: 'output/many', offset: files - 500, limit: 500 }],
    ['total disk use', 'artifacts_usage', { id: run.id, path: '' }],
  ]) {
    const r = await timed(cmd, args);
    if (r.err) throw new Error(JSON.stringify(r.err));
    console.log(`${files} files, ${label}: ${r.ms.toFixed(0)} ms in the webview (${r.total} entries); longest frame gap meanwhile ${r.worst.toFixed(0)} ms over ${r.frames} frames`);
  }
} finally {
  await app.stop();
}
