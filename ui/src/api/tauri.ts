// The Backend the desktop shell uses: Tauri commands and events.
// `call` is the one way to a command: its rejection becomes a DeskError.

import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { CreateRunRequest } from '../bindings/CreateRunRequest';
import type { TemplateDiff } from '../bindings/TemplateDiff';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunPage } from '../bindings/RunPage';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
import type { ClusterProfile } from '../bindings/ClusterProfile';
import type { ClusterCheck } from '../bindings/ClusterCheck';
import type { ClusterResult } from '../bindings/ClusterResult';
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
import type { Command } from '../generated/commands';
import {
  toDeskError,
  type Backend,
  type FigureFormat,
  type PlotFormat,
  type QuitMode,
  type QuitRequest,
  type StreamId,
  type Unsubscribe,
} from './backend';

async function call<T>(command: Command, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    // Commands reject with a DeskError; anything else (IPC failure) is wrapped.
    throw toDeskError(e);
  }
}

/** `listen` is asynchronous; this makes unsubscribing safe at any moment. */
function subscribe<T>(event: string, handler: (payload: T) => void): Unsubscribe {
  let unlisten: UnlistenFn | null = null;
  let active = true;
  listen<T>(event, (e) => {
    if (active) handler(e.payload);
  })
    .then((fn) => {
      if (active) unlisten = fn;
      else fn();
    })
    .catch((e: unknown) => console.error(`cannot listen to ${event}`, e));
  return () => {
    active = false;
    if (unlisten) {
      unlisten();
      unlisten = null;
    }
  };
}

export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const;

  createRun(request: CreateRunRequest): Promise<Run> {
    return call('runs_create', { request });
  }
  listRuns(query: ListQuery): Promise<RunPage> {
    return call('runs_list', { query });
  }
  getRun(id: string): Promise<Run> {
    return call('runs_get', { id });
  }
  runConfig(id: string): Promise<string> {
    return call('runs_config', { id });
  }
  templateDiff(id: string): Promise<TemplateDiff> {
    return call('runs_template_diff', { id });
  }
  cancelRun(id: string): Promise<Run> {
    return call('runs_cancel', { id });
  }
  async deleteRun(id: string): Promise<void> {
    await call<null>('runs_delete', { id });
  }
  listTemplates(): Promise<TemplateInfo[]> {
    return call('templates_list', {});
  }
  templateText(name: string): Promise<string> {
    return call('templates_text', { name });
  }
  saveTemplate(name: string, text: string, overwrite: boolean): Promise<TemplateInfo> {
    return call('templates_save', { name, text, overwrite });
  }
  renameTemplate(from: string, to: string): Promise<TemplateInfo> {
    return call('templates_rename', { from, to });
  }
  async deleteTemplate(name: string): Promise<void> {
    await call<null>('templates_delete', { name });
  }
  validateConfig(text: string): Promise<ValidationReport> {
    return call('configs_validate', { text });
  }
  configSchema(): Promise<ConfigKey[]> {
    return call('configs_schema', {});
  }
  importConfig(): Promise<ImportedConfig | null> {
    return call('configs_import', {});
  }
  exportConfig(text: string, fileName: string): Promise<string | null> {
    return call('configs_export', { text, fileName });
  }
  networks(): Promise<NetworkSummary[]> {
    return call('topology_networks', {});
  }
  network(name: string): Promise<NetworkView> {
    return call('topology_network', { name });
  }
  checkSimulator(command: string | null): Promise<SimulatorCheck> {
    return call('settings_check_simulator', { command });
  }
  pickSimulator(): Promise<SimulatorCheck | null> {
    return call('settings_pick_simulator', {});
  }
  getSettings(): Promise<SettingsView> {
    return call('settings_get', {});
  }
  saveSettings(settings: Settings): Promise<SettingsView> {
    return call('settings_save', { settings });
  }
  listClusters(): Promise<ClusterProfile[]> {
    return call('clusters_list', {});
  }
  saveCluster(profile: ClusterProfile): Promise<ClusterProfile[]> {
    return call('clusters_save', { profile });
  }
  removeCluster(name: string): Promise<ClusterProfile[]> {
    return call('clusters_remove', { name });
  }
  checkCluster(name: string, acceptFingerprint?: string): Promise<ClusterCheck> {
    return call('clusters_check', { name, acceptFingerprint: acceptFingerprint ?? null });
  }
  resultsLeftOnCluster(id: string): Promise<ClusterResult[]> {
    return call('clusters_results_left', { id });
  }
  fetchClusterResult(id: string, path: string): Promise<ClusterResult[]> {
    return call('clusters_fetch_result', { id, path });
  }
  async quit(mode: QuitMode): Promise<void> {
    await call<null>('app_quit', { mode });
  }
  logSnapshot(id: string, offset: number | null, maxBytes: number): Promise<LogSnapshot> {
    return call('runs_log_snapshot', { id, offset, maxBytes });
  }
  logLines(id: string, first: number, count: number): Promise<LogLinesPage> {
    return call('runs_log_lines', { id, first, count });
  }
  logSearch(id: string, query: LogSearchQuery): Promise<LogSearchResult> {
    return call('runs_log_search', { id, query });
  }
  streamLog(id: string, offset: number, onMessage: (message: LogMessage) => void): Promise<StreamId> {
    const channel = new Channel<LogMessage>();
    channel.onmessage = onMessage;
    return call('runs_log_stream', { id, offset, channel });
  }
  runProgress(id: string): Promise<RunProgress | null> {
    return call('runs_progress', { id });
  }
  runProgressMany(ids: string[]): Promise<Record<string, RunProgress>> {
    return call('runs_progress_many', { ids });
  }
  streamProgress(id: string, cursor: ProgressCursor | null, onMessage: (message: ProgressMessage) => void): Promise<StreamId> {
    const channel = new Channel<ProgressMessage>();
    channel.onmessage = onMessage;
    return call('runs_progress_stream', { id, cursor, channel });
  }
  async closeStream(stream: StreamId): Promise<void> {
    await call<null>('streams_close', { stream });
  }
  listArtifacts(id: string, path: string, offset: number | null = null, limit: number | null = null): Promise<ArtifactListing> {
    return call('artifacts_list', { id, path, offset, limit });
  }
  artifactUsage(id: string, path: string): Promise<ArtifactUsage> {
    return call('artifacts_usage', { id, path });
  }
  previewArtifact(id: string, path: string): Promise<ArtifactPreview> {
    return call('artifacts_preview', { id, path });
  }
  async openArtifact(id: string, path: string): Promise<void> {
    await call<null>('artifacts_open', { id, path });
  }
  async revealArtifact(id: string, path: string): Promise<void> {
    await call<null>('artifacts_reveal', { id, path });
  }
  saveArtifactAs(id: string, path: string): Promise<ExportSummary | null> {
    return call('artifacts_save_as', { id, path });
  }
  exportArtifactFolder(id: string, path: string): Promise<ExportSummary | null> {
    return call('artifacts_export_folder', { id, path });
  }
  results(id: string): Promise<ResultsTable> {
    return call('results_get', { id });
  }
  exportResultsCsv(id: string): Promise<string | null> {
    return call('results_export_csv', { id });
  }
  saveResultsPlot(id: string, format: PlotFormat, data: string): Promise<string | null> {
    return call('results_save_plot', { id, format, data });
  }
  runTopology(id: string, erlang: number | null): Promise<RunTopology> {
    return call('runs_topology', { id, erlang });
  }
  renameRun(id: string, name: string): Promise<Run> {
    return call('runs_rename', { id, name });
  }
  setRunTags(id: string, tags: string[]): Promise<Run> {
    return call('runs_set_tags', { id, tags });
  }
  setRunNote(id: string, note: string): Promise<Run> {
    return call('runs_set_note', { id, note });
  }
  runFacets(): Promise<RunFacets> {
    return call('runs_facets', {});
  }
  deleteRuns(ids: string[]): Promise<BulkItem[]> {
    return call('runs_delete_many', { ids });
  }
  exportRuns(ids: string[]): Promise<BulkItem[] | null> {
    return call('runs_export_many', { ids });
  }
  measureDiskUse(id: string): Promise<Run> {
    return call('runs_disk_use', { id });
  }
  cleanupPreview(query: CleanupQuery): Promise<CleanupPreview> {
    return call('runs_cleanup_preview', { query });
  }
  cleanup(query: CleanupQuery): Promise<CleanupReport> {
    return call('runs_cleanup', { query });
  }
  compareRuns(ids: string[]): Promise<Comparison> {
    return call('runs_compare', { ids });
  }
  exportComparisonCsv(ids: string[]): Promise<string | null> {
    return call('compare_export_csv', { ids });
  }
  saveComparisonPlot(format: PlotFormat, data: string): Promise<string | null> {
    return call('compare_save_plot', { format, data });
  }
  figurePreview(request: PlotRequest, options: FigureOptions): Promise<FigurePreview> {
    return call('figures_preview', { request, options });
  }
  saveFigure(request: PlotRequest, options: FigureOptions, format: FigureFormat): Promise<string | null> {
    return call('figures_save', { request, options, format });
  }
  onRunEvent(handler: (event: RunEvent) => void): Unsubscribe {
    return subscribe<RunEvent>('run-event', handler);
  }
  onQuitRequested(handler: (request: QuitRequest) => void): Unsubscribe {
    return subscribe<QuitRequest>('quit-requested', handler);
  }
  previewSweep(request: SweepRequest): Promise<SweepPreview> {
    return call('sweeps_preview', { request });
  }
  createSweep(request: SweepRequest): Promise<SweepDetail> {
    return call('sweeps_create', { request });
  }
  listSweeps(): Promise<Sweep[]> {
    return call('sweeps_list', {});
  }
  getSweep(id: string): Promise<SweepDetail> {
    return call('sweeps_get', { id });
  }
  cancelSweep(id: string): Promise<SweepDetail> {
    return call('sweeps_cancel', { id });
  }
  rerunFailed(id: string): Promise<SweepDetail> {
    return call('sweeps_rerun_failed', { id });
  }
  rerunRun(id: string): Promise<Run> {
    return call('runs_rerun', { id });
  }
  onOpenTarget(handler: (target: NoticeTarget) => void): Unsubscribe {
    return subscribe<NoticeTarget>('open-target', handler);
  }
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
