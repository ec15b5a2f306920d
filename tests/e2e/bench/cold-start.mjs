// Cold start of the real app to a painted run list, run with
//   xvfb-run -a node tests/e2e/bench/cold-start.mjs [launches]
// Prints, per launch and as a median: process start → first frame with the
// run list (the app's start time from /proc, the paint time recorded by the
// UI), and WebDriver session request → that frame.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launch, repoRoot } from '../lib/app.mjs';
import { join } from 'node:path';
import { homedir } from 'node:os';

const launches = Number(process.argv[2] ?? 5);
const appPath = process.env.E2E_APP
  ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/fusion-desk/target'), 'debug/fusion-desk');
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** Wall-clock start of the newest app process. Its age comes from the
 * since-boot clocks (/proc/uptime and the process's start tick), which avoids
 * the whole-second rounding of /proc/stat's btime. */
function appStartMs() {
  let newest = null;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== appPath) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      if (newest === null || ticks > newest) newest = ticks;
    } catch { /* gone or not ours */ }
  }
  if (newest === null) throw new Error(`no running ${appPath}`);
  const now = Date.now();
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return now - (uptimeS - newest / CLK_TCK) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fromProcess = [];
const fromSession = [];
for (let i = 0; i < launches; i++) {
  const requested = Date.now();
  const app = await launch({ E2E_REPO: repoRoot });
  try {
    const painted = await app.browser.wait(
      () => app.browser.executeScript('return window.__fdeskFirstListPaint ?? null'),
      30_000,
      'the run list never painted',
    );
    const started = appStartMs();
    fromProcess.push(painted - started);
    fromSession.push(painted - requested);
    console.log(`launch ${i + 1}: process start → painted list ${(painted - started).toFixed(0)} ms; session request → painted ${(painted - requested).toFixed(0)} ms`);
  } finally {
    await app.stop();
  }
}
console.log(`cold start, median of ${launches}: process start → painted run list ${median(fromProcess).toFixed(0)} ms (session request → painted ${median(fromSession).toFixed(0)} ms)`);
