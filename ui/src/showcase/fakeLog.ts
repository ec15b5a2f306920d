// A deterministic fake simulator log of any length, for the component showcase.

import type { LogSearchOptions, LogSearchResult } from '../components/LogViewer';

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'INFO', 'WARNING', 'INFO', 'DEBUG'];
const LOADS = [300, 600, 900];
const LONG_LINE = 'payload=' + 'abcdefghij'.repeat(104_858); // about 1 MiB

function pad(n: number, w: number) {
  return String(n).padStart(w, '0');
}

/** Line `i` of the fake log (0-based). */
export function fakeLine(i: number): string {
  if (i === 7) return `2025-06-01 12:00:00,007 DEBUG    engine: request dump ${LONG_LINE}`;
  const s = Math.floor(i / 40);
  const time = `2025-06-01 ${pad(12 + Math.floor(s / 3600) % 12, 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)},${pad((i * 37) % 1000, 3)}`;
  const level = LEVELS[i % LEVELS.length];
  const load = LOADS[Math.floor(i / 1000) % LOADS.length];
  const iter = (Math.floor(i / 50) % 20) + 1;
  const blocking = (0.002 + ((i * 7919) % 1000) / 40_000).toFixed(5);
  switch (i % 10) {
    case 0:
      return `${time} ${level.padEnd(8)} sim: Erlang ${load} iteration ${iter}/20 finished, blocking probability ${blocking}`;
    case 3:
      return `${time} ${level.padEnd(8)} routing: k_shortest_path found 3 paths for request ${i} (src ${i % 14}, dst ${(i * 5) % 14})`;
    case 5:
      return `${time} ${level.padEnd(8)} spectrum: first_fit allocated slots ${i % 300}-${(i % 300) + 4} on core ${i % 7}`;
    case 7:
      return level === 'WARNING'
        ? `${time} WARNING  snr: request ${i} blocked, xt_noise above threshold (${(i % 97) / 10} dB)`
        : `${time} ${level.padEnd(8)} stats: ${i} requests processed, mean hops ${(2 + (i % 30) / 10).toFixed(1)}`;
    default:
      return `${time} ${level.padEnd(8)} engine: request ${i} arrival at t=${(i * 0.0137).toFixed(4)} holding ${(1 + (i % 13) / 7).toFixed(3)}`;
  }
}

export function fakeGetLines(lineCount: () => number, delayMs = 15) {
  return (first: number, count: number): Promise<string[]> =>
    new Promise((resolve) => {
      setTimeout(() => {
        const n = Math.max(0, Math.min(count, lineCount() - first));
        const out = new Array<string>(n);
        for (let k = 0; k < n; k++) out[k] = fakeLine(first + k);
        resolve(out);
      }, delayMs);
    });
}

export function fakeSearch(lineCount: () => number, limit = 1000) {
  return (query: string, opts: LogSearchOptions): Promise<LogSearchResult> =>
    new Promise((resolve, reject) => {
      setTimeout(() => {
        let re: RegExp;
        try {
          re = new RegExp(opts.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), opts.caseSensitive ? '' : 'i');
        } catch (e) {
          reject(e instanceof Error ? e.message : 'invalid regex');
          return;
        }
        const lines: number[] = [];
        let total = 0;
        const n = lineCount();
        for (let i = 0; i < n; i++) {
          if (re.test(fakeLine(i))) {
            total++;
            if (lines.length < limit) lines.push(i);
          }
        }
        resolve({ total, lines, truncated: total > lines.length });
      }, 10);
    });
}
