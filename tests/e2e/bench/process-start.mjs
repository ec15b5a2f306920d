// When the app under test started, for benchmarks that time from process
// start (cold-start.mjs, run-list.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { appPath } from '../lib/app.mjs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** Wall-clock start of the newest app process. Its age comes from the
 * since-boot clocks (/proc/uptime and the process's start tick), which avoids
 * the whole-second rounding of /proc/stat's btime. */
export function appStartMs() {
  const exe = appPath();
  let newest = null;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== exe) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      if (newest === null || ticks > newest) newest = ticks;
    } catch { /* gone or not ours */ }
  }
  if (newest === null) throw new Error(`no running ${exe}`);
  const now = Date.now();
  const uptimeS = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return now - (uptimeS - newest / CLK_TCK) * 1000;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
