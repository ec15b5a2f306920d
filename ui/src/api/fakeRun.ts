// Fake content of a run for the in-memory store: its log, progress, files,
// results and network after a number of finished iterations. Tests and the
// demo build a run's data with `fakeRunData` and put it in the store;
// deterministic, so tests can compare exact values.

import type { ErlangResult } from '../bindings/ErlangResult';
import type { LinkUsage } from '../bindings/LinkUsage';
import type { LinkView } from '../bindings/LinkView';
import type { LoadProgress } from '../bindings/LoadProgress';
import type { NetworkView } from '../bindings/NetworkView';
import type { NodeView } from '../bindings/NodeView';
import type { Run } from '../bindings/Run';
import type { RunProgress } from '../bindings/RunProgress';
import type { RunTopology } from '../bindings/RunTopology';
import { lineOffsets, type MemoryFile, type MemoryRunData } from './memory';
import { fakeTemplateText } from './fakeDesk';

/** The shape of a fake simulation: loads swept one after the other. */
export interface FakeSweep {
  loads: number[];
  iterations: number;
}

/** Simulated seconds one iteration takes (for elapsed time and ETA). */
export const SECONDS_PER_ITERATION = 42;

export function totalSteps(sweep: FakeSweep): number {
  return sweep.loads.length * sweep.iterations;
}

/** Blocking probability of iteration `k` (0-based) at a load: noisy around a mean that grows with load. */
export function fakeBlocking(load: number, k: number): number {
  const mean = 0.0004 * Math.exp(load / 130);
  const noise = Math.sin(load * 0.7 + k * 1.9) * 0.3 + Math.cos(k * 0.77 + load) * 0.15;
  return Number(Math.max(0, mean * (1 + noise / Math.sqrt(k + 1))).toPrecision(5));
}

function stats(values: number[]) {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const half = n > 1 ? (1.96 * Math.sqrt(variance)) / Math.sqrt(n) : null;
  return {
    mean,
    variance,
    half,
    ciPercent: half !== null && mean > 0 ? (half / mean) * 100 : null,
  };
}

/** Iterations finished at load index `i` after `steps` steps. */
function doneAt(sweep: FakeSweep, i: number, steps: number): number {
  return Math.max(0, Math.min(sweep.iterations, steps - i * sweep.iterations));
}

/**
 * Load `i` after `steps` steps. With `ended` (the run is over) a load that
 * started and did not finish was cut off: interrupted, as the core reports it.
 */
export function loadProgress(sweep: FakeSweep, i: number, steps: number, ended = false): LoadProgress {
  const load = sweep.loads[i];
  const done = doneAt(sweep, i, steps);
  const finished = done === sweep.iterations;
  const values = Array.from({ length: done }, (_, k) => fakeBlocking(load, k));
  const s = stats(values);
  return {
    erlang: load,
    index: i,
    iteration: done,
    total_iterations: sweep.iterations,
    latest_blocking: done > 0 ? values[done - 1] : null,
    mean_blocking: s ? s.mean : null,
    ci_lower: s && s.half !== null ? Math.max(0, s.mean - s.half) : null,
    ci_upper: s && s.half !== null ? s.mean + s.half : null,
    ci_percent: s ? s.ciPercent : null,
    complete: finished || ended,
    early_stop: false,
    reason: finished ? 'max_iters' : ended ? 'interrupted' : null,
  };
}

/** The load being simulated after `steps` steps (the latest started). */
function currentIndex(sweep: FakeSweep, steps: number): number {
  return Math.min(sweep.loads.length - 1, Math.floor(steps / sweep.iterations));
}

export function fakeProgress(run: Run, sweep: FakeSweep, steps: number): RunProgress {
  const total = totalSteps(sweep);
  const cur = currentIndex(sweep, steps);
  const finished = run.status === 'COMPLETED';
  const ended = run.status === 'COMPLETED' || run.status === 'FAILED' || run.status === 'CANCELLED';
  const loads: LoadProgress[] = [];
  for (let i = 0; i <= cur; i++) loads.push(loadProgress(sweep, i, steps, ended));
  return {
    source: 'progress_file',
    percent: (steps / total) * 100,
    erlang: sweep.loads[cur],
    erlang_index: cur,
    iteration: doneAt(sweep, cur, steps),
    total_erlangs: sweep.loads.length,
    total_iterations: sweep.iterations,
    finished_iterations: steps,
    loads_complete: loads.filter((l) => l.reason === 'max_iters' || l.reason === 'confidence').length,
    loads_interrupted: loads.filter((l) => l.reason === 'interrupted').length,
    elapsed_seconds: steps * SECONDS_PER_ITERATION,
    eta_seconds: run.status === 'RUNNING' ? (total - steps) * SECONDS_PER_ITERATION : null,
    last_event_at: run.started_at,
    complete: finished && steps === total,
    exit_code: run.exit_code,
    total_time_seconds: finished ? steps * SECONDS_PER_ITERATION : null,
    error: run.status === 'FAILED' ? run.error_message : null,
    loads,
  };
}

/** Loads whose state differs between two step counts (for a partial update). */
export function changedLoads(sweep: FakeSweep, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < sweep.loads.length; i++) {
    if (doneAt(sweep, i, from) !== doneAt(sweep, i, to) || (i === currentIndex(sweep, to) && i !== currentIndex(sweep, from))) out.push(i);
  }
  return out;
}

function logTime(run: Run, seconds: number): string {
  const base = Date.parse(run.started_at ?? run.created_at);
  const d = new Date((Number.isNaN(base) ? 0 : base) + seconds * 1000);
  return d.toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

/** The simulator log after `steps` steps. */
export function fakeLog(run: Run, sweep: FakeSweep, steps: number): string[] {
  if (run.status === 'PENDING') return [];
  const lines: string[] = [];
  const at = (s: number, level: string, text: string) => lines.push(`${logTime(run, s)} [fusion-sim] ${level.padEnd(5)} ${text}`);
  at(0, 'INFO', `starting run ${run.id}: ${sweep.loads.length} loads × ${sweep.iterations} iterations`);
  at(0.1, 'INFO', 'loading topology NSFNet (14 nodes, 21 links)');
  at(0.2, 'INFO', `loads: ${sweep.loads.map((l) => l.toFixed(1)).join(', ')} Erlang`);
  for (let s = 0; s < steps; s++) {
    const i = Math.floor(s / sweep.iterations);
    const k = s % sweep.iterations;
    const load = sweep.loads[i];
    const t = (s + 1) * SECONDS_PER_ITERATION;
    if (k === 0) at(t - SECONDS_PER_ITERATION + 0.3, 'INFO', `${load.toFixed(1)} Erlang: simulating`);
    at(t, 'INFO', `${load.toFixed(1)} Erlang: iteration ${k + 1} of ${sweep.iterations}, blocking ${fakeBlocking(load, k).toFixed(5)}`);
    if (k === sweep.iterations - 1) {
      const p = loadProgress(sweep, i, s + 1);
      at(t + 0.1, 'INFO', `Completed ${load.toFixed(1)} Erlang: mean blocking ${(p.mean_blocking ?? 0).toFixed(5)}`);
    }
  }
  const end = steps * SECONDS_PER_ITERATION + 0.5;
  if (run.status === 'COMPLETED') at(end, 'INFO', 'simulation complete');
  if (run.status === 'FAILED') at(end, 'ERROR', `stopping: ${run.error_message?.split('\n')[0] ?? 'error'}`);
  if (run.status === 'CANCELLED') at(end, 'WARN', 'received SIGTERM; stopping');
  return lines;
}

/** The result file of load `i`; with `ended`, an unfinished load's file is marked partial. */
export function fakeResult(sweep: FakeSweep, i: number, steps: number, ended = false): ErlangResult | null {
  const load = sweep.loads[i];
  const done = doneAt(sweep, i, steps);
  if (done === 0) return null;
  const partial = ended && done < sweep.iterations;
  const list = Array.from({ length: done }, (_, k) => fakeBlocking(load, k));
  const s = stats(list)!;
  const br = list.map((v) => Number((v * 0.62).toPrecision(5)));
  const sb = stats(br)!;
  const total = Math.round(1000 * (1 + load / 300));
  return {
    erlang: load,
    path: `output/${load.toFixed(1)}_erlang.json`,
    iterations: done,
    last_saved_iteration: done - 1,
    is_training: false,
    partial,
    partial_reason: partial ? 'interrupted' : null,
    blocking_mean: s.mean,
    blocking_variance: s.variance,
    ci_rate_block: s.half,
    ci_percent_block: s.ciPercent,
    sim_block_list: list,
    bit_rate_blocking_mean: sb.mean,
    ci_rate_bit_rate_block: sb.half,
    ci_percent_bit_rate_block: sb.ciPercent,
    sim_br_block_list: br,
    hops_mean: Number((2.1 + load / 900).toFixed(3)),
    lengths_mean: Number((1650 + load * 0.9).toFixed(1)),
    trans_mean: Number((1.02 + load / 6000).toFixed(3)),
    lightpath_utilization: Number(Math.min(0.97, 0.35 + load / 1500).toFixed(3)),
    modulations: [
      { bandwidth: '50', modulation: 'QPSK', count: Math.round(total * 0.06) },
      { bandwidth: '100', modulation: 'QPSK', count: Math.round(total * 0.22) },
      { bandwidth: '100', modulation: '16-QAM', count: Math.round(total * 0.28) },
      { bandwidth: '200', modulation: '16-QAM', count: Math.round(total * 0.17) },
      { bandwidth: '400', modulation: '64-QAM', count: Math.round(total * 0.09) },
    ],
    blocked_per_bandwidth: [
      { bandwidth: '100', count: Math.round(total * s.mean * 0.4) },
      { bandwidth: '200', count: Math.round(total * s.mean * 0.35) },
      { bandwidth: '400', count: Math.round(total * s.mean * 0.25) },
    ],
    sim_end_time: null,
  };
}

/** What FUSION writes to `<E>_erlang.json` (a subset). */
export function fakeErlangJson(r: ErlangResult): Record<string, unknown> {
  return {
    blocking_mean: r.blocking_mean,
    blocking_variance: r.blocking_variance,
    ci_rate_block: r.ci_rate_block,
    ci_percent_block: r.ci_percent_block,
    bit_rate_blocking_mean: r.bit_rate_blocking_mean,
    sim_block_list: r.sim_block_list,
    sim_br_block_list: r.sim_br_block_list,
    iter_stats: Object.fromEntries(
      r.sim_block_list.map((b, k) => [
        String(k),
        {
          sim_block_list: b,
          hops_mean: r.hops_mean,
          lengths_mean: r.lengths_mean,
          trans_mean: r.trans_mean,
          mods_used_dict: Object.fromEntries(
            [...new Set(r.modulations.map((m) => m.bandwidth))].map((bw) => [
              bw,
              Object.fromEntries(r.modulations.filter((m) => m.bandwidth === bw).map((m) => [m.modulation, m.count])),
            ]),
          ),
          block_bw_dict: Object.fromEntries(r.blocked_per_bandwidth.map((b) => [b.bandwidth, b.count])),
        },
      ]),
    ),
    sim_params: { erlang: r.erlang, network: 'NSFNet', k_paths: 3, c_band: 320, allocation_method: 'first_fit' },
  };
}

// ---- files -------------------------------------------------------------------

/** A 16 × 16 PNG (a blue gradient square). */
export const FAKE_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAABz0lEQVR42g3LobKFIBRA0fc5N5PJZvOJDMlgMDnEExkSgWByjETHZDAYieT9Mc/V199PMIIVBmEURPDCLKyCCkkowi5U4RIe4e/nMA7rGByjQxzeMTtWhzqSozh2R3Vcjsd9YcJM2IlhYpyQCT8xT6wTOpEmysQ+USeuiWf6woJZsAvDwrggC35hXlgXdCEtlIV9oS5cC8/yhYAJ2MAQGAMS8IE5sAY0kAIlsAdq4Ao84QuKUawyKKMiildmZVVUSUpRdqUql/LoFyImYiNDZIxIxEfmyBrRSIqUyB6pkSvyxC9kTMZmhsyYkYzPzJk1o5mUKZk9UzNX5slf2DAbdmPYGDdkw2/MG+uGbqSNsrFv1I1r49m+cGAO7MFwMB7IgT+YD9YDPUgH5WA/qAfXwXN8oWIqtjJUxopUfGWurBWtpEqp7JVauSpP/cKJObEnw8l4Iif+ZD5ZT/QknZST/aSeXCfP+YUbc2NvhpvxRm78zXyz3uhNuik3+029uW6e+wsv5sW+DC/ji7z4l/llfdGX9FJe9pf6cr087xcapmEbQ2NsSMM35sba0EZqlMbeqI2r8bQvdEzHdobO2JGO78ydtaOd1CmdvVM7V+fp/ANj/eUQKR5yRAAAAABJRU5ErkJggg==';

function fakeFiles(config: string, sweep: FakeSweep, steps: number, log: readonly string[]): MemoryFile[] {
  const logText = log.join('\n') + (log.length ? '\n' : '');
  const results = sweep.loads.map((_, i) => fakeResult(sweep, i, steps)).filter((r): r is ErlangResult => r !== null);
  const progressLines = Array.from({ length: steps }, (_, s) => {
    const i = Math.floor(s / sweep.iterations);
    const k = s % sweep.iterations;
    return JSON.stringify({ event: 'iteration', erlang: sweep.loads[i], iteration: k + 1, blocking: fakeBlocking(sweep.loads[i], k) });
  }).join('\n');
  const csvHeader = ['erlang', 'iteration', 'blocking_probability', 'bit_rate_blocking'];
  const csvRows = results.flatMap((r) => r.sim_block_list.map((b, k) => [r.erlang.toFixed(1), String(k + 1), String(b), String(r.sim_br_block_list[k])]));
  const files: MemoryFile[] = [
    { kind: 'file', path: 'config.ini', size: config.length, content: { kind: 'text', head: config, tail: null, truncated: false, note: null } },
    { kind: 'dir', path: 'logs' },
    {
      kind: 'file',
      path: 'logs/sim.log',
      size: logText.length,
      content:
        logText.length <= 4000
          ? { kind: 'text', head: logText, tail: null, truncated: false, note: null }
          : { kind: 'text', head: logText.slice(0, 1600), tail: logText.slice(-1600), truncated: true, note: null },
    },
    {
      kind: 'file',
      path: 'progress.jsonl',
      size: progressLines.length,
      content: { kind: 'text', head: progressLines, tail: null, truncated: false, note: 'JSON Lines: one event per line' },
    },
    { kind: 'dir', path: 'output' },
    ...results.map((r): MemoryFile => {
      const value = fakeErlangJson(r);
      const pretty = JSON.stringify(value, null, 2);
      return { kind: 'file', path: r.path, size: pretty.length, content: { kind: 'json', value: value as never, pretty, truncated: false } };
    }),
    {
      kind: 'file',
      path: 'output/blocking_per_iteration.csv',
      size: (csvHeader.join(',') + '\n' + csvRows.map((r) => r.join(',')).join('\n')).length,
      content: { kind: 'csv', delimiter: ',', header: csvHeader, rows: csvRows, rows_shown: csvRows.length, truncated: false },
    },
    {
      kind: 'file',
      path: 'output/blocking.png',
      size: 180,
      content: { kind: 'image', mime: 'image/png', data_base64: FAKE_PNG_BASE64 },
    },
    {
      kind: 'file',
      path: 'output/agent_state.pkl',
      size: 48_213,
      content: { kind: 'binary', detected: 'Python pickle (protocol 4)', mime: null, note: 'Binary files are not shown.' },
    },
    { kind: 'symlink', path: 'latest', size: 6, target: 'output', content: { kind: 'binary', detected: 'symbolic link', mime: null, note: 'Links are never followed.' } },
    { kind: 'root', path: '@fusion', location: '/opt/fusion' },
    {
      kind: 'file',
      path: '@fusion/README.md',
      size: 120,
      content: { kind: 'text', head: '# FUSION\n\nFlexible Unified System for Intelligent Optical Networking.\n', tail: null, truncated: false, note: null },
    },
  ];
  return files;
}

// ---- network -----------------------------------------------------------------

/** NSFNet's 14 nodes on a map of the US (x, y in 0…1). */
export const NSF_XY: [number, number][] = [
  [0.04, 0.22],
  [0.03, 0.58],
  [0.13, 0.82],
  [0.27, 0.46],
  [0.4, 0.55],
  [0.5, 0.9],
  [0.53, 0.43],
  [0.66, 0.42],
  [0.79, 0.36],
  [0.7, 0.76],
  [0.7, 0.2],
  [0.87, 0.14],
  [0.95, 0.33],
  [0.9, 0.55],
];

const NSF_LINKS: [number, number, number][] = [
  [0, 1, 1100],
  [0, 2, 1600],
  [0, 7, 2800],
  [1, 2, 600],
  [1, 3, 1000],
  [2, 5, 2000],
  [3, 4, 600],
  [3, 10, 2400],
  [4, 5, 1100],
  [4, 6, 800],
  [5, 9, 1200],
  [5, 13, 3600],
  [6, 7, 700],
  [7, 8, 700],
  [8, 9, 900],
  [8, 11, 500],
  [8, 12, 500],
  [10, 11, 800],
  [10, 12, 800],
  [11, 13, 300],
  [12, 13, 300],
];

export function fakeNetwork(): NetworkView {
  const links: LinkView[] = NSF_LINKS.map(([a, b, km]) => ({
    source: String(a),
    target: String(b),
    length_km: km,
    forward_km: km,
    backward_km: km,
    asymmetric: false,
    duplicate_lines: 0,
  }));
  const nodes: NodeView[] = NSF_XY.map(([x, y], i) => ({
    id: String(i),
    degree: links.filter((l) => l.source === String(i) || l.target === String(i)).length,
    x,
    y,
    core: false,
  }));
  return { name: 'NSFNet', node_count: nodes.length, link_count: links.length, line_count: links.length * 2, nodes, links };
}

export function fakeUsage(view: NetworkView, erlang: number): LinkUsage[] {
  return view.links.map((l, i) => {
    const count = Math.round((erlang / 20) * (0.5 + ((i * 37) % 23) / 23) + l.length_km / 200);
    return { source: l.source, target: l.target, usage_count: count, forward_count: count, backward_count: count, throughput: count * 120 };
  });
}

// ---- a whole run ------------------------------------------------------------

export type FakeRunShape = {
  /** Loads swept, in order (default: the quick template's 300, 400, 500). */
  loads?: number[];
  /** Iterations per load (default 3). */
  iterations?: number;
  /** Iterations finished over all loads (default: a plausible point for the run's status). */
  steps?: number;
  /** The frozen config (default: the template's text). */
  config?: string;
};

/** Iterations a run seeded in `status` has finished: none pending, all completed, part of them otherwise. */
function stepsFor(status: Run['status'], total: number): number {
  switch (status) {
    case 'PENDING':
      return 0;
    case 'COMPLETED':
      return total;
    case 'RUNNING':
      return Math.floor(total * 0.4);
    case 'FAILED':
      return Math.min(total - 1, 1);
    case 'CANCELLED':
      return Math.floor(total / 2);
  }
}

/** Everything the store holds about `run` after `shape.steps` iterations. */
export function fakeRunData(run: Run, shape: FakeRunShape = {}): MemoryRunData {
  const sweep: FakeSweep = { loads: shape.loads ?? [300, 400, 500], iterations: shape.iterations ?? 3 };
  const steps = shape.steps ?? stepsFor(run.status, totalSteps(sweep));
  const config = shape.config ?? fakeTemplateText(run.template);
  const ended = run.status === 'COMPLETED' || run.status === 'FAILED' || run.status === 'CANCELLED';
  const log = fakeLog(run, sweep, steps);
  // Listed as the core lists a folder: folders first, then by name with numbers in order.
  const collator = new Intl.Collator(undefined, { numeric: true });
  const rank = (f: MemoryFile) => (f.kind === 'dir' || f.kind === 'root' ? 0 : 1);
  const files = fakeFiles(config, sweep, steps, log).sort((a, b) => rank(a) - rank(b) || collator.compare(a.path, b.path));
  const bytes = files.reduce((a, f) => a + (f.kind === 'file' ? f.size : 0), 0);
  const rows = sweep.loads.map((_, i) => fakeResult(sweep, i, steps, ended)).filter((r): r is ErlangResult => r !== null);
  const view = fakeNetwork();
  const erlangs = sweep.loads.filter((_, i) => loadProgress(sweep, i, steps).iteration > 0);
  const topologies = erlangs.map((erlang): RunTopology => {
    const usage = fakeUsage(view, erlang);
    const counts = usage.map((u) => u.usage_count);
    return {
      run_id: run.id,
      network: view.name,
      view,
      erlangs,
      erlang,
      usage,
      min_usage: Math.min(...counts),
      max_usage: Math.max(...counts),
      results_file: `output/${erlang.toFixed(1)}_erlang.json`,
      unmatched: [],
    };
  });
  return {
    config,
    templateDiff: null,
    log,
    progress: run.status === 'PENDING' ? null : fakeProgress(run, sweep, steps),
    cursor: { progress_offset: steps, log_offset: lineOffsets(log)[log.length] },
    files,
    usage: {
      path: '',
      bytes,
      disk_bytes: files.reduce((a, f) => a + (f.kind === 'file' ? Math.ceil(f.size / 4096) * 4096 : 4096), 0),
      files: files.filter((f) => f.kind === 'file').length,
      folders: files.filter((f) => f.kind === 'dir' || f.kind === 'root').length,
      symlinks: files.filter((f) => f.kind === 'symlink').length,
      complete: true,
    },
    results: { run_id: run.id, rows, problems: [] },
    topologies,
    leftOnCluster: [],
  };
}

/** The stored data of several runs, by id. */
export function fakeRunsData(runs: Run[], shape: FakeRunShape = {}): Record<string, MemoryRunData> {
  return Object.fromEntries(runs.map((r) => [r.id, fakeRunData(r, shape)]));
}

/**
 * The progress update a stream sends when a run goes from `from` to `to`
 * finished iterations: only the loads that changed.
 */
export function fakeProgressUpdate(run: Run, shape: FakeRunShape, from: number, to: number): RunProgress {
  const sweep: FakeSweep = { loads: shape.loads ?? [300, 400, 500], iterations: shape.iterations ?? 3 };
  const progress = fakeProgress(run, sweep, to);
  const changed = new Set(changedLoads(sweep, from, to));
  return { ...progress, loads: progress.loads.filter((l) => changed.has(l.index ?? -1)) };
}
