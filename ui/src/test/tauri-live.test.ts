import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();

class FakeChannel<T> {
  onmessage: (m: T) => void = () => undefined;
}

vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args), Channel: FakeChannel }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn().mockResolvedValue(() => undefined) }));

const { TauriBackend } = await import('../api/tauri');

const ID = '0123456789ab';

describe('TauriBackend: logs, progress, artifacts, results', () => {
  beforeEach(() => {
    invoke.mockReset();
    invoke.mockResolvedValue(null);
  });

  it('calls every command by its exact name and argument keys', async () => {
    const b = new TauriBackend();
    const query = { pattern: 'Erlang', regex: false, case_insensitive: true };
    const cursor = { progress_offset: 10, log_offset: 20 };
    await b.logSnapshot(ID, null, 65536);
    await b.logSnapshot(ID, 120, 4096);
    await b.logLines(ID, 100, 256);
    await b.logSearch(ID, query);
    await b.runProgress(ID);
    await b.runProgressMany([ID, 'ba9876543210']);
    await b.closeStream(7);
    await b.listArtifacts(ID, '');
    await b.listArtifacts(ID, 'output', 1000, 1000);
    await b.artifactUsage(ID, '');
    await b.previewArtifact(ID, 'output/300.0_erlang.json');
    await b.openArtifact(ID, 'config.ini');
    await b.revealArtifact(ID, 'config.ini');
    await b.saveArtifactAs(ID, 'config.ini');
    await b.exportArtifactFolder(ID, '');
    await b.results(ID);
    await b.exportResultsCsv(ID);
    await b.saveResultsPlot(ID, 'svg', '<svg/>');
    await b.saveResultsPlot(ID, 'png', 'data:image/png;base64,AAAA');
    await b.runTopology(ID, null);
    await b.runTopology(ID, 300);
    await b.createRun({ template: 'quick', overrides: [], config_text: '[general_settings]\n' });
    await b.resultsLeftOnCluster(ID);
    await b.fetchClusterResult(ID, 'big/traffic.h5');

    expect(invoke.mock.calls).toEqual([
      ['runs_log_snapshot', { id: ID, offset: null, maxBytes: 65536 }],
      ['runs_log_snapshot', { id: ID, offset: 120, maxBytes: 4096 }],
      ['runs_log_lines', { id: ID, first: 100, count: 256 }],
      ['runs_log_search', { id: ID, query }],
      ['runs_progress', { id: ID }],
      ['runs_progress_many', { ids: [ID, 'ba9876543210'] }],
      ['streams_close', { stream: 7 }],
      ['artifacts_list', { id: ID, path: '', offset: null, limit: null }],
      ['artifacts_list', { id: ID, path: 'output', offset: 1000, limit: 1000 }],
      ['artifacts_usage', { id: ID, path: '' }],
      ['artifacts_preview', { id: ID, path: 'output/300.0_erlang.json' }],
      ['artifacts_open', { id: ID, path: 'config.ini' }],
      ['artifacts_reveal', { id: ID, path: 'config.ini' }],
      ['artifacts_save_as', { id: ID, path: 'config.ini' }],
      ['artifacts_export_folder', { id: ID, path: '' }],
      ['results_get', { id: ID }],
      ['results_export_csv', { id: ID }],
      ['results_save_plot', { id: ID, format: 'svg', data: '<svg/>' }],
      ['results_save_plot', { id: ID, format: 'png', data: 'data:image/png;base64,AAAA' }],
      ['runs_topology', { id: ID, erlang: null }],
      ['runs_topology', { id: ID, erlang: 300 }],
      ['runs_create', { request: { template: 'quick', overrides: [], config_text: '[general_settings]\n' } }],
      ['clusters_results_left', { id: ID }],
      ['clusters_fetch_result', { id: ID, path: 'big/traffic.h5' }],
    ]);
    void cursor;
  });

  it('streams over a Channel and returns the stream id', async () => {
    const b = new TauriBackend();
    invoke.mockResolvedValueOnce(3).mockResolvedValueOnce(4);
    const logs: unknown[] = [];
    const progress: unknown[] = [];
    const cursor = { progress_offset: 10, log_offset: 20 };
    await expect(b.streamLog(ID, 512, (m) => logs.push(m))).resolves.toBe(3);
    await expect(b.streamProgress(ID, cursor, (m) => progress.push(m))).resolves.toBe(4);

    const [name, args] = invoke.mock.calls[0] as [string, { id: string; offset: number; channel: FakeChannel<unknown> }];
    expect(name).toBe('runs_log_stream');
    expect(Object.keys(args).sort()).toEqual(['channel', 'id', 'offset']);
    expect(args).toMatchObject({ id: ID, offset: 512 });
    expect(args.channel).toBeInstanceOf(FakeChannel);
    args.channel.onmessage({ type: 'end', status: 'COMPLETED' });
    expect(logs).toEqual([{ type: 'end', status: 'COMPLETED' }]);

    const [pname, pargs] = invoke.mock.calls[1] as [string, { id: string; cursor: unknown; channel: FakeChannel<unknown> }];
    expect(pname).toBe('runs_progress_stream');
    expect(Object.keys(pargs).sort()).toEqual(['channel', 'cursor', 'id']);
    expect(pargs.cursor).toEqual(cursor);
    pargs.channel.onmessage({ type: 'end', status: 'FAILED' });
    expect(progress).toEqual([{ type: 'end', status: 'FAILED' }]);
  });

  it('asks the core for figures by name with the request, the options and the format', async () => {
    const b = new TauriBackend();
    const request = { runs: [], sweep: ID, x: 'k_paths', y: 'blocking@900', by: 'cores_per_link' };
    const options = { width: 3.5, height: 2.5, unit: 'in', font: 'serif', font_size_pt: 8, line_width_pt: 1, legend: 'none', x_scale: 'linear', y_scale: 'log', grid: true, dpi: 600 };
    await b.figurePreview(request, options);
    await b.saveFigure(request, options, 'pdf');
    expect(invoke.mock.calls).toEqual([
      ['figures_preview', { request, options }],
      ['figures_save', { request, options, format: 'pdf' }],
    ]);
  });

  it('rejects with the DeskError of a refused command', async () => {
    invoke.mockRejectedValueOnce({ code: 'forbidden_path', message: 'the path leaves the run folder' });
    await expect(new TauriBackend().previewArtifact(ID, '../x')).rejects.toEqual({ code: 'forbidden_path', message: 'the path leaves the run folder' });
  });
});
