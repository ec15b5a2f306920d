// An in-memory Backend for component tests and the browser demo. It is a
// store, not a second core: every call returns what was put in it (runs,
// their logs, progress, files and results, templates, settings…) or what a
// test states with `answer`/`answerNext`/`failNext`. It checks nothing,
// merges nothing and schedules nothing; a change a test wants to see (a run
// starting, finishing, being cancelled) is made with `update`, `setRunData`
// or an answer.

import type { ArtifactListing } from '../bindings/ArtifactListing';
import type { ArtifactPreview } from '../bindings/ArtifactPreview';
import type { ArtifactUsage } from '../bindings/ArtifactUsage';
import type { BulkItem } from '../bindings/BulkItem';
import type { CleanupPreview } from '../bindings/CleanupPreview';
import type { CleanupQuery } from '../bindings/CleanupQuery';
import type { CleanupReport } from '../bindings/CleanupReport';
import type { ClusterCheck } from '../bindings/ClusterCheck';
import type { ClusterProfile } from '../bindings/ClusterProfile';
import type { ClusterResult } from '../bindings/ClusterResult';
import type { Comparison } from '../bindings/Comparison';
import type { ConfigKey } from '../bindings/ConfigKey';
import type { CreateRunRequest } from '../bindings/CreateRunRequest';
import type { DeskError } from '../bindings/DeskError';
import type { ExportSummary } from '../bindings/ExportSummary';
import type { FigureOptions } from '../bindings/FigureOptions';
import type { FigurePreview } from '../bindings/FigurePreview';
import type { ImportedConfig } from '../bindings/ImportedConfig';
import type { ListQuery } from '../bindings/ListQuery';
import type { LogLinesPage } from '../bindings/LogLinesPage';
import type { LogMessage } from '../bindings/LogMessage';
import type { LogSearchQuery } from '../bindings/LogSearchQuery';
import type { LogSearchResult } from '../bindings/LogSearchResult';
import type { LogSnapshot } from '../bindings/LogSnapshot';
import type { NetworkSummary } from '../bindings/NetworkSummary';
import type { NetworkView } from '../bindings/NetworkView';
import type { NoticeTarget } from '../bindings/NoticeTarget';
import type { PlotRequest } from '../bindings/PlotRequest';
import type { ProgressCursor } from '../bindings/ProgressCursor';
import type { ProgressMessage } from '../bindings/ProgressMessage';
import type { ResultsTable } from '../bindings/ResultsTable';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunFacets } from '../bindings/RunFacets';
import type { RunPage } from '../bindings/RunPage';
import type { RunProgress } from '../bindings/RunProgress';
import type { RunStatus } from '../bindings/RunStatus';
import type { RunTopology } from '../bindings/RunTopology';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
import type { SimulatorCheck } from '../bindings/SimulatorCheck';
import type { Sweep } from '../bindings/Sweep';
import type { SweepDetail } from '../bindings/SweepDetail';
import type { SweepPreview } from '../bindings/SweepPreview';
import type { SweepRequest } from '../bindings/SweepRequest';
import type { TemplateDiff } from '../bindings/TemplateDiff';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import type { ValidationReport } from '../bindings/ValidationReport';
import type { Backend, FigureFormat, PlotFormat, QuitMode, QuitRequest, StreamId, Unsubscribe } from './backend';
import {
  BUNDLED_SIMULATOR,
  DATA_DIR,
  FAKE_BUILTIN_TEMPLATES,
  FAKE_FIGURE,
  FAKE_NETWORKS,
  FAKE_SCHEMA,
  fakeNetworkView,
  fakeTemplateText,
  fakeValidReport,
} from './fakeDesk';

export type Method = Exclude<keyof Backend, 'kind'>;
type Args<M extends Method> = Parameters<Backend[M]>;
type Reply<M extends Method> = Awaited<ReturnType<Backend[M]>>;
/** What a method answers instead of the store's reply. */
export type Answer<M extends Method> = (...args: Args<M>) => Reply<M>;

/** A file or folder of a stored run folder, with the preview the core would make of it. */
export type MemoryFile =
  | { kind: 'dir' | 'root'; path: string; location?: string }
  | { kind: 'file' | 'symlink'; path: string; size: number; content: ArtifactPreview['content']; target?: string };

/** Byte offsets where each stored log line starts, plus the log's size (each line ends with "\n"). */
export function lineOffsets(lines: readonly string[]): number[] {
  const out = [0];
  for (const l of lines) out.push(out[out.length - 1] + new TextEncoder().encode(l).length + 1);
  return out;
}

/** Everything stored about one run besides the Run itself. */
export type MemoryRunData = {
  /** The frozen config.ini. */
  config: string;
  templateDiff: TemplateDiff | null;
  log: string[];
  progress: RunProgress | null;
  /** Sent with every progress update. */
  cursor: ProgressCursor;
  /** The run folder, parents before children, in listing order. */
  files: MemoryFile[];
  usage: ArtifactUsage | null;
  results: ResultsTable | null;
  /** One per load shown; the request picks the one with its `erlang`, else the last. */
  topologies: RunTopology[];
  /** Result files that stayed on the run's cluster. */
  leftOnCluster: ClusterResult[];
};

export type MemoryOptions = {
  /** Newest first, as lists show them. */
  runs?: Run[];
  /** Data of the runs, by id (a run without it has an empty log, no progress, no files). */
  runData?: Record<string, Partial<MemoryRunData>>;
  templates?: TemplateInfo[];
  /** Template texts by name, over a built-in-like text for every listed template. */
  templateTexts?: Record<string, string>;
  settings?: Partial<Settings>;
  dataDir?: string;
  /** Simulates `FUSION_DESK_SIMULATOR`. */
  simulatorEnvOverride?: string | null;
  clusters?: ClusterProfile[];
  sweeps?: SweepDetail[];
  schema?: ConfigKey[];
  networks?: NetworkSummary[];
  /** Delay of every call, to make loading states visible in the demo. */
  latencyMs?: number;
};

export type MemoryCall = { method: string; args: unknown[] };

type MemStream =
  | { kind: 'log'; runId: string; offset: number; send: (m: LogMessage) => void }
  | { kind: 'progress'; runId: string; send: (m: ProgressMessage) => void };

const TERMINAL: readonly RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** Lines per `lines` message of a log stream. */
const STREAM_CHUNK_LINES = 500;

/** Timestamps in the core's format: UTC, milliseconds, `+00:00`. */
export function timestamp(d: Date = new Date()): string {
  return d.toISOString().replace('Z', '+00:00');
}

function newId(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** A complete Run with plain defaults, for tests and seeding. */
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
    simulator: BUNDLED_SIMULATOR,
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

function emptyData(): MemoryRunData {
  return {
    config: '',
    templateDiff: null,
    log: [],
    progress: null,
    cursor: { progress_offset: 0, log_offset: 0 },
    files: [],
    usage: null,
    results: null,
    topologies: [],
    leftOnCluster: [],
  };
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function notFound(what: string): DeskError {
  return { code: 'not_found', message: `${what} is not in the in-memory store` };
}

export class MemoryBackend implements Backend {
  readonly kind = 'memory' as const;

  /** Every call made, in order, for assertions. */
  readonly calls: MemoryCall[] = [];
  /** Modes passed to `quit`. */
  readonly quitModes: QuitMode[] = [];

  private runs: Run[];
  private data = new Map<string, MemoryRunData>();
  private templates: TemplateInfo[];
  private templateTexts: Map<string, string>;
  private view: SettingsView;
  private clusters: ClusterProfile[];
  private sweeps: SweepDetail[];
  private schema: ConfigKey[];
  private networkList: NetworkSummary[];
  private latencyMs: number;
  private answers = new Map<Method, (...args: never[]) => unknown>();
  private nextAnswers = new Map<Method, ((...args: never[]) => unknown)[]>();
  private failures = new Map<Method, DeskError[]>();
  private runListeners = new Set<(e: RunEvent) => void>();
  private quitListeners = new Set<(r: QuitRequest) => void>();
  private openTargetListeners = new Set<(target: NoticeTarget) => void>();
  private streams = new Map<number, MemStream>();
  private nextStream = 0;

  constructor(options: MemoryOptions = {}) {
    this.runs = (options.runs ?? []).map(copy);
    for (const r of this.runs) this.data.set(r.id, { ...emptyData(), ...copy(options.runData?.[r.id] ?? {}) });
    this.templates = copy(options.templates ?? FAKE_BUILTIN_TEMPLATES);
    this.templateTexts = new Map([...this.templates.map((t): [string, string] => [t.name, fakeTemplateText(t.name)]), ...Object.entries(options.templateTexts ?? {})]);
    const settings: Settings = { simulator_command: '', max_concurrent_runs: 2, cancel_grace_seconds: 10, notify_when_finished: true, ...options.settings };
    const envOverride = options.simulatorEnvOverride ?? null;
    this.view = {
      settings,
      effective_simulator: envOverride ?? (settings.simulator_command || BUNDLED_SIMULATOR),
      simulator_env_override: envOverride,
      data_dir: options.dataDir ?? DATA_DIR,
    };
    this.clusters = copy(options.clusters ?? []);
    this.sweeps = copy(options.sweeps ?? []);
    this.schema = copy(options.schema ?? FAKE_SCHEMA);
    this.networkList = copy(options.networks ?? FAKE_NETWORKS);
    this.latencyMs = options.latencyMs ?? 0;
  }

  // ---- test and demo controls -------------------------------------------

  /** From now on `method` answers with `fn` instead of the store's reply. */
  answer<M extends Method>(method: M, fn: Answer<M>): void {
    this.answers.set(method, fn as (...args: never[]) => unknown);
  }

  /** The next call of `method` answers with `fn` (queued, one per call). */
  answerNext<M extends Method>(method: M, fn: Answer<M>): void {
    const q = this.nextAnswers.get(method) ?? [];
    q.push(fn as (...args: never[]) => unknown);
    this.nextAnswers.set(method, q);
  }

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

  /** Simulates the user closing the window with `active` runs going. */
  requestQuit(active: number): void {
    for (const h of [...this.quitListeners]) h({ active });
  }

  /** Simulates a click on a desktop notification. */
  clickNotification(target: NoticeTarget): void {
    for (const h of [...this.openTargetListeners]) h(target);
  }

  /** Adds a run (or replaces the one with its id), with its data, and announces it. */
  put(run: Run, data: Partial<MemoryRunData> = {}): void {
    const at = this.runs.findIndex((r) => r.id === run.id);
    if (at >= 0) this.runs[at] = copy(run);
    else this.runs.unshift(copy(run));
    this.data.set(run.id, { ...emptyData(), ...copy(data) });
    this.emit({ type: 'run_updated', run: copy(run) });
  }

  /**
   * Changes a stored run and announces it (`run_updated`). A run that has
   * ended ends its open streams, as the core's do.
   */
  update(id: string, patch: Partial<Run>): Run {
    const r = this.runs.find((x) => x.id === id);
    if (!r) throw new Error(`no run ${id}`);
    Object.assign(r, patch, { updated_at: timestamp() });
    this.emit({ type: 'run_updated', run: copy(r) });
    queueMicrotask(() => this.pumpRun(id));
    return copy(r);
  }

  /**
   * Replaces some of a run's data. Its log streams get the lines past their
   * offset (or a reset when the log got shorter); progress streams get only
   * what a test sends with `emitProgress`.
   */
  setRunData(id: string, patch: Partial<MemoryRunData>): void {
    Object.assign(this.dataOf(id), copy(patch));
    if (patch.log !== undefined) this.pumpRun(id, 'log');
  }

  /** Stored data of a run, without recording a call. */
  runData(id: string): MemoryRunData {
    return copy(this.dataOf(id));
  }

  /** Sends a message to every log stream of a run (a `reset` restarts them at offset 0). */
  emitLog(id: string, message: LogMessage): void {
    for (const st of this.streams.values()) {
      if (st.kind !== 'log' || st.runId !== id) continue;
      if (message.type === 'reset') st.offset = 0;
      st.send(message);
    }
  }

  /** Sends a message to every progress stream of a run. */
  emitProgress(id: string, message: ProgressMessage): void {
    for (const st of this.streams.values()) if (st.kind === 'progress' && st.runId === id) st.send(message);
  }

  /** Streams open now, by kind (tests check that pages close theirs). */
  openStreams(kind?: 'log' | 'progress'): { id: number; runId: string; kind: 'log' | 'progress' }[] {
    return [...this.streams.entries()].filter(([, s]) => !kind || s.kind === kind).map(([id, s]) => ({ id, runId: s.runId, kind: s.kind }));
  }

  /** Removes a run from the store and announces it (`run_deleted`). */
  drop(id: string): void {
    this.remove(id);
  }

  /** Adds a sweep (or replaces the one with its id); its runs are stored with `put` or the `runs` option. */
  putSweep(detail: SweepDetail): void {
    this.sweeps = [copy(detail), ...this.sweeps.filter((s) => s.sweep.id !== detail.sweep.id)];
  }

  /** Current state of a run, without recording a call. */
  peek(id: string): Run | undefined {
    const r = this.runs.find((x) => x.id === id);
    return r && copy(r);
  }

  /** A stored template text, without recording a call. */
  storedTemplate(name: string): string | undefined {
    return this.templateTexts.get(name);
  }

  /** Forgets every subscriber and stream (tests call this in cleanup). */
  dispose(): void {
    this.runListeners.clear();
    this.quitListeners.clear();
    this.openTargetListeners.clear();
    this.streams.clear();
  }

  // ---- runs -------------------------------------------------------------

  createRun(request: CreateRunRequest): Promise<Run> {
    return this.handle('createRun', [request], () => {
      const now = timestamp();
      const run = makeRun({
        name: request.name ?? request.template,
        template: request.template,
        overrides: [...request.overrides],
        simulator: this.view.effective_simulator,
        created_at: now,
        ...(request.executor !== undefined ? { executor: request.executor } : {}),
      });
      this.put(run, { config: request.config_text ?? this.templateTexts.get(request.template) ?? '' });
      return copy(run);
    });
  }

  /** The stored runs, newest first, a page of them; filters are the core's to apply (answer `listRuns` to state a filtered list). */
  listRuns(query: ListQuery): Promise<RunPage> {
    return this.handle('listRuns', [query], () => {
      const offset = query.offset ?? 0;
      const limit = query.limit ?? 50;
      return { runs: this.runs.slice(offset, offset + limit).map(copy), total: this.runs.length, offset, limit };
    });
  }

  getRun(id: string): Promise<Run> {
    return this.handle('getRun', [id], () => copy(this.find(id)));
  }

  runConfig(id: string): Promise<string> {
    return this.handle('runConfig', [id], () => this.dataOf(id).config);
  }

  templateDiff(id: string): Promise<TemplateDiff> {
    return this.handle('templateDiff', [id], () => {
      const r = this.find(id);
      return copy(this.dataOf(id).templateDiff ?? { template: r.template, template_missing: false, changes: [] });
    });
  }

  /** Records the request; the run changes when a test `update`s it. */
  cancelRun(id: string): Promise<Run> {
    return this.handle('cancelRun', [id], () => copy(this.find(id)));
  }

  deleteRun(id: string): Promise<void> {
    return this.handle('deleteRun', [id], () => this.remove(id));
  }

  // ---- settings and quitting ---------------------------------------------

  getSettings(): Promise<SettingsView> {
    return this.handle('getSettings', [], () => copy(this.view));
  }

  /** Stores the settings as given; what is in effect stays as stored (answer `saveSettings` to change it). */
  saveSettings(settings: Settings): Promise<SettingsView> {
    return this.handle('saveSettings', [settings], () => {
      this.view = { ...this.view, settings: copy(settings) };
      return copy(this.view);
    });
  }

  quit(mode: QuitMode): Promise<void> {
    return this.handle('quit', [mode], () => {
      this.quitModes.push(mode);
    });
  }

  // ---- templates and configs ---------------------------------------------

  listTemplates(): Promise<TemplateInfo[]> {
    return this.handle('listTemplates', [], () => copy(this.templates));
  }

  templateText(name: string): Promise<string> {
    return this.handle('templateText', [name], () => {
      const text = this.templateTexts.get(name);
      if (text === undefined) throw notFound(`template ${JSON.stringify(name)}`);
      return text;
    });
  }

  saveTemplate(name: string, text: string, overwrite: boolean): Promise<TemplateInfo> {
    return this.handle('saveTemplate', [name, text, overwrite], () => {
      const info: TemplateInfo = { name, description: '', builtin: false };
      this.templateTexts.set(name, text);
      this.templates = [...this.templates.filter((t) => t.name !== name), info];
      return copy(info);
    });
  }

  renameTemplate(from: string, to: string): Promise<TemplateInfo> {
    return this.handle('renameTemplate', [from, to], () => {
      const old = this.templates.find((t) => t.name === from);
      const text = this.templateTexts.get(from);
      if (!old || text === undefined) throw notFound(`template ${JSON.stringify(from)}`);
      const info = { ...old, name: to };
      this.templateTexts.delete(from);
      this.templateTexts.set(to, text);
      this.templates = this.templates.map((t) => (t.name === from ? info : t));
      return copy(info);
    });
  }

  deleteTemplate(name: string): Promise<void> {
    return this.handle('deleteTemplate', [name], () => {
      if (!this.templates.some((t) => t.name === name)) throw notFound(`template ${JSON.stringify(name)}`);
      this.templates = this.templates.filter((t) => t.name !== name);
      this.templateTexts.delete(name);
    });
  }

  /** A valid report with the fake desk's summary, whatever the text (answer `validateConfig` for errors). */
  validateConfig(text: string): Promise<ValidationReport> {
    return this.handle('validateConfig', [text], () => fakeValidReport());
  }

  configSchema(): Promise<ConfigKey[]> {
    return this.handle('configSchema', [], () => copy(this.schema));
  }

  /** The dialog is cancelled unless a test answers `importConfig`. */
  importConfig(): Promise<ImportedConfig | null> {
    return this.handle('importConfig', [], () => null);
  }

  exportConfig(text: string, fileName: string): Promise<string | null> {
    return this.handle('exportConfig', [text, fileName], () => `/home/researcher/${fileName}`);
  }

  // ---- networks and the simulator ----------------------------------------

  networks(): Promise<NetworkSummary[]> {
    return this.handle('networks', [], () => copy(this.networkList));
  }

  network(name: string): Promise<NetworkView> {
    return this.handle('network', [name], () => {
      const s = this.networkList.find((n) => n.name === name);
      if (!s) throw notFound(`network ${JSON.stringify(name)}`);
      return fakeNetworkView(s);
    });
  }

  /** The embedded engine is found unless a test answers `checkSimulator`. */
  checkSimulator(command: string | null): Promise<SimulatorCheck> {
    return this.handle('checkSimulator', [command], () => ({
      command: command ?? this.view.effective_simulator,
      kind: 'embedded',
      ok: true,
      summary: 'fusion-sim 0.1.0 (embedded engine)',
    }));
  }

  /** The dialog is cancelled unless a test answers `pickSimulator`. */
  pickSimulator(): Promise<SimulatorCheck | null> {
    return this.handle('pickSimulator', [], () => null);
  }

  // ---- Slurm clusters -----------------------------------------------------

  listClusters(): Promise<ClusterProfile[]> {
    return this.handle('listClusters', [], () => copy(this.clusters));
  }

  /** Stores the profile as given, replacing one of the same name. */
  saveCluster(profile: ClusterProfile): Promise<ClusterProfile[]> {
    return this.handle('saveCluster', [profile], () => {
      const at = this.clusters.findIndex((c) => c.name === profile.name);
      if (at >= 0) this.clusters[at] = copy(profile);
      else this.clusters.push(copy(profile));
      return copy(this.clusters);
    });
  }

  removeCluster(name: string): Promise<ClusterProfile[]> {
    return this.handle('removeCluster', [name], () => {
      this.clusters = this.clusters.filter((c) => c.name !== name);
      return copy(this.clusters);
    });
  }

  checkCluster(name: string, acceptFingerprint?: string): Promise<ClusterCheck> {
    return this.handle('checkCluster', acceptFingerprint === undefined ? [name] : [name, acceptFingerprint], () => ({ profile: name, ok: true, summary: 'partition (up)', problem: null, host_key_type: null, host_key_fingerprint: null }));
  }

  resultsLeftOnCluster(id: string): Promise<ClusterResult[]> {
    return this.handle('resultsLeftOnCluster', [id], () => copy(this.dataOf(id).leftOnCluster));
  }

  /**
   * Moves a stored entry into the stored files, as a binary file of its size
   * at `output/<path>` (with its folders), and answers what is left; a path
   * not stored is not found. Tests state a failure with `failNext`.
   */
  fetchClusterResult(id: string, path: string): Promise<ClusterResult[]> {
    return this.handle('fetchClusterResult', [id, path], () => {
      const d = this.dataOf(id);
      const left = d.leftOnCluster.find((r) => r.path === path);
      if (!left) throw notFound(`result ${JSON.stringify(path)} left on the cluster by run ${id}`);
      d.leftOnCluster = d.leftOnCluster.filter((r) => r !== left);
      const dest = `output/${path}`;
      d.files = d.files.filter((f) => f.path !== dest);
      const parts = dest.split('/');
      for (let i = 1; i < parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        if (!d.files.some((f) => f.path === folder)) d.files.push({ kind: 'dir', path: folder });
      }
      d.files.push({ kind: 'file', path: dest, size: left.size, content: { kind: 'binary', detected: 'data', mime: null, note: null } });
      return copy(d.leftOnCluster);
    });
  }

  // ---- logs ---------------------------------------------------------------

  /** The stored log read like a file: from a byte offset, or its tail when `offset` is null. */
  logSnapshot(id: string, offset: number | null, maxBytes: number): Promise<LogSnapshot> {
    return this.handle('logSnapshot', [id, offset, maxBytes], () => {
      const r = this.find(id);
      const lines = this.dataOf(id).log;
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
      const lines = this.dataOf(id).log;
      const offs = lineOffsets(lines);
      const a = Math.min(lines.length, Math.max(0, first));
      const b = Math.min(lines.length, a + Math.max(0, count));
      return { first_line: a, lines: lines.slice(a, b), total_lines: lines.length, offset_start: offs[a], offset_end: offs[b] };
    });
  }

  /** No matches unless a test answers `logSearch`. */
  logSearch(id: string, query: LogSearchQuery): Promise<LogSearchResult> {
    return this.handle('logSearch', [id, query], () => ({ match_count: 0, matches: [], more: false, lines_searched: this.dataOf(id).log.length }));
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

  // ---- progress -----------------------------------------------------------

  runProgress(id: string): Promise<RunProgress | null> {
    return this.handle('runProgress', [id], () => copy(this.dataOf(id).progress));
  }

  runProgressMany(ids: string[]): Promise<Record<string, RunProgress>> {
    return this.handle('runProgressMany', [ids], () => {
      const out: Record<string, RunProgress> = {};
      for (const id of ids) {
        const p = this.data.get(id)?.progress;
        if (p) out[id] = copy(p);
      }
      return out;
    });
  }

  /** Sends the stored progress (in full when `cursor` is null), then what tests push. */
  streamProgress(id: string, cursor: ProgressCursor | null, onMessage: (message: ProgressMessage) => void): Promise<StreamId> {
    return this.handle('streamProgress', [id, cursor], () => {
      this.find(id);
      const sid = ++this.nextStream;
      this.streams.set(sid, { kind: 'progress', runId: id, send: onMessage });
      queueMicrotask(() => {
        const d = this.data.get(id);
        if (this.streams.has(sid) && d?.progress) onMessage({ type: 'update', cursor: copy(d.cursor), full: cursor === null, progress: copy(d.progress) });
        this.pump(sid);
      });
      return sid;
    });
  }

  closeStream(stream: StreamId): Promise<void> {
    return this.handle('closeStream', [stream], () => {
      this.streams.delete(stream);
    });
  }

  // ---- artifacts ------------------------------------------------------------

  /** The stored files directly inside `path`, in stored order. */
  listArtifacts(id: string, path: string, offset: number | null = null, limit: number | null = null): Promise<ArtifactListing> {
    return this.handle('listArtifacts', [id, path, offset, limit], () => {
      const r = this.find(id);
      const modified = r.completed_at ?? r.started_at ?? r.created_at;
      const all = this.dataOf(id)
        .files.filter((f) => parentOf(f.path) === path)
        .map((f) => ({
          name: f.path.slice(f.path.lastIndexOf('/') + 1),
          path: f.path,
          kind: f.kind,
          size: f.kind === 'file' || f.kind === 'symlink' ? f.size : 0,
          modified,
          link_target: f.kind === 'symlink' ? (f.target ?? null) : null,
          location: f.kind === 'root' ? (f.location ?? null) : null,
        }));
      const o = offset ?? 0;
      const l = limit ?? 1000;
      return { run_id: id, path, entries: all.slice(o, o + l), total: all.length, offset: o, limit: l };
    });
  }

  artifactUsage(id: string, path: string): Promise<ArtifactUsage> {
    return this.handle('artifactUsage', [id, path], () => {
      const u = this.dataOf(id).usage;
      return u ? { ...u, path } : { path, bytes: 0, disk_bytes: 0, files: 0, folders: 0, symlinks: 0, complete: true };
    });
  }

  previewArtifact(id: string, path: string): Promise<ArtifactPreview> {
    return this.handle('previewArtifact', [id, path], () => {
      const r = this.find(id);
      const f = this.fileOf(id, path);
      if (f.kind !== 'file' && f.kind !== 'symlink') throw notFound(`file ${JSON.stringify(path)} of run ${id}`);
      return { path, size: f.size, modified: r.completed_at ?? r.started_at ?? r.created_at, content: copy(f.content) };
    });
  }

  openArtifact(id: string, path: string): Promise<void> {
    return this.handle('openArtifact', [id, path], () => undefined);
  }

  revealArtifact(id: string, path: string): Promise<void> {
    return this.handle('revealArtifact', [id, path], () => undefined);
  }

  /** The dialog is cancelled unless a test answers `saveArtifactAs`. */
  saveArtifactAs(id: string, path: string): Promise<ExportSummary | null> {
    return this.handle('saveArtifactAs', [id, path], () => null);
  }

  /** The dialog is cancelled unless a test answers `exportArtifactFolder`. */
  exportArtifactFolder(id: string, path: string): Promise<ExportSummary | null> {
    return this.handle('exportArtifactFolder', [id, path], () => null);
  }

  // ---- results ----------------------------------------------------------------

  results(id: string): Promise<ResultsTable> {
    return this.handle('results', [id], () => copy(this.dataOf(id).results ?? { run_id: id, rows: [], problems: [] }));
  }

  /** The dialog is cancelled unless a test answers `exportResultsCsv`. */
  exportResultsCsv(id: string): Promise<string | null> {
    return this.handle('exportResultsCsv', [id], () => null);
  }

  saveResultsPlot(id: string, format: PlotFormat, data: string): Promise<string | null> {
    return this.handle('saveResultsPlot', [id, format, data], () => null);
  }

  runTopology(id: string, erlang: number | null): Promise<RunTopology> {
    return this.handle('runTopology', [id, erlang], () => {
      const all = this.dataOf(id).topologies;
      const t = all.find((x) => x.erlang === erlang) ?? all[all.length - 1];
      if (!t) throw notFound(`topology of run ${id}`);
      return copy(t);
    });
  }

  // ---- history ------------------------------------------------------------------

  renameRun(id: string, name: string): Promise<Run> {
    return this.handle('renameRun', [id, name], () => this.update(id, { name }));
  }

  setRunTags(id: string, tags: string[]): Promise<Run> {
    return this.handle('setRunTags', [id, tags], () => this.update(id, { tags: [...tags] }));
  }

  setRunNote(id: string, note: string): Promise<Run> {
    return this.handle('setRunNote', [id, note], () => this.update(id, { note }));
  }

  runFacets(): Promise<RunFacets> {
    return this.handle('runFacets', [], () => ({ templates: [], networks: [], tags: [] }));
  }

  deleteRuns(ids: string[]): Promise<BulkItem[]> {
    return this.handle('deleteRuns', [ids], () =>
      ids.map((id) => {
        this.remove(id);
        return { id, ok: true, message: null, destination: null };
      }),
    );
  }

  /** The dialog is cancelled unless a test answers `exportRuns`. */
  exportRuns(ids: string[]): Promise<BulkItem[] | null> {
    return this.handle('exportRuns', [ids], () => null);
  }

  measureDiskUse(id: string): Promise<Run> {
    return this.handle('measureDiskUse', [id], () => copy(this.find(id)));
  }

  cleanupPreview(query: CleanupQuery): Promise<CleanupPreview> {
    return this.handle('cleanupPreview', [query], () => ({ runs: 0, bytes: 0, ids: [] }));
  }

  cleanup(query: CleanupQuery): Promise<CleanupReport> {
    return this.handle('cleanup', [query], () => ({ deleted: 0, bytes: 0, failed: [] }));
  }

  // ---- comparison and figures -------------------------------------------------

  /** Nothing compared unless a test answers `compareRuns`. */
  compareRuns(ids: string[]): Promise<Comparison> {
    return this.handle('compareRuns', [ids], () => ({ runs: [], erlangs: [], diff: [] }));
  }

  exportComparisonCsv(ids: string[]): Promise<string | null> {
    return this.handle('exportComparisonCsv', [ids], () => null);
  }

  saveComparisonPlot(format: PlotFormat, data: string): Promise<string | null> {
    return this.handle('saveComparisonPlot', [format, data], () => null);
  }

  figurePreview(request: PlotRequest, options: FigureOptions): Promise<FigurePreview> {
    return this.handle('figurePreview', [request, options], () => ({ ...FAKE_FIGURE }));
  }

  saveFigure(request: PlotRequest, options: FigureOptions, format: FigureFormat): Promise<string | null> {
    return this.handle('saveFigure', [request, options, format], () => null);
  }

  // ---- events -------------------------------------------------------------------

  onRunEvent(handler: (event: RunEvent) => void): Unsubscribe {
    this.runListeners.add(handler);
    return () => this.runListeners.delete(handler);
  }

  onQuitRequested(handler: (request: QuitRequest) => void): Unsubscribe {
    this.quitListeners.add(handler);
    return () => this.quitListeners.delete(handler);
  }

  onOpenTarget(handler: (target: NoticeTarget) => void): Unsubscribe {
    this.openTargetListeners.add(handler);
    return () => this.openTargetListeners.delete(handler);
  }

  // ---- sweeps and re-runs -------------------------------------------------------

  /** Nothing to preview unless a test answers `previewSweep`. */
  previewSweep(request: SweepRequest): Promise<SweepPreview> {
    return this.handle('previewSweep', [request], () => ({ count: 0, axes: [], points: [], estimate: null, warnings: [] }));
  }

  /** A test answers `createSweep` with the sweep it expects. */
  createSweep(request: SweepRequest): Promise<SweepDetail> {
    return this.handle('createSweep', [request], () => {
      throw { code: 'internal', message: 'the in-memory store has no answer for createSweep' } satisfies DeskError;
    });
  }

  listSweeps(): Promise<Sweep[]> {
    return this.handle('listSweeps', [], () => this.sweeps.map((s) => copy(s.sweep)));
  }

  getSweep(id: string): Promise<SweepDetail> {
    return this.handle('getSweep', [id], () => copy(this.sweepOf(id)));
  }

  /** Records the request; the sweep's runs change when a test `update`s them. */
  cancelSweep(id: string): Promise<SweepDetail> {
    return this.handle('cancelSweep', [id], () => copy(this.sweepOf(id)));
  }

  rerunFailed(id: string): Promise<SweepDetail> {
    return this.handle('rerunFailed', [id], () => copy(this.sweepOf(id)));
  }

  /** A test answers `rerunRun` with the new run it expects. */
  rerunRun(id: string): Promise<Run> {
    return this.handle('rerunRun', [id], () => {
      throw { code: 'internal', message: `the in-memory store has no answer for rerunRun(${id})` } satisfies DeskError;
    });
  }

  // ---- internals ------------------------------------------------------------------

  private handle<M extends Method>(method: M, args: unknown[], stored: () => Reply<M>): Promise<Reply<M>> {
    this.calls.push({ method, args });
    const reply = (): Reply<M> => {
      const failure = this.failures.get(method)?.shift();
      if (failure) throw { ...failure };
      const next = this.nextAnswers.get(method)?.shift() ?? this.answers.get(method);
      return next ? (next as unknown as Answer<M>)(...(args as Args<M>)) : stored();
    };
    return new Promise<Reply<M>>((resolve, reject) => {
      const settle = () => {
        try {
          resolve(reply());
        } catch (e) {
          reject(e);
        }
      };
      if (this.latencyMs > 0) setTimeout(settle, this.latencyMs);
      else settle();
    });
  }

  private find(id: string): Run {
    const r = this.runs.find((x) => x.id === id);
    if (!r) throw notFound(`run ${id}`);
    return r;
  }

  private dataOf(id: string): MemoryRunData {
    this.find(id);
    let d = this.data.get(id);
    if (!d) {
      d = emptyData();
      this.data.set(id, d);
    }
    return d;
  }

  private fileOf(id: string, path: string): MemoryFile {
    const f = this.dataOf(id).files.find((x) => x.path === path);
    if (!f) throw notFound(`file ${JSON.stringify(path)} of run ${id}`);
    return f;
  }

  private sweepOf(id: string): SweepDetail {
    const s = this.sweeps.find((x) => x.sweep.id === id);
    if (!s) throw notFound(`sweep ${id}`);
    return s;
  }

  private remove(id: string): void {
    this.find(id);
    this.runs = this.runs.filter((x) => x.id !== id);
    this.data.delete(id);
    queueMicrotask(() => this.emit({ type: 'run_deleted', id }));
  }

  private pumpRun(id: string, kind?: 'log' | 'progress'): void {
    for (const [sid, st] of [...this.streams.entries()]) if (st.runId === id && (!kind || st.kind === kind)) this.pump(sid);
  }

  /** Sends a log stream the stored lines past its offset; ends any stream of a run that has ended. */
  private pump(sid: number): void {
    const st = this.streams.get(sid);
    if (!st) return;
    const r = this.runs.find((x) => x.id === st.runId);
    if (!r) {
      this.streams.delete(sid);
      return;
    }
    if (st.kind === 'log') {
      const lines = this.dataOf(r.id).log;
      const offs = lineOffsets(lines);
      if (st.offset > offs[lines.length]) {
        st.offset = 0;
        st.send({ type: 'reset' });
      }
      let first = offs.findIndex((o) => o >= st.offset);
      if (first < 0) first = lines.length;
      while (first < lines.length) {
        const last = Math.min(lines.length, first + STREAM_CHUNK_LINES);
        st.send({ type: 'lines', first_line: first, offset_start: offs[first], offset_end: offs[last], lines: lines.slice(first, last) });
        st.offset = offs[last];
        first = last;
      }
    }
    if (TERMINAL.includes(r.status)) {
      st.send({ type: 'end', status: r.status });
      this.streams.delete(sid);
    }
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
