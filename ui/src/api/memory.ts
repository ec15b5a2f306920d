// An in-memory Backend: component tests drive it directly, and the browser
// demo (`vite dev` outside the desktop shell) shows it with seeded runs.
// It follows the core's rules: runs go PENDING → RUNNING → COMPLETED (or
// FAILED / CANCELLED), at most `max_concurrent_runs` run at once, only
// finished runs can be deleted, and every change is announced as an event.

import type { CreateRunRequest } from '../bindings/CreateRunRequest';
import type { DeskError } from '../bindings/DeskError';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunPage } from '../bindings/RunPage';
import type { RunStatus } from '../bindings/RunStatus';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
import type { ClusterProfile } from '../bindings/ClusterProfile';
import type { ClusterCheck } from '../bindings/ClusterCheck';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import type { ArtifactListing } from '../bindings/ArtifactListing';
import type { ArtifactPreview } from '../bindings/ArtifactPreview';
import type { ArtifactUsage } from '../bindings/ArtifactUsage';
import type { ExportSummary } from '../bindings/ExportSummary';
import type { LogLinesPage } from '../bindings/LogLinesPage';
import type { LogMessage } from '../bindings/LogMessage';
import type { LogSearchQuery } from '../bindings/LogSearchQuery';
import type { LogSearchResult } from '../bindings/LogSearchResult';
import type { LogSnapshot } from '../bindings/LogSnapshot';
import type { ProgressCursor } from '../bindings/ProgressCursor';
import type { ProgressMessage } from '../bindings/ProgressMessage';
import type { ResultsTable } from '../bindings/ResultsTable';
import type { RunProgress } from '../bindings/RunProgress';
import type { RunTopology } from '../bindings/RunTopology';
import type { NoticeTarget } from '../bindings/NoticeTarget';
import type { Sweep } from '../bindings/Sweep';
import type { SweepDetail } from '../bindings/SweepDetail';
import type { SweepPreview } from '../bindings/SweepPreview';
import type { SweepRequest } from '../bindings/SweepRequest';
import { AxisError, countRuns, parseAxes, pointAt } from '../lib/sweepAxes';
import { parseOverride } from '../lib/overrides';
import type { BulkItem } from '../bindings/BulkItem';
import type { CleanupPreview } from '../bindings/CleanupPreview';
import type { CleanupQuery } from '../bindings/CleanupQuery';
import type { CleanupReport } from '../bindings/CleanupReport';
import type { Comparison } from '../bindings/Comparison';
import type { RunFacets } from '../bindings/RunFacets';
import {
  compareRuns,
  MAX_NOTE_BYTES,
  metricFiltersMatch,
  normalizeTags,
  runMatches,
  sortRuns,
  templateChanges,
} from './memoryHistory';
import type { TemplateDiff } from '../bindings/TemplateDiff';
import type { FigureOptions } from '../bindings/FigureOptions';
import type { FigurePreview } from '../bindings/FigurePreview';
import type { PlotRequest } from '../bindings/PlotRequest';
import { MEMORY_SCHEMA } from './setup';
import { MAX_LOG_LINES_PER_CALL, type Backend, type FigureFormat, type PlotFormat, type QuitMode, type QuitRequest, type StreamId, type Unsubscribe } from './backend';
import {
  changedLoads,
  fakeFiles,
  fakeLog,
  fakeNetwork,
  fakeProgress,
  fakeResult,
  fakeUsage,
  lineOffsets,
  loadProgress,
  parentOf,
  sweepOf,
  toEntry,
  totalSteps,
  type FakeFile,
  type FakeSweep,
} from './memoryData';

type MemStream =
  | { kind: 'log'; runId: string; offset: number; send: (m: LogMessage) => void }
  | { kind: 'progress'; runId: string; steps: number | null; send: (m: ProgressMessage) => void };

/** Milliseconds per fake iteration of the runs seeded as RUNNING (demo). */
const SEEDED_STEP_MS = 2500;
const EXPORT_DIR = '/home/researcher/Documents';

/** Timer lengths of the simulated lifecycle; `null` disables automatic progress. */
export type MemoryTiming = {
  /** PENDING → RUNNING once a slot is free. */
  startMs: number;
  /** RUNNING → COMPLETED (or FAILED). */
  runMs: number;
  /** Cancel requested → CANCELLED (the SIGTERM grace period, shortened). */
  cancelMs: number;
};

export type MemoryOptions = {
  runs?: Run[];
  templates?: TemplateInfo[];
  settings?: Partial<Settings>;
  dataDir?: string;
  /** Simulates `FUSION_DESK_SIMULATOR`. */
  simulatorEnvOverride?: string | null;
  timing?: MemoryTiming | null;
  /** Delay of every call, to make loading states visible in the demo. */
  latencyMs?: number;
  /** Slurm cluster profiles (runs sent there behave like local ones here). */
  clusters?: ClusterProfile[];
};

export type MemoryCall = { method: string; args: unknown[] };

type Method = Exclude<keyof Backend, 'kind'>;

/** The run has ended: what it left unfinished was cut off. */
function isOver(r: Run): boolean {
  return TERMINAL.includes(r.status);
}

const DATA_DIR = '/home/researcher/.local/share/fusion-desk';
const BUNDLED_SIM = '/usr/lib/fusion-desk/fusion-sim';

export const DEFAULT_TEMPLATES: TemplateInfo[] = [
  { name: 'quick', description: 'NSFNet, 300–500 Erlang, 3 × 1000 requests: finishes in seconds', builtin: true },
  { name: 'default', description: "FUSION's default sweep: NSFNet, 300–1200 Erlang, 4 × 500 requests", builtin: true },
  { name: 'minimal', description: "FUSION's minimal template: 300–500 Erlang, 2 × 100 requests", builtin: true },
  { name: 'cross_platform', description: "FUSION's cross-platform template", builtin: true },
  { name: 'survivability_experiment', description: "FUSION's survivability experiment", builtin: true },
  { name: 'xtar_example_config', description: "FUSION's crosstalk-aware example", builtin: true },
];

/** Timestamps in the core's format: UTC, milliseconds, `+00:00`. */
export function timestamp(d: Date = new Date()): string {
  return d.toISOString().replace('Z', '+00:00');
}

function newId(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

let seqCounter = 0;

/** A complete Run with sensible defaults, for tests and seeding. */
export function makeRun(patch: Partial<Run> = {}): Run {
  const id = patch.id ?? newId();
  const runDir = `${DATA_DIR}/runs/${id}`;
  const created = patch.created_at ?? timestamp();
  return {
    id,
    name: `quick ${created.slice(0, 16).replace('T', ' ')}`,
    template: 'quick',
    status: 'PENDING',
    overrides: [],
    simulator: BUNDLED_SIM,
    pid: null,
    pgid: null,
    exit_code: null,
    exit_signal: null,
    error_message: null,
    cancel_requested_at: null,
    created_at: created,
    started_at: null,
    completed_at: null,
    updated_at: created,
    config_path: `${runDir}/config.ini`,
    run_dir: runDir,
    executor: 'local',
    slurm_job_id: null,
    status_detail: null,
    sweep_id: null,
    rerun_of: null,
    tags: [],
    note: '',
    network: 'NSFNet',
    disk_bytes: null,
    ...patch,
  };
}

/** The core's checks of a cluster profile, with its wording. */
function validateCluster(p: ClusterProfile): DeskError | null {
  const bad = (field: string, why: string) => err('invalid_input', `cluster profile ${field}: ${why}`);
  if (!p.name.trim()) return bad('name', 'is required');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(p.name)) return bad('name', `${JSON.stringify(p.name)} must be 1 to 64 letters, digits, '.', '_' or '-'`);
  if (p.name.toLowerCase() === 'local') return bad('name', '"local" names this machine; pick another name');
  if (!/^[A-Za-z0-9._-]*$/.test(p.partition)) return bad('partition', `${JSON.stringify(p.partition)} is not a partition name`);
  if (!/^[A-Za-z0-9._-]*$/.test(p.account)) return bad('account', `${JSON.stringify(p.account)} is not an account name`);
  if (p.time_limit && !/^(\d+-)?\d+(:\d+){0,2}$|^UNLIMITED$/.test(p.time_limit)) {
    return bad('time limit', `${JSON.stringify(p.time_limit)} is not a Slurm time: use minutes, HH:MM:SS or D-HH:MM:SS`);
  }
  if (!Number.isInteger(p.cpus_per_run) || p.cpus_per_run < 1 || p.cpus_per_run > 4096) return bad('CPUs per run', 'must be between 1 and 4096');
  if (p.memory_per_run && !/^[1-9]\d*[KMGTkmgt]?$/.test(p.memory_per_run)) {
    return bad('memory per run', `${JSON.stringify(p.memory_per_run)} is not a size: a number with K, M, G or T (e.g. 4G)`);
  }
  for (const o of p.extra_sbatch_options) {
    if (!o.startsWith('-')) return bad('extra sbatch options', `${JSON.stringify(o)} must be one option such as --qos=long, on one line`);
  }
  if (p.data_folder && !p.data_folder.startsWith('/')) {
    return bad('data folder', `${JSON.stringify(p.data_folder)} must be an absolute path as the cluster's nodes see it`);
  }
  return null;
}

function copyRun(r: Run): Run {
  return { ...r, overrides: [...r.overrides], tags: [...r.tags] };
}

function err(code: DeskError['code'], message: string): DeskError {
  return { code, message };
}

const TERMINAL: RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

function templateText(name: string): string {
  const sweep: Record<string, [number, number, number, number, number]> = {
    quick: [300, 500, 100, 3, 1000],
    default: [300, 1200, 300, 4, 500],
    minimal: [300, 500, 100, 2, 100],
  };
  const [start, stop, step, iters, reqs] = sweep[name] ?? [300, 600, 300, 2, 500];
  return `[general_settings]
# Traffic load sweep, in Erlang
erlang_start = ${start}
erlang_stop = ${stop}
erlang_step = ${step}

max_iters = ${iters}
num_requests = ${reqs}
holding_time = 0.2
thread_num = s1

mod_assumption = DEFAULT
mod_assumption_path = data/json_input/example_mods/default_mod_formats.json
request_distribution = {"25": 0.10, "50": 0.10, "100": 0.50, "200": 0.20, "400": 0.10}

guard_slots = 1
max_segments = 4
route_method = k_shortest_path
allocation_method = first_fit

[topology_settings]
network = NSFNet
cores_per_link = 3
bw_per_slot = 12.5

[routing_settings]
k_paths = 3

[spectrum_settings]
c_band = 320

[file_settings]
file_type = json
`;
}

/** Applies `section.key=value` overrides the way the core does: replace, or add to the section. */
function applyOverrides(text: string, overrides: string[]): string {
  const lines = text.split('\n');
  for (const o of overrides) {
    const p = parseOverride(o);
    if ('reason' in p) continue;
    const key = p.key.toLowerCase();
    let section = '';
    let sectionEnd = -1;
    let done = false;
    for (let i = 0; i < lines.length; i++) {
      const t = lines[i].trim();
      const h = /^\[(.+)\]$/.exec(t);
      if (h) {
        section = h[1].trim();
        continue;
      }
      if (section !== p.section) continue;
      if (t !== '') sectionEnd = i;
      const m = /^([^=:#;]+?)\s*[=:]/.exec(t);
      if (m && m[1].toLowerCase() === key) {
        lines[i] = `${key} = ${p.value}`;
        done = true;
        break;
      }
    }
    if (done) continue;
    if (sectionEnd >= 0) lines.splice(sectionEnd + 1, 0, `${key} = ${p.value}`);
    else lines.push('', `[${p.section}]`, `${key} = ${p.value}`);
  }
  return lines.join('\n');
}

function validateSettings(s: Settings): DeskError | null {
  if (!Number.isInteger(s.max_concurrent_runs) || s.max_concurrent_runs < 1 || s.max_concurrent_runs > 256) {
    return err('invalid_input', 'max concurrent runs must be between 1 and 256');
  }
  if (!Number.isFinite(s.cancel_grace_seconds) || s.cancel_grace_seconds < 0 || s.cancel_grace_seconds > 3600) {
    return err('invalid_input', 'the cancel grace period must be between 0 and 3600 seconds');
  }
  const quotes = (s.simulator_command.match(/"/g) ?? []).length + (s.simulator_command.match(/'/g) ?? []).length;
  if (quotes % 2 === 1) return err('invalid_input', 'simulator command has an unclosed quote');
  return null;
}

export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const;

  /** Every call made, in order, for assertions. */
  readonly calls: MemoryCall[] = [];
  /** Modes passed to `quit`. */
  readonly quitModes: QuitMode[] = [];

  private runs: Run[] = [];
  private seq = new Map<string, number>();
  private configs = new Map<string, string>();
  private templates: TemplateInfo[];
  private settings: Settings;
  private dataDir: string;
  private envOverride: string | null;
  private timing: MemoryTiming | null;
  private latencyMs: number;
  private timers = new Map<string, ReturnType<typeof setTimeout>[]>();
  private failures = new Map<Method, DeskError[]>();
  private runListeners = new Set<(e: RunEvent) => void>();
  private quitListeners = new Set<(r: QuitRequest) => void>();
  /** Iterations each run has finished, over all its loads. */
  private steps = new Map<string, number>();
  private streams = new Map<number, MemStream>();
  private nextStream = 0;
  private dialogCancels = 0;
  private clusters: ClusterProfile[];
  private nextJob = 4100;
  private sweepRows: Omit<Sweep, 'counts'>[] = [];
  private openTargetListeners = new Set<(target: NoticeTarget) => void>();

  constructor(options: MemoryOptions = {}) {
    this.templates = options.templates ?? DEFAULT_TEMPLATES;
    this.settings = { simulator_command: '', max_concurrent_runs: 2, cancel_grace_seconds: 10, notify_when_finished: true, ...options.settings };
    this.dataDir = options.dataDir ?? DATA_DIR;
    this.envOverride = options.simulatorEnvOverride ?? null;
    this.timing = options.timing === undefined ? { startMs: 300, runMs: 4000, cancelMs: 1000 } : options.timing;
    this.latencyMs = options.latencyMs ?? 0;
    this.clusters = (options.clusters ?? []).map((c) => ({ ...c, extra_sbatch_options: [...c.extra_sbatch_options] }));
    // `runs` is given newest first, as lists show it.
    for (const r of [...(options.runs ?? [])].reverse()) this.insert(copyRun(r));
    // Seeded running runs make progress too (demo): one iteration every few seconds.
    if (this.timing) {
      for (const r of this.runs) {
        if (r.status === 'RUNNING' && !r.cancel_requested_at) this.tick(r.id, SEEDED_STEP_MS, true);
      }
    }
  }

  // ---- test and demo controls -------------------------------------------

  /** The next call of `method` rejects with `error` (queued, one per call). */
  failNext(method: Method, error: DeskError): void {
    const q = this.failures.get(method) ?? [];
    q.push(error);
    this.failures.set(method, q);
  }

  /** Calls of one method, for assertions. */
  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Delivers an event to every subscriber, as the shell would. */
  emit(event: RunEvent): void {
    for (const h of [...this.runListeners]) h(event);
  }

  /** Simulates the user closing the window. */
  requestQuit(active?: number): void {
    const n = active ?? this.runs.filter((r) => !TERMINAL.includes(r.status)).length;
    for (const h of [...this.quitListeners]) h({ active: n });
  }

  /** Changes a stored run and announces it (`run_updated`). */
  update(id: string, patch: Partial<Run>): Run {
    const r = this.runs.find((x) => x.id === id);
    if (!r) throw new Error(`no run ${id}`);
    const before = r.status;
    Object.assign(r, patch, { updated_at: timestamp() });
    if (r.status === 'COMPLETED' && before !== 'COMPLETED') this.steps.set(id, totalSteps(this.sweep(r)));
    this.emit({ type: 'run_updated', run: copyRun(r) });
    queueMicrotask(() => this.pumpRun(id));
    return copyRun(r);
  }

  /** Current state of a run, without recording a call. */
  peek(id: string): Run | undefined {
    const r = this.runs.find((x) => x.id === id);
    return r && copyRun(r);
  }

  /** Iterations the fake simulation of a run has finished. */
  stepsOf(id: string): number {
    return this.currentSteps(this.find(id));
  }

  /** Total iterations of a run's fake simulation (loads × iterations). */
  totalStepsOf(id: string): number {
    return totalSteps(this.sweep(this.find(id)));
  }

  /** Moves a run's fake simulation on by `n` iterations: its log grows and its streams get the news. */
  advance(id: string, n = 1): void {
    const r = this.find(id);
    this.steps.set(id, Math.min(totalSteps(this.sweep(r)), this.currentSteps(r) + n));
    this.pumpRun(id);
  }

  /** Sends a message to every log stream of a run, as the core would (a `reset` restarts them at offset 0). */
  emitLog(id: string, message: LogMessage): void {
    for (const st of this.streams.values()) {
      if (st.kind !== 'log' || st.runId !== id) continue;
      if (message.type === 'reset') st.offset = 0;
      st.send(message);
    }
  }

  /** Simulates the log being replaced: every log stream gets `reset` and then the log again from offset 0. */
  resetLog(id: string): void {
    this.emitLog(id, { type: 'reset' });
    this.pumpRun(id);
  }

  /** Sends a message to every progress stream of a run. */
  emitProgress(id: string, message: ProgressMessage): void {
    for (const st of this.streams.values()) if (st.kind === 'progress' && st.runId === id) st.send(message);
  }

  /** Streams open now, by kind (tests check that pages close theirs). */
  openStreams(kind?: 'log' | 'progress'): { id: number; runId: string; kind: 'log' | 'progress' }[] {
    return [...this.streams.entries()].filter(([, s]) => !kind || s.kind === kind).map(([id, s]) => ({ id, runId: s.runId, kind: s.kind }));
  }

  /** The next native dialog (save, export) is cancelled by the user. */
  cancelNextDialog(): void {
    this.dialogCancels++;
  }

  /** Stops every timer (tests call this in cleanup). */
  dispose(): void {
    for (const list of this.timers.values()) list.forEach(clearTimeout);
    this.timers.clear();
    this.runListeners.clear();
    this.quitListeners.clear();
    this.streams.clear();
  }

  // ---- Backend ----------------------------------------------------------

  createRun(request: CreateRunRequest): Promise<Run> {
    return this.handle('createRun', [request], () => {
      // A full config text only labels the run with its template, as the core does.
      if (request.config_text === undefined && !this.templates.some((t) => t.name === request.template)) {
        throw err('not_found', `unknown template ${JSON.stringify(request.template)}`);
      }
      const overrides: string[] = [];
      for (const o of request.overrides) {
        const p = parseOverride(o);
        if ('reason' in p) throw err('invalid_input', `invalid override ${JSON.stringify(o)}: ${p.reason}`);
        overrides.push(`${p.section}.${p.key.toLowerCase()}=${p.value}`);
      }
      const name = request.name?.trim();
      if (name && name.length > 200) throw err('invalid_input', 'a run name is at most 200 characters');
      const placement = this.placement(request.executor);
      const now = timestamp();
      const id = newId();
      const runDir = `${this.dataDir}/runs/${id}`;
      const run = makeRun({
        id,
        name: name || `${request.template} ${now.slice(0, 16).replace('T', ' ')}`,
        template: request.template,
        overrides,
        simulator: this.effectiveSimulator(),
        created_at: now,
        updated_at: now,
        run_dir: runDir,
        config_path: `${runDir}/config.ini`,
        ...placement,
      });
      const base = request.config_text !== undefined ? request.config_text.replace(/^# Frozen by FUSION Desk[^\n]*\n/, '') : templateText(request.template);
      this.configs.set(
        id,
        `# Frozen by FUSION Desk for run ${id} from template ${JSON.stringify(request.template)} at ${now}\n` + applyOverrides(base, overrides),
      );
      this.insert(run);
      this.announce(run);
      this.dispatch();
      return copyRun(this.find(id));
    });
  }

  listRuns(query: ListQuery): Promise<RunPage> {
    return this.handle('listRuns', [query], () => {
      const matches = sortRuns(
        this.newestFirst().filter((r) => runMatches(r, query) && metricFiltersMatch(r, query)),
        query,
      );
      const offset = Math.max(0, query.offset ?? 0);
      const limit = Math.min(1000, Math.max(1, query.limit ?? 50));
      return { runs: matches.slice(offset, offset + limit).map(copyRun), total: matches.length, offset, limit };
    });
  }

  getRun(id: string): Promise<Run> {
    return this.handle('getRun', [id], () => copyRun(this.find(id)));
  }

  runConfig(id: string): Promise<string> {
    return this.handle('runConfig', [id], () => this.configOf(this.find(id)));
  }

  templateDiff(id: string): Promise<TemplateDiff> {
    return this.handle('templateDiff', [id], () => {
      const r = this.find(id);
      const known = this.templates.some((t) => t.name === r.template);
      if (!known) return { template: r.template, template_missing: true, changes: [] };
      return { template: r.template, template_missing: false, changes: templateChanges(templateText(r.template), this.configOf(r)) };
    });
  }

  cancelRun(id: string): Promise<Run> {
    return this.handle('cancelRun', [id], () => {
      const r = this.find(id);
      if (r.status === 'PENDING') {
        this.clearTimers(id);
        const now = timestamp();
        Object.assign(r, { status: 'CANCELLED', cancel_requested_at: now, completed_at: now, updated_at: now });
        this.announce(r);
        return copyRun(r);
      }
      if (r.status !== 'RUNNING') {
        throw err('invalid_state', `run ${id} is already ${r.status}; only pending or running runs can be cancelled`);
      }
      if (!r.cancel_requested_at) {
        const now = timestamp();
        Object.assign(r, { cancel_requested_at: now, updated_at: now });
        this.announce(r);
        if (this.timing) {
          this.clearTimers(id);
          this.later(id, this.timing.cancelMs, () => this.finish(id, 'CANCELLED', { exit_signal: 15 }));
        }
      }
      return copyRun(r);
    });
  }

  deleteRun(id: string): Promise<void> {
    return this.handle('deleteRun', [id], () => {
      const r = this.find(id);
      if (!TERMINAL.includes(r.status)) {
        throw err('invalid_state', `run ${id} is ${r.status}; cancel it before deleting it`);
      }
      this.runs = this.runs.filter((x) => x.id !== id);
      this.configs.delete(id);
      this.clearTimers(id);
      queueMicrotask(() => this.emit({ type: 'run_deleted', id }));
    });
  }

  listTemplates(): Promise<TemplateInfo[]> {
    return this.handle('listTemplates', [], () => this.templates.map((t) => ({ ...t })));
  }

  getSettings(): Promise<SettingsView> {
    return this.handle('getSettings', [], () => this.view());
  }

  listClusters(): Promise<ClusterProfile[]> {
    return this.handle('listClusters', [], () => this.clusterCopies());
  }

  saveCluster(profile: ClusterProfile): Promise<ClusterProfile[]> {
    return this.handle('saveCluster', [profile], () => {
      const problem = validateCluster(profile);
      if (problem) throw problem;
      const copy = { ...profile, extra_sbatch_options: [...profile.extra_sbatch_options] };
      const at = this.clusters.findIndex((c) => c.name === profile.name);
      if (at >= 0) this.clusters[at] = copy;
      else this.clusters.push(copy);
      return this.clusterCopies();
    });
  }

  removeCluster(name: string): Promise<ClusterProfile[]> {
    return this.handle('removeCluster', [name], () => {
      if (!this.clusters.some((c) => c.name === name)) throw err('not_found', `no cluster profile named ${JSON.stringify(name)}`);
      this.clusters = this.clusters.filter((c) => c.name !== name);
      return this.clusterCopies();
    });
  }

  checkCluster(name: string): Promise<ClusterCheck> {
    return this.handle('checkCluster', [name], () => {
      const c = this.clusters.find((x) => x.name === name);
      if (!c) throw err('invalid_input', `executor: no cluster profile named ${JSON.stringify(name)}`);
      const partition = c.partition || 'debug';
      return {
        profile: name,
        ok: true,
        summary: `partition ${partition} (up): 4 node(s) idle, 32 CPUs each`,
        problem: null,
        host_key_type: null,
        host_key_fingerprint: null,
      };
    });
  }

  private clusterCopies(): ClusterProfile[] {
    return this.clusters.map((c) => ({ ...c, extra_sbatch_options: [...c.extra_sbatch_options] }));
  }

  saveSettings(settings: Settings): Promise<SettingsView> {
    return this.handle('saveSettings', [settings], () => {
      const problem = validateSettings(settings);
      if (problem) throw problem;
      this.settings = { ...settings, simulator_command: settings.simulator_command.trim() };
      this.dispatch();
      return this.view();
    });
  }

  quit(mode: QuitMode): Promise<void> {
    return this.handle('quit', [mode], () => {
      this.quitModes.push(mode);
    });
  }

  // ---- logs ----

  logSnapshot(id: string, offset: number | null, maxBytes: number): Promise<LogSnapshot> {
    return this.handle('logSnapshot', [id, offset, maxBytes], () => {
      const r = this.find(id);
      const lines = this.logOf(r);
      const offs = lineOffsets(lines);
      const size = offs[lines.length];
      const budget = Math.max(1, maxBytes);
      let first: number;
      let last: number;
      let reset = false;
      if (offset === null) {
        last = lines.length;
        first = last;
        while (first > 0 && offs[last] - offs[first - 1] <= budget) first--;
      } else {
        let start = offset;
        if (start > size) {
          start = 0;
          reset = true;
        }
        first = offs.findIndex((o) => o >= start);
        if (first < 0) first = lines.length;
        last = first;
        while (last < lines.length && offs[last + 1] - offs[first] <= budget) last++;
      }
      return {
        first_line: first,
        offset_start: offs[first],
        offset_end: offs[last],
        lines: lines.slice(first, last),
        file_size: size,
        more_before: first > 0,
        more_after: last < lines.length,
        reset,
        status: r.status,
      };
    });
  }

  logLines(id: string, first: number, count: number): Promise<LogLinesPage> {
    return this.handle('logLines', [id, first, count], () => {
      if (count > MAX_LOG_LINES_PER_CALL) throw err('invalid_input', `at most ${MAX_LOG_LINES_PER_CALL} lines at once`);
      const lines = this.logOf(this.find(id));
      const offs = lineOffsets(lines);
      const a = Math.min(lines.length, Math.max(0, first));
      const b = Math.min(lines.length, a + Math.max(0, count));
      return { first_line: a, lines: lines.slice(a, b), total_lines: lines.length, offset_start: offs[a], offset_end: offs[b] };
    });
  }

  logSearch(id: string, query: LogSearchQuery): Promise<LogSearchResult> {
    return this.handle('logSearch', [id, query], () => {
      const lines = this.logOf(this.find(id));
      const offs = lineOffsets(lines);
      let re: RegExp;
      try {
        re = new RegExp(query.regex ? query.pattern : query.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), query.case_insensitive ? 'i' : '');
      } catch (e) {
        throw err('invalid_input', `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
      }
      const max = Math.min(10_000, query.max_matches ?? 1000);
      const matches: LogSearchResult['matches'] = [];
      let count = 0;
      lines.forEach((text, line) => {
        if (!re.test(text)) return;
        count++;
        if (matches.length < max) matches.push({ line, offset: offs[line], text: text.slice(0, 500) });
      });
      return { match_count: count, matches, more: count > matches.length, lines_searched: lines.length };
    });
  }

  streamLog(id: string, offset: number, onMessage: (message: LogMessage) => void): Promise<StreamId> {
    return this.handle('streamLog', [id, offset], () => {
      this.find(id);
      const sid = ++this.nextStream;
      this.streams.set(sid, { kind: 'log', runId: id, offset, send: onMessage });
      queueMicrotask(() => this.pump(sid));
      return sid;
    });
  }

  // ---- progress ----

  runProgress(id: string): Promise<RunProgress | null> {
    return this.handle('runProgress', [id], () => this.progressOf(this.find(id)));
  }

  runProgressMany(ids: string[]): Promise<Record<string, RunProgress>> {
    return this.handle('runProgressMany', [ids], () => {
      if (ids.length > 1000) throw err('invalid_input', 'at most 1000 runs at once');
      const out: Record<string, RunProgress> = {};
      for (const id of ids) {
        const r = this.runs.find((x) => x.id === id);
        const p = r && this.progressOf(r);
        if (p) out[id] = p;
      }
      return out;
    });
  }

  streamProgress(id: string, cursor: ProgressCursor | null, onMessage: (message: ProgressMessage) => void): Promise<StreamId> {
    return this.handle('streamProgress', [id, cursor], () => {
      this.find(id);
      const sid = ++this.nextStream;
      this.streams.set(sid, { kind: 'progress', runId: id, steps: cursor ? cursor.progress_offset : null, send: onMessage });
      queueMicrotask(() => this.pump(sid));
      return sid;
    });
  }

  closeStream(stream: StreamId): Promise<void> {
    return this.handle('closeStream', [stream], () => {
      this.streams.delete(stream);
    });
  }

  // ---- artifacts ----

  listArtifacts(id: string, path: string, offset: number | null = null, limit: number | null = null): Promise<ArtifactListing> {
    return this.handle('listArtifacts', [id, path, offset, limit], () => {
      const r = this.find(id);
      const files = this.filesOf(r);
      if (path !== '') {
        const f = files.find((x) => x.path === path);
        if (!f) throw err('not_found', `no file ${JSON.stringify(path)} in run ${id}`);
        if (f.kind !== 'dir' && f.kind !== 'root') throw err('invalid_input', `${path} is not a folder`);
      }
      const rank = (f: FakeFile) => (f.kind === 'dir' || f.kind === 'root' ? 0 : 1);
      const collator = new Intl.Collator(undefined, { numeric: true });
      const all = files
        .filter((f) => parentOf(f.path) === path)
        .sort((a, b) => rank(a) - rank(b) || collator.compare(a.path, b.path))
        .map((f) => toEntry(f, r.completed_at ?? r.started_at ?? r.created_at));
      const o = Math.max(0, offset ?? 0);
      const l = Math.max(1, Math.min(5000, limit ?? 1000));
      return { run_id: id, path, entries: all.slice(o, o + l), total: all.length, offset: o, limit: l };
    });
  }

  artifactUsage(id: string, path: string): Promise<ArtifactUsage> {
    return this.handle('artifactUsage', [id, path], () => {
      const files = this.filesOf(this.find(id)).filter((f) => !f.path.startsWith('@') || path.startsWith('@'));
      const under = files.filter((f) => path === '' || f.path === path || f.path.startsWith(`${path}/`));
      if (path !== '' && under.length === 0) throw err('not_found', `no file ${JSON.stringify(path)} in run ${id}`);
      let bytes = 0;
      let folders = 0;
      let filesN = 0;
      let symlinks = 0;
      for (const f of under) {
        if (f.kind === 'file') {
          bytes += f.size;
          filesN++;
        } else if (f.kind === 'symlink') symlinks++;
        else folders++;
      }
      const disk = under.reduce((a, f) => a + (f.kind === 'file' ? Math.ceil(f.size / 4096) * 4096 : 4096), 0);
      return { path, bytes, disk_bytes: disk, files: filesN, folders, symlinks, complete: true };
    });
  }

  previewArtifact(id: string, path: string): Promise<ArtifactPreview> {
    return this.handle('previewArtifact', [id, path], () => {
      const r = this.find(id);
      const f = this.filesOf(r).find((x) => x.path === path);
      if (!f) throw err('not_found', `no file ${JSON.stringify(path)} in run ${id}`);
      if (f.kind !== 'file' && f.kind !== 'symlink') throw err('invalid_input', `${path} is a folder`);
      return { path, size: f.size, modified: r.completed_at ?? r.started_at ?? r.created_at, content: f.preview() };
    });
  }

  openArtifact(id: string, path: string): Promise<void> {
    return this.handle('openArtifact', [id, path], () => {
      this.fileOf(id, path);
    });
  }

  revealArtifact(id: string, path: string): Promise<void> {
    return this.handle('revealArtifact', [id, path], () => {
      this.fileOf(id, path);
    });
  }

  saveArtifactAs(id: string, path: string): Promise<ExportSummary | null> {
    return this.handle('saveArtifactAs', [id, path], () => {
      const f = this.fileOf(id, path);
      if (this.takeDialogCancel()) return null;
      const name = path ? path.slice(path.lastIndexOf('/') + 1) : id;
      return this.exportSummary(id, path, `${EXPORT_DIR}/${name}`, f.kind === 'file' ? f.size : null);
    });
  }

  exportArtifactFolder(id: string, path: string): Promise<ExportSummary | null> {
    return this.handle('exportArtifactFolder', [id, path], () => {
      if (path !== '') this.fileOf(id, path);
      else this.find(id);
      if (this.takeDialogCancel()) return null;
      const label = path ? path.slice(path.lastIndexOf('/') + 1).replace(/@/g, '') : '';
      return this.exportSummary(id, path, `${EXPORT_DIR}/${label ? `${id}-${label}` : id}`, null);
    });
  }

  // ---- results ----

  results(id: string): Promise<ResultsTable> {
    return this.handle('results', [id], () => {
      const r = this.find(id);
      const sweep = this.sweep(r);
      const steps = this.currentSteps(r);
      const rows = sweep.loads.map((_, i) => fakeResult(sweep, i, steps, isOver(r))).filter((x) => x !== null);
      return { run_id: id, rows, problems: [] };
    });
  }

  exportResultsCsv(id: string): Promise<string | null> {
    return this.handle('exportResultsCsv', [id], () => {
      this.find(id);
      return this.takeDialogCancel() ? null : `${EXPORT_DIR}/${id}-results.csv`;
    });
  }

  saveResultsPlot(id: string, format: PlotFormat, data: string): Promise<string | null> {
    return this.handle('saveResultsPlot', [id, format, data], () => {
      this.find(id);
      if (format === 'svg' && !/^\s*(<svg|<\?xml)/.test(data)) throw err('invalid_input', 'not an SVG document');
      if (format === 'png' && !data.startsWith('data:image/png;base64,')) throw err('invalid_input', 'expected a PNG data URL');
      return this.takeDialogCancel() ? null : `${EXPORT_DIR}/${id}-blocking.${format}`;
    });
  }

  runTopology(id: string, erlang: number | null): Promise<RunTopology> {
    return this.handle('runTopology', [id, erlang], () => {
      const r = this.find(id);
      const sweep = this.sweep(r);
      const steps = this.currentSteps(r);
      const erlangs = sweep.loads.filter((_, i) => loadProgress(sweep, i, steps).iteration > 0);
      const shown = erlang !== null && erlangs.includes(erlang) ? erlang : (erlangs[erlangs.length - 1] ?? null);
      const view = fakeNetwork();
      const usage = shown === null ? [] : fakeUsage(view, shown);
      const counts = usage.map((u) => u.usage_count);
      return {
        run_id: id,
        network: view.name,
        view,
        erlangs,
        erlang: shown,
        usage,
        min_usage: counts.length ? Math.min(...counts) : 0,
        max_usage: counts.length ? Math.max(...counts) : 0,
        results_file: shown === null ? null : `output/${shown.toFixed(1)}_erlang.json`,
        unmatched: [],
      };
    });
  }

  // ---- history ----

  renameRun(id: string, name: string): Promise<Run> {
    return this.handle('renameRun', [id, name], () => {
      const r = this.find(id);
      const n = name.trim();
      if (!n) throw err('invalid_input', 'a run name cannot be empty');
      if (n.length > 200) throw err('invalid_input', 'a run name is at most 200 characters');
      return this.touch(r, { name: n });
    });
  }

  setRunTags(id: string, tags: string[]): Promise<Run> {
    return this.handle('setRunTags', [id, tags], () => {
      const r = this.find(id);
      return this.touch(r, { tags: normalizeTags(tags) });
    });
  }

  setRunNote(id: string, note: string): Promise<Run> {
    return this.handle('setRunNote', [id, note], () => {
      const r = this.find(id);
      if (new TextEncoder().encode(note).length > MAX_NOTE_BYTES) throw err('invalid_input', 'a note is at most 64 KiB');
      return this.touch(r, { note });
    });
  }

  runFacets(): Promise<RunFacets> {
    return this.handle('runFacets', [], () => {
      const sorted = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();
      return {
        templates: sorted(this.runs.map((r) => r.template)),
        networks: sorted(this.runs.map((r) => r.network)),
        tags: sorted(this.runs.flatMap((r) => r.tags)),
      };
    });
  }

  deleteRuns(ids: string[]): Promise<BulkItem[]> {
    return this.handle('deleteRuns', [ids], () => {
      if (ids.length === 0) throw err('invalid_input', 'no runs selected');
      return ids.map((id) => this.bulk(id, () => this.removeRun(id)));
    });
  }

  exportRuns(ids: string[]): Promise<BulkItem[] | null> {
    return this.handle('exportRuns', [ids], () => {
      if (ids.length === 0) throw err('invalid_input', 'no runs selected');
      if (this.takeDialogCancel()) return null;
      return ids.map((id) =>
        this.bulk(id, () => {
          const r = this.find(id);
          const safe = r.name.replace(/[^\p{L}\p{N}\-_.]/gu, '_').slice(0, 60).replace(/^[._]+|[._]+$/g, '') || 'run';
          return `${EXPORT_DIR}/${safe}-${id}`;
        }),
      );
    });
  }

  measureDiskUse(id: string): Promise<Run> {
    return this.handle('measureDiskUse', [id], () => {
      const r = this.find(id);
      const bytes = this.filesOf(r).reduce((a, f) => a + ('size' in f ? f.size : 0), 0);
      return this.touch(r, { disk_bytes: bytes });
    });
  }

  cleanupPreview(query: CleanupQuery): Promise<CleanupPreview> {
    return this.handle('cleanupPreview', [query], () => {
      const old = this.cleanupCandidates(query);
      return { runs: old.length, bytes: old.reduce((a, r) => a + (r.disk_bytes ?? 0), 0), ids: old.map((r) => r.id) };
    });
  }

  cleanup(query: CleanupQuery): Promise<CleanupReport> {
    return this.handle('cleanup', [query], () => {
      const old = this.cleanupCandidates(query);
      for (const r of old) this.removeRun(r.id);
      return { deleted: old.length, bytes: old.reduce((a, r) => a + (r.disk_bytes ?? 0), 0), failed: [] };
    });
  }

  compareRuns(ids: string[]): Promise<Comparison> {
    return this.handle('compareRuns', [ids], () => this.comparison(ids));
  }

  exportComparisonCsv(ids: string[]): Promise<string | null> {
    return this.handle('exportComparisonCsv', [ids], () => {
      this.comparison(ids);
      return this.takeDialogCancel() ? null : `${EXPORT_DIR}/comparison.csv`;
    });
  }

  saveComparisonPlot(format: PlotFormat, data: string): Promise<string | null> {
    return this.handle('saveComparisonPlot', [format, data], () => {
      if (format === 'svg' && !/^\s*(<svg|<\?xml)/.test(data)) throw err('invalid_input', 'not an SVG document');
      if (format === 'png' && !data.startsWith('data:image/png;base64,')) throw err('invalid_input', 'expected a PNG data URL');
      return this.takeDialogCancel() ? null : `${EXPORT_DIR}/comparison.${format}`;
    });
  }

  /** The figure `figurePreview` answers with (the core draws the real one); tests set it. */
  figure: FigurePreview = {
    svg: '<svg xmlns="http://www.w3.org/2000/svg" width="240.945pt" height="170.079pt" viewBox="0 0 240.945 170.079"><title>figure</title></svg>',
    width_pt: 240.945,
    height_pt: 170.079,
    file_stem: 'figure',
    series: 1,
    notes: [],
  };

  figurePreview(request: PlotRequest, options: FigureOptions): Promise<FigurePreview> {
    return this.handle('figurePreview', [request, options], () => ({ ...this.figure }));
  }

  saveFigure(request: PlotRequest, options: FigureOptions, format: FigureFormat): Promise<string | null> {
    return this.handle('saveFigure', [request, options, format], () =>
      this.takeDialogCancel() ? null : `${EXPORT_DIR}/${this.figure.file_stem}.${format}`,
    );
  }

  private comparison(ids: string[]): Comparison {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw err('invalid_input', 'choose at least one run to compare');
    const runs = unique.map((id) => this.find(id));
    const tables = runs.map((r) => {
      const sweep = this.sweep(r);
      const steps = this.currentSteps(r);
      const rows = sweep.loads.map((_, i) => fakeResult(sweep, i, steps, isOver(r))).filter((x) => x !== null);
      return { run_id: r.id, rows, problems: [] };
    });
    return compareRuns(runs.map(copyRun), runs.map((r) => this.configOf(r)), tables);
  }

  private cleanupCandidates(query: CleanupQuery): Run[] {
    if (query.older_than_days < 0 || query.older_than_days > 36500) throw err('invalid_input', 'older_than_days is at most 36500');
    const cutoff = timestamp(new Date(Date.now() - query.older_than_days * 86_400_000));
    const statuses: RunStatus[] = query.only_unsuccessful ? ['FAILED', 'CANCELLED'] : TERMINAL;
    return this.newestFirst()
      .reverse()
      .filter((r) => statuses.includes(r.status) && (r.completed_at ?? r.created_at) < cutoff);
  }

  private bulk(id: string, body: () => string | void): BulkItem {
    try {
      const destination = body();
      return { id, ok: true, message: null, destination: destination ?? null };
    } catch (e) {
      return { id, ok: false, message: (e as DeskError).message ?? String(e), destination: null };
    }
  }

  private removeRun(id: string): void {
    const r = this.find(id);
    if (!TERMINAL.includes(r.status)) {
      throw err('invalid_state', `run ${id} is ${r.status}; cancel it before deleting it`);
    }
    this.runs = this.runs.filter((x) => x.id !== id);
    this.configs.delete(id);
    this.clearTimers(id);
    queueMicrotask(() => this.emit({ type: 'run_deleted', id }));
  }

  private touch(r: Run, patch: Partial<Run>): Run {
    Object.assign(r, patch, { updated_at: timestamp() });
    this.announce(r);
    return copyRun(r);
  }

  onRunEvent(handler: (event: RunEvent) => void): Unsubscribe {
    this.runListeners.add(handler);
    return () => this.runListeners.delete(handler);
  }

  onQuitRequested(handler: (request: QuitRequest) => void): Unsubscribe {
    this.quitListeners.add(handler);
    return () => this.quitListeners.delete(handler);
  }

  // ---- sweeps and re-runs --------------------------------------------------

  /** Simulates a click on a desktop notification. */
  clickNotification(target: NoticeTarget): void {
    for (const h of [...this.openTargetListeners]) h(target);
  }

  previewSweep(request: SweepRequest): Promise<SweepPreview> {
    return this.handle('previewSweep', [request], () => {
      const axes = this.sweepAxes(request);
      const count = countRuns(axes);
      const points = Array.from({ length: Math.min(count, 50) }, (_, i) => pointAt(axes, i));
      return { count, axes, points, estimate: null, warnings: [] };
    });
  }

  createSweep(request: SweepRequest): Promise<SweepDetail> {
    return this.handle('createSweep', [request], () => {
      const axes = this.sweepAxes(request);
      const count = countRuns(axes);
      const now = timestamp();
      const id = newId();
      const name = request.name?.trim() || `${request.template} sweep ${now.slice(0, 16).replace('T', ' ')}`;
      this.sweepRows.unshift({ id, name, template: request.template, overrides: [...request.overrides], axes, created_at: now });
      for (let i = 0; i < count; i++) {
        const p = pointAt(axes, i);
        this.queueRun(
          {
            template: request.template,
            name: `${name} · ${p.label}`.slice(0, 200),
            overrides: [...request.overrides, ...p.overrides],
            config_text: request.config_text,
            ...(request.executor !== undefined ? { executor: request.executor } : {}),
          },
          { sweep_id: id },
        );
      }
      this.dispatch();
      return this.sweepDetail(id);
    });
  }

  listSweeps(): Promise<Sweep[]> {
    return this.handle('listSweeps', [], () => this.sweepRows.map((s) => this.sweepDetail(s.id).sweep));
  }

  getSweep(id: string): Promise<SweepDetail> {
    return this.handle('getSweep', [id], () => this.sweepDetail(id));
  }

  cancelSweep(id: string): Promise<SweepDetail> {
    return this.handle('cancelSweep', [id], () => {
      for (const status of ['PENDING', 'RUNNING'] as const) {
        for (const r of this.sweepDetail(id).runs.filter((x) => x.status === status)) void this.cancelRun(r.id).catch(() => undefined);
      }
      return this.sweepDetail(id);
    });
  }

  rerunFailed(id: string): Promise<SweepDetail> {
    return this.handle('rerunFailed', [id], () => {
      const failed = this.sweepDetail(id).runs.filter((r) => r.status === 'FAILED');
      if (failed.length === 0) throw err('invalid_state', `sweep ${id} has no failed runs`);
      for (const r of failed) this.queueRerun(r);
      this.dispatch();
      return this.sweepDetail(id);
    });
  }

  rerunRun(id: string): Promise<Run> {
    return this.handle('rerunRun', [id], () => {
      const r = this.find(id);
      if (!TERMINAL.includes(r.status)) throw err('invalid_state', `run ${id} is ${r.status}; only a finished run can be re-run`);
      const run = this.queueRerun(r);
      this.dispatch();
      return copyRun(this.find(run.id));
    });
  }

  onOpenTarget(handler: (target: NoticeTarget) => void): Unsubscribe {
    this.openTargetListeners.add(handler);
    return () => this.openTargetListeners.delete(handler);
  }

  private sweepAxes(request: SweepRequest) {
    try {
      return parseAxes(request.axes, (key) =>
        MEMORY_SCHEMA.filter((k) => k.key === key && k.usage !== 'ignored').map((k) => k.section),
      );
    } catch (e) {
      if (e instanceof AxisError) throw err('invalid_input', e.message);
      throw e;
    }
  }

  private queueRerun(r: Run): Run {
    const name = r.name.endsWith(' (re-run)') ? r.name : `${r.name} (re-run)`;
    return this.queueRun(
      { template: r.template, name, overrides: [...r.overrides], config_text: this.configOf(r), executor: r.executor },
      { sweep_id: r.sweep_id, rerun_of: r.id },
    );
  }

  /** Where a new run executes, as the core records it: this machine or a cluster profile's queue. */
  private placement(requested: string | undefined): Pick<Run, 'executor' | 'slurm_job_id' | 'status_detail'> {
    const executor = requested?.trim() || 'local';
    if (executor !== 'local' && !this.clusters.some((c) => c.name === executor)) {
      const known = ['local', ...this.clusters.map((c) => c.name)].join(', ');
      throw err('invalid_input', `executor: no cluster profile named ${JSON.stringify(executor)} (known: ${known})`);
    }
    const job = executor === 'local' ? null : String(this.nextJob++);
    return { executor, slurm_job_id: job, status_detail: job ? `Submitted to Slurm as job ${job}; waiting in its queue` : null };
  }

  /** A PENDING run like `createRun` makes, without dispatching. */
  private queueRun(request: CreateRunRequest, lineage: Partial<Run>): Run {
    const now = timestamp();
    const id = newId();
    const runDir = `${this.dataDir}/runs/${id}`;
    const run = makeRun({
      id,
      name: request.name ?? `${request.template} ${now.slice(0, 16).replace('T', ' ')}`,
      template: request.template,
      overrides: [...request.overrides],
      simulator: this.effectiveSimulator(),
      created_at: now,
      updated_at: now,
      run_dir: runDir,
      config_path: `${runDir}/config.ini`,
      ...this.placement(request.executor),
      ...lineage,
    });
    const base = request.config_text !== undefined ? request.config_text.replace(/^# Frozen by FUSION Desk[^\n]*\n/, '') : templateText(request.template);
    this.configs.set(id, `# Frozen by FUSION Desk for run ${id} from template ${JSON.stringify(request.template)} at ${now}\n` + applyOverrides(base, run.overrides));
    this.insert(run);
    this.announce(run);
    return run;
  }

  private sweepDetail(id: string): SweepDetail {
    const row = this.sweepRows.find((s) => s.id === id);
    if (!row) throw err('not_found', `no sweep with id ${id}`);
    const members = this.runs.filter((r) => r.sweep_id === id).sort((a, b) => (this.seq.get(a.id) ?? 0) - (this.seq.get(b.id) ?? 0));
    const replaced = new Set(members.map((r) => r.rerun_of).filter((x): x is string => x !== null));
    const runs = members.filter((r) => !replaced.has(r.id)).map(copyRun);
    const n = (status: RunStatus) => runs.filter((r) => r.status === status).length;
    const counts = { total: runs.length, pending: n('PENDING'), running: n('RUNNING'), completed: n('COMPLETED'), failed: n('FAILED'), cancelled: n('CANCELLED') };
    return { sweep: { ...row, overrides: [...row.overrides], counts }, runs };
  }

  // ---- internals ----------------------------------------------------------

  private handle<T>(method: Method, args: unknown[], body: () => T): Promise<T> {
    this.calls.push({ method, args });
    const run = (): T => {
      const failure = this.failures.get(method)?.shift();
      if (failure) throw { ...failure };
      return body();
    };
    if (this.latencyMs <= 0) {
      return new Promise<T>((resolve) => resolve(run()));
    }
    return new Promise<T>((resolve, reject) => {
      setTimeout(() => {
        try {
          resolve(run());
        } catch (e) {
          reject(e);
        }
      }, this.latencyMs);
    });
  }

  private configOf(r: Run): string {
    return (
      this.configs.get(r.id) ??
      `# Frozen by FUSION Desk for run ${r.id} from template ${JSON.stringify(r.template)} at ${r.created_at}\n` +
        applyOverrides(templateText(r.template), r.overrides)
    );
  }

  private sweep(r: Run): FakeSweep {
    return sweepOf(this.configOf(r));
  }

  /** Finished iterations; runs seeded in a state start at a plausible point. */
  private currentSteps(r: Run): number {
    const known = this.steps.get(r.id);
    if (known !== undefined) return known;
    const total = totalSteps(this.sweep(r));
    const initial =
      r.status === 'COMPLETED'
        ? total
        : r.status === 'PENDING'
          ? 0
          : r.status === 'RUNNING'
            ? Math.floor(total * 0.4)
            : r.status === 'FAILED'
              ? Math.min(total - 1, 1)
              : Math.floor(total / 2);
    this.steps.set(r.id, initial);
    return initial;
  }

  private logOf(r: Run): string[] {
    return fakeLog(r, this.sweep(r), this.currentSteps(r));
  }

  private progressOf(r: Run): RunProgress | null {
    if (r.status === 'PENDING') return null;
    return fakeProgress(r, this.sweep(r), this.currentSteps(r));
  }

  private filesOf(r: Run): FakeFile[] {
    return fakeFiles(r, this.configOf(r), this.sweep(r), this.currentSteps(r), this.logOf(r));
  }

  private fileOf(id: string, path: string): FakeFile {
    const f = this.filesOf(this.find(id)).find((x) => x.path === path);
    if (!f) throw err('not_found', `no file ${JSON.stringify(path)} in run ${id}`);
    return f;
  }

  private takeDialogCancel(): boolean {
    if (this.dialogCancels <= 0) return false;
    this.dialogCancels--;
    return true;
  }

  private exportSummary(id: string, path: string, destination: string, size: number | null): ExportSummary {
    if (size !== null) return { destination, files: 1, folders: 0, bytes: size, skipped: [], skipped_count: 0 };
    const files = this.filesOf(this.find(id)).filter((f) => !f.path.startsWith('@') && (path === '' || f.path.startsWith(`${path}/`)));
    const bytes = files.reduce((a, f) => a + (f.kind === 'file' ? f.size : 0), 0);
    const skipped = files.filter((f) => f.kind === 'symlink').map((f) => f.path);
    return {
      destination,
      files: files.filter((f) => f.kind === 'file').length,
      folders: files.filter((f) => f.kind === 'dir').length + 1,
      bytes,
      skipped,
      skipped_count: skipped.length,
    };
  }

  /** Delivers what changed to every stream of a run. */
  private pumpRun(id: string): void {
    for (const [sid, st] of [...this.streams.entries()]) if (st.runId === id) this.pump(sid);
  }

  private pump(sid: number): void {
    const st = this.streams.get(sid);
    if (!st) return;
    const r = this.runs.find((x) => x.id === st.runId);
    if (!r) {
      this.streams.delete(sid);
      return;
    }
    const ended = TERMINAL.includes(r.status);
    if (st.kind === 'log') {
      const lines = this.logOf(r);
      const offs = lineOffsets(lines);
      const size = offs[lines.length];
      if (st.offset > size) {
        st.offset = 0;
        st.send({ type: 'reset' });
      }
      let first = offs.findIndex((o) => o >= st.offset);
      if (first < 0) first = lines.length;
      while (first < lines.length) {
        const last = Math.min(lines.length, first + 500);
        st.send({ type: 'lines', first_line: first, offset_start: offs[first], offset_end: offs[last], lines: lines.slice(first, last) });
        st.offset = offs[last];
        first = last;
      }
    } else {
      const sweep = this.sweep(r);
      const steps = this.currentSteps(r);
      const progress = this.progressOf(r);
      const cursor = { progress_offset: steps, log_offset: lineOffsets(this.logOf(r)).pop() ?? 0 };
      if (progress && st.steps === null) {
        st.send({ type: 'update', cursor, full: true, progress });
      } else if (progress && st.steps !== steps) {
        const changed = new Set(changedLoads(sweep, st.steps ?? 0, steps));
        st.send({ type: 'update', cursor, full: false, progress: { ...progress, loads: progress.loads.filter((l) => changed.has(l.index ?? -1)) } });
      } else if (progress && ended) {
        // The final state (exit code, completion) even when no iteration changed.
        st.send({ type: 'update', cursor, full: false, progress: { ...progress, loads: [] } });
      }
      if (progress) st.steps = steps;
    }
    if (ended) {
      st.send({ type: 'end', status: r.status });
      this.streams.delete(sid);
    }
  }

  /** Advances a running run's fake simulation every `ms`; with `finishAtEnd`, completes it after the last iteration. */
  private tick(id: string, ms: number, finishAtEnd: boolean): void {
    this.later(id, ms, () => {
      const r = this.runs.find((x) => x.id === id);
      if (!r || r.status !== 'RUNNING') return;
      const total = totalSteps(this.sweep(r));
      const next = Math.min(total, this.currentSteps(r) + 1);
      if (next < total || finishAtEnd) this.steps.set(id, next);
      this.pumpRun(id);
      if (next >= total && finishAtEnd) this.finish(id, 'COMPLETED', { exit_code: 0 });
      else if (next < total) this.tick(id, ms, finishAtEnd);
    });
  }

  private insert(run: Run): void {
    this.runs.push(run);
    this.seq.set(run.id, ++seqCounter);
  }

  private newestFirst(): Run[] {
    return [...this.runs].sort((a, b) => (this.seq.get(b.id) ?? 0) - (this.seq.get(a.id) ?? 0));
  }

  private find(id: string): Run {
    if (!/^[0-9a-f]{12}$/.test(id)) {
      throw err('invalid_input', `invalid run id ${JSON.stringify(id)}: a run id is 12 lowercase hex digits`);
    }
    const r = this.runs.find((x) => x.id === id);
    if (!r) throw err('not_found', `no run with id ${id}`);
    return r;
  }

  private view(): SettingsView {
    return {
      settings: { ...this.settings },
      effective_simulator: this.effectiveSimulator(),
      simulator_env_override: this.envOverride,
      data_dir: this.dataDir,
    };
  }

  private effectiveSimulator(): string {
    return this.envOverride ?? (this.settings.simulator_command.trim() || BUNDLED_SIM);
  }

  /** Events arrive after the call that caused them has returned, as over IPC. */
  private announce(run: Run): void {
    const snapshot = copyRun(run);
    queueMicrotask(() => this.emit({ type: 'run_updated', run: snapshot }));
  }

  private later(id: string, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      const list = this.timers.get(id)?.filter((x) => x !== t) ?? [];
      this.timers.set(id, list);
      fn();
    }, ms);
    this.timers.set(id, [...(this.timers.get(id) ?? []), t]);
  }

  private clearTimers(id: string): void {
    this.timers.get(id)?.forEach(clearTimeout);
    this.timers.delete(id);
  }

  /** Starts queued runs, oldest first, while slots are free. */
  private dispatch(): void {
    if (!this.timing) return;
    const timing = this.timing;
    const busy = this.runs.filter((r) => r.status === 'RUNNING').length;
    const starting = this.runs.filter((r) => r.status === 'PENDING' && (this.timers.get(r.id)?.length ?? 0) > 0).length;
    let free = this.settings.max_concurrent_runs - busy - starting;
    const queued = this.newestFirst()
      .reverse()
      .filter((r) => r.status === 'PENDING' && !(this.timers.get(r.id)?.length ?? 0));
    for (const r of queued) {
      if (free <= 0) break;
      free--;
      this.later(r.id, timing.startMs, () => this.start(r.id, timing));
    }
  }

  private start(id: string, timing: MemoryTiming): void {
    const r = this.runs.find((x) => x.id === id);
    if (!r || r.status !== 'PENDING') return;
    const pid = 20000 + Math.floor(Math.random() * 40000);
    const now = timestamp();
    Object.assign(r, { status: 'RUNNING', started_at: now, updated_at: now, pid, pgid: pid });
    if (r.slurm_job_id) Object.assign(r, { pid: null, pgid: null, status_detail: `Running on node01 (Slurm job ${r.slurm_job_id})` });
    this.steps.set(id, 0);
    this.announce(r);
    this.tick(id, Math.max(20, timing.runMs / totalSteps(this.sweep(r))), false);
    // `test_sim.exit_code = N` makes a run fail, as with the test simulator.
    const exit = r.overrides.map((o) => /^test_sim\.exit_code=(\d+)$/.exec(o)).find(Boolean);
    const code = exit ? Number(exit[1]) : 0;
    this.later(id, timing.runMs, () =>
      code === 0
        ? this.finish(id, 'COMPLETED', { exit_code: 0 })
        : this.finish(id, 'FAILED', {
            exit_code: code,
            error_message:
              `The simulator exited with code ${code}. Last lines of the log:\n` +
              `2025-01-01 12:00:00,001 [test_sim] INFO step 1 done\n` +
              `2025-01-01 12:00:00,002 [test_sim] ERROR exiting with code ${code} as configured`,
          }),
    );
  }

  private finish(id: string, status: RunStatus, patch: Partial<Run>): void {
    const r = this.runs.find((x) => x.id === id);
    if (!r || TERMINAL.includes(r.status)) return;
    const now = timestamp();
    Object.assign(r, { status, completed_at: now, updated_at: now, pid: null, pgid: null }, patch);
    if (status === 'COMPLETED') this.steps.set(id, totalSteps(this.sweep(r)));
    this.announce(r);
    queueMicrotask(() => this.pumpRun(id));
    this.dispatch();
  }
}

/** A MemoryBackend with a realistic history, for the browser demo. */
export function demoBackend(): MemoryBackend {
  const now = Date.now();
  const at = (minutesAgo: number) => timestamp(new Date(now - minutesAgo * 60_000));
  const min = 60;
  const runs: Run[] = [
    makeRun({
      id: '3f9a1c07b2e4',
      name: 'USNet k=5 first-fit sweep',
      template: 'default',
      status: 'PENDING',
      overrides: ['topology_settings.network=USNet', 'routing_settings.k_paths=5'],
      created_at: at(3),
      updated_at: at(3),
    }),
    makeRun({
      id: 'a81d44c0e9f3',
      name: 'NSFNet 7 cores, 1200 Erlang',
      template: 'default',
      status: 'PENDING',
      overrides: ['topology_settings.cores_per_link=7', 'general_settings.erlang_stop=1200'],
      created_at: at(9),
      updated_at: at(9),
    }),
    makeRun({
      id: '5c2e7d90a1b6',
      name: 'Survivability: link failures, 1+1 protection',
      template: 'survivability_experiment',
      status: 'RUNNING',
      overrides: ['general_settings.max_iters=10'],
      pid: 48211,
      pgid: 48211,
      created_at: at(47),
      started_at: at(47),
      updated_at: at(47),
    }),
    makeRun({
      id: 'e04b6f3a9d21',
      name: 'NSFNet baseline, 4 × 500 requests',
      template: 'default',
      status: 'RUNNING',
      pid: 47102,
      pgid: 47102,
      created_at: at(3 * min + 12),
      started_at: at(3 * min + 11),
      updated_at: at(3 * min + 11),
    }),
    makeRun({
      id: '7b1fd2c86e05',
      name: 'XT-aware allocation, 3 cores',
      tags: ['crosstalk', 'paper'],
      note: 'Crosstalk-aware first-fit **halves** blocking at 900 E compared with the baseline.\n\n- 3 cores per link\n- compare with the 7-core run',
      disk_bytes: 4_812_000,
      template: 'xtar_example_config',
      status: 'COMPLETED',
      exit_code: 0,
      created_at: at(5 * min),
      started_at: at(5 * min - 1),
      completed_at: at(2 * min + 16),
      updated_at: at(2 * min + 16),
    }),
    makeRun({
      id: 'c93a0e5f4b18',
      name: 'Guard band = 2 slots',
      tags: ['guard-band'],
      disk_bytes: 182_000,
      template: 'default',
      status: 'FAILED',
      overrides: ['general_settings.guard_slots=2', 'spectrum_settings.c_band=abc'],
      exit_code: 1,
      error_message:
        'The simulator exited with code 1. Last lines of the log:\n' +
        '2025-06-02 09:14:07,118 [fusion] INFO  loading topology NSFNet (14 nodes, 21 links)\n' +
        '2025-06-02 09:14:07,120 [fusion] INFO  reading spectrum_settings\n' +
        "2025-06-02 09:14:07,121 [fusion] ERROR spectrum_settings.c_band: expected an integer, got 'abc'\n" +
        '2025-06-02 09:14:07,121 [fusion] ERROR configuration is invalid; stopping',
      created_at: at(26 * min),
      started_at: at(26 * min),
      completed_at: at(26 * min - 0.05),
      updated_at: at(26 * min - 0.05),
    }),
    makeRun({
      id: '19e6b8d3a7c2',
      name: 'USNet long sweep (stopped early)',
      network: 'USNet',
      tags: ['long'],
      note: 'Stopped: the queue was needed for the paper runs.',
      disk_bytes: 12_400_000,
      template: 'default',
      status: 'CANCELLED',
      overrides: ['topology_settings.network=USNet'],
      exit_signal: 15,
      cancel_requested_at: at(27 * min),
      created_at: at(29 * min),
      started_at: at(29 * min),
      completed_at: at(27 * min - 0.2),
      updated_at: at(27 * min - 0.2),
    }),
    makeRun({
      id: 'd6407a1e2f9b',
      name: 'quick smoke test',
      disk_bytes: 96_000,
      template: 'quick',
      status: 'COMPLETED',
      exit_code: 0,
      created_at: at(50 * min),
      started_at: at(50 * min),
      completed_at: at(50 * min - 0.15),
      updated_at: at(50 * min - 0.15),
    }),
    makeRun({
      id: '82c5f9e0b3d4',
      name: 'minimal 2025 replication',
      tags: ['paper', 'replication'],
      disk_bytes: 2_100_000,
      template: 'minimal',
      status: 'COMPLETED',
      exit_code: 0,
      overrides: ['general_settings.num_requests=200'],
      created_at: at(3 * 24 * min),
      started_at: at(3 * 24 * min),
      completed_at: at(3 * 24 * min - 1.5),
      updated_at: at(3 * 24 * min - 1.5),
    }),
  ];
  return new MemoryBackend({
    runs,
    settings: { max_concurrent_runs: 4 },
    timing: { startMs: 1200, runMs: 25_000, cancelMs: 2500 },
    latencyMs: 80,
  });
}
