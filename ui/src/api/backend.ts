// The UI's only way to reach the desktop core. Two implementations exist:
// TauriBackend (IPC to the Rust side) and MemoryBackend (an in-memory store
// used by component tests and by the browser demo).

import { createContext, useContext } from 'react';
import type { CreateRunRequest } from '../bindings/CreateRunRequest';
import type { TemplateDiff } from '../bindings/TemplateDiff';
import type { DeskError } from '../bindings/DeskError';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunPage } from '../bindings/RunPage';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
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
import type { ClusterProfile } from '../bindings/ClusterProfile';
import type { ClusterCheck } from '../bindings/ClusterCheck';
import type { ClusterResult } from '../bindings/ClusterResult';
import type { NoticeTarget } from '../bindings/NoticeTarget';
import type { Sweep } from '../bindings/Sweep';
import type { SweepDetail } from '../bindings/SweepDetail';
import type { SweepPreview } from '../bindings/SweepPreview';
import type { SweepRequest } from '../bindings/SweepRequest';

import type { BulkItem } from '../bindings/BulkItem';
import type { CleanupPreview } from '../bindings/CleanupPreview';
import type { CleanupQuery } from '../bindings/CleanupQuery';
import type { CleanupReport } from '../bindings/CleanupReport';
import type { Comparison } from '../bindings/Comparison';
import type { RunFacets } from '../bindings/RunFacets';
import type { ConfigKey } from '../bindings/ConfigKey';
import type { ImportedConfig } from '../bindings/ImportedConfig';
import type { NetworkSummary } from '../bindings/NetworkSummary';
import type { NetworkView } from '../bindings/NetworkView';
import type { SimulatorCheck } from '../bindings/SimulatorCheck';
import type { ValidationReport } from '../bindings/ValidationReport';
import type { FigureOptions } from '../bindings/FigureOptions';
import type { FigurePreview } from '../bindings/FigurePreview';
import type { PlotRequest } from '../bindings/PlotRequest';

/** What to do with active runs when the app quits. */
export type QuitMode = 'leave' | 'cancel';

/** Payload of the `quit-requested` event. */
export type QuitRequest = { active: number };

export type Unsubscribe = () => void;

/** Id of an open log or progress stream, for `closeStream`. */
export type StreamId = number;

export type PlotFormat = 'svg' | 'png';

/** The files a publication figure is saved as (`py`: a matplotlib script and its CSV beside it). */
export type FigureFormat = 'pdf' | 'svg' | 'png' | 'csv' | 'py';

export interface Backend {
  /** `tauri` inside the desktop shell, `memory` for tests and the browser demo. */
  readonly kind: 'tauri' | 'memory';

  createRun(request: CreateRunRequest): Promise<Run>;
  listRuns(query: ListQuery): Promise<RunPage>;
  getRun(id: string): Promise<Run>;
  /** The run's frozen config.ini text. */
  runConfig(id: string): Promise<string>;
  /** How the run's frozen config differs from its template, key by key. */
  templateDiff(id: string): Promise<TemplateDiff>;
  /** Returns at once; the CANCELLED state arrives later as a `run_updated` event. */
  cancelRun(id: string): Promise<Run>;
  /** Only finished runs; an active one rejects with `invalid_state`. */
  deleteRun(id: string): Promise<void>;
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: Settings): Promise<SettingsView>;
  quit(mode: QuitMode): Promise<void>;

  // ---- templates and configs ----
  /** Built-in templates first, then the user's. */
  listTemplates(): Promise<TemplateInfo[]>;
  templateText(name: string): Promise<string>;
  /** With `overwrite` false an existing user template of that name is an error. */
  saveTemplate(name: string, text: string, overwrite: boolean): Promise<TemplateInfo>;
  renameTemplate(from: string, to: string): Promise<TemplateInfo>;
  deleteTemplate(name: string): Promise<void>;
  validateConfig(text: string): Promise<ValidationReport>;
  configSchema(): Promise<ConfigKey[]>;
  /** Native open dialog; null when cancelled. */
  importConfig(): Promise<ImportedConfig | null>;
  /** Native save dialog; the path written, or null when cancelled. */
  exportConfig(text: string, fileName: string): Promise<string | null>;

  // ---- networks ----
  networks(): Promise<NetworkSummary[]>;
  network(name: string): Promise<NetworkView>;

  // ---- simulator ----
  /** Checks a simulator command (the one in effect when null). */
  checkSimulator(command: string | null): Promise<SimulatorCheck>;
  /** Native file dialog for fusion-sim or a Python interpreter; null when cancelled. */
  pickSimulator(): Promise<SimulatorCheck | null>;

  // ---- logs ----
  /** The log from a byte offset, or its tail when `offset` is null. */
  logSnapshot(id: string, offset: number | null, maxBytes: number): Promise<LogSnapshot>;
  /** Lines `first … first + count - 1` (count ≤ `LIMITS.max_log_lines_per_call`). */
  logLines(id: string, first: number, count: number): Promise<LogLinesPage>;
  logSearch(id: string, query: LogSearchQuery): Promise<LogSearchResult>;
  /** Follows the log from a byte offset; messages arrive until `end` or `closeStream`. */
  streamLog(id: string, offset: number, onMessage: (message: LogMessage) => void): Promise<StreamId>;

  // ---- progress ----
  runProgress(id: string): Promise<RunProgress | null>;
  /** The cached progress of many runs (runs without any are left out). */
  runProgressMany(ids: string[]): Promise<Record<string, RunProgress>>;
  /** Follows progress after `cursor` (null: from the start; the first update is then full). */
  streamProgress(id: string, cursor: ProgressCursor | null, onMessage: (message: ProgressMessage) => void): Promise<StreamId>;
  /** Stops a stream the page no longer shows. */
  closeStream(stream: StreamId): Promise<void>;

  // ---- artifacts ----
  listArtifacts(id: string, path: string, offset?: number | null, limit?: number | null): Promise<ArtifactListing>;
  artifactUsage(id: string, path: string): Promise<ArtifactUsage>;
  previewArtifact(id: string, path: string): Promise<ArtifactPreview>;
  /** Opens a file with the system's default application. */
  openArtifact(id: string, path: string): Promise<void>;
  /** Shows the file's folder in the file manager. */
  revealArtifact(id: string, path: string): Promise<void>;
  /** Native save dialog; null when the user cancelled. */
  saveArtifactAs(id: string, path: string): Promise<ExportSummary | null>;
  /** Native folder dialog (`""` exports the whole run); null when cancelled. */
  exportArtifactFolder(id: string, path: string): Promise<ExportSummary | null>;

  // ---- results ----
  results(id: string): Promise<ResultsTable>;
  /** Returns the path written, or null when the user cancelled. */
  exportResultsCsv(id: string): Promise<string | null>;
  /** `data`: SVG text, or a PNG data URL. Returns the path written, or null. */
  saveResultsPlot(id: string, format: PlotFormat, data: string): Promise<string | null>;
  /** The run's network coloured by link usage at `erlang` (null: the highest load). */
  runTopology(id: string, erlang: number | null): Promise<RunTopology>;

  // ---- Slurm clusters ----
  /** The cluster profiles runs can go to (besides this machine, `local`). */
  listClusters(): Promise<ClusterProfile[]>;
  /** Adds a profile or replaces the one of the same name; returns them all. */
  saveCluster(profile: ClusterProfile): Promise<ClusterProfile[]>;
  removeCluster(name: string): Promise<ClusterProfile[]>;
  /**
   * Asks the cluster (`sinfo`) about the profile's partition. For a login
   * node reached over SSH whose host key is not yet trusted, passing the
   * fingerprint the user confirmed accepts that key (and no other).
   */
  checkCluster(name: string, acceptFingerprint?: string): Promise<ClusterCheck>;
  /** The run's result files that stayed on its cluster (too large to come back with the rest); none for most runs. */
  resultsLeftOnCluster(id: string): Promise<ClusterResult[]>;
  /** Brings one of them (a path the list gave) into the run's output/; answers what is still left. Takes as long as the transfer. */
  fetchClusterResult(id: string, path: string): Promise<ClusterResult[]>;

  // ---- history: names, tags, notes, bulk actions, disk use, clean-up ----
  renameRun(id: string, name: string): Promise<Run>;
  /** Replaces the run's tags (the core normalises them: trimmed, lowercased, sorted). */
  setRunTags(id: string, tags: string[]): Promise<Run>;
  /** Markdown text; empty clears the note. */
  setRunNote(id: string, note: string): Promise<Run>;
  /** Templates, networks and tags in use, for the list's filters. */
  runFacets(): Promise<RunFacets>;
  /** Deletes finished runs; each active or unknown run is reported, not deleted. */
  deleteRuns(ids: string[]): Promise<BulkItem[]>;
  /** Native folder dialog, then each run to `<folder>/<name>-<id>/`; null when cancelled. */
  exportRuns(ids: string[]): Promise<BulkItem[] | null>;
  /** Measures the run's folder now (the list shows the cached size). */
  measureDiskUse(id: string): Promise<Run>;
  cleanupPreview(query: CleanupQuery): Promise<CleanupPreview>;
  cleanup(query: CleanupQuery): Promise<CleanupReport>;

  // ---- comparison ----
  compareRuns(ids: string[]): Promise<Comparison>;
  /** Native save dialog; the path written, or null when cancelled. */
  exportComparisonCsv(ids: string[]): Promise<string | null>;
  /** `data`: SVG text, or a PNG data URL. */
  saveComparisonPlot(format: PlotFormat, data: string): Promise<string | null>;

  // ---- publication figures (drawn by the core; the preview is the saved figure) ----
  /** The figure of runs or a sweep as SVG, with the name its file would take. */
  figurePreview(request: PlotRequest, options: FigureOptions): Promise<FigurePreview>;
  /** Native save dialog, then the figure written as `format`; the path, or null when cancelled. */
  saveFigure(request: PlotRequest, options: FigureOptions, format: FigureFormat): Promise<string | null>;

  onRunEvent(handler: (event: RunEvent) => void): Unsubscribe;
  onQuitRequested(handler: (request: QuitRequest) => void): Unsubscribe;

  // ---- sweeps and re-runs ----
  /** How many runs a sweep makes, the first of them and the estimated time; creates nothing. */
  previewSweep(request: SweepRequest): Promise<SweepPreview>;
  /** Creates every run of the sweep (all checked first) and queues them as one group. */
  createSweep(request: SweepRequest): Promise<SweepDetail>;
  /** Every sweep, newest first, with its counts. */
  listSweeps(): Promise<Sweep[]>;
  getSweep(id: string): Promise<SweepDetail>;
  /** Cancels every queued and running run of the sweep. */
  cancelSweep(id: string): Promise<SweepDetail>;
  /** Re-runs the FAILED runs of the sweep, inside the sweep. */
  rerunFailed(id: string): Promise<SweepDetail>;
  /** A new run from a finished run's frozen config. */
  rerunRun(id: string): Promise<Run>;
  /** The shell asks to show a run or a sweep (a desktop notification was clicked). */
  onOpenTarget(handler: (target: NoticeTarget) => void): Unsubscribe;
}

/** Every code of the generated `ErrorCode`: the compiler rejects a missing or unknown one. */
const ERROR_CODES: Record<ErrorCode, true> = {
  not_found: true,
  invalid_input: true,
  invalid_state: true,
  forbidden_path: true,
  simulator_unavailable: true,
  internal: true,
};

export function isDeskError(value: unknown): value is DeskError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && typeof v.code === 'string' && Object.hasOwn(ERROR_CODES, v.code);
}

/** Every rejection shown to the user goes through here, whatever was thrown. */
export function toDeskError(value: unknown): DeskError {
  if (isDeskError(value)) return value;
  if (value instanceof Error) return { code: 'internal', message: value.message };
  if (typeof value === 'string') return { code: 'internal', message: value };
  return { code: 'internal', message: 'unexpected error' };
}

export const BackendContext = createContext<Backend | null>(null);

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('useBackend needs a <BackendContext.Provider>');
  return backend;
}
