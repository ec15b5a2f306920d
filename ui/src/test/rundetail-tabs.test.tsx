import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Run } from '../bindings/Run';
import type { RunProgress } from '../bindings/RunProgress';
import type { ExportSummary } from '../bindings/ExportSummary';
import { fakeRunsData, type FakeRunShape } from '../api/fakeRun';
import { MemoryBackend, makeRun } from '../api/memory';
import { advanceRun } from './support/fakeSimulation';
import { LIMITS } from '../generated/limits';
import { RunDetailPage } from '../pages/RunDetailPage';
import { LogFollower } from '../pages/run/LogsTab';
import { mergeProgress, progressLabel, recordIterations } from '../pages/run/progress';
import { renderWith } from './render';

// uPlot needs a canvas and matchMedia, which jsdom lacks: the charts are stood in for.
vi.mock('../components/lazy', async () => {
  const { forwardRef, useImperativeHandle } = await import('react');
  const Iter = ({ series }: { series: { load: number; values: unknown[] }[] }) => (
    <div data-testid="chart-iterations">{series.map((s) => `${s.load}:${s.values.length}`).join(' ')}</div>
  );
  const VsLoad = forwardRef<unknown, { series: { points: unknown[] }[] }>(function VsLoad({ series }, ref) {
    useImperativeHandle(ref, () => ({
      toPNG: () => 'data:image/png;base64,iVBORw0KGgo=',
      toSVG: () => '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
      resetZoom: () => undefined,
    }));
    return (
      <div data-testid="chart-vs-load">
        <canvas />
        {series.map((s) => s.points.length).join(',')}
      </div>
    );
  });
  return { LazyBlockingIterationsChart: Iter, LazyBlockingVsLoadChart: VsLoad, LazyIniEditor: () => null };
});

const ID = 'c0ffee000002';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

beforeAll(() => {
  // The log viewer measures its viewport.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

function setup(patch: Partial<Run>, shape: FakeRunShape = {}) {
  const run = makeRun({ id: ID, name: 'NSFNet sweep', template: 'quick', started_at: new Date().toISOString(), ...patch });
  backend = new MemoryBackend({ runs: [run], runData: fakeRunsData([run], shape) });
  renderWith(backend, <RunDetailPage id={ID} />);
  return backend;
}

describe('the tab in the address', () => {
  it('opens the run on it and records the tab the user picks', async () => {
    const run = makeRun({ id: ID, name: 'NSFNet sweep', template: 'quick', status: 'COMPLETED' });
    backend = new MemoryBackend({ runs: [run] });
    window.location.hash = `#/runs/${ID}/results`;
    renderWith(backend, <RunDetailPage id={ID} tab="results" />);
    expect(await screen.findByTestId('tab-results')).toHaveAttribute('aria-selected', 'true');
    await userEvent.click(screen.getByTestId('tab-logs'));
    expect(window.location.hash).toBe(`#/runs/${ID}/logs`);
    await userEvent.click(screen.getByTestId('tab-overview'));
    expect(window.location.hash).toBe(`#/runs/${ID}`);
  });
});

const flush = () => act(async () => {
  await new Promise((r) => setTimeout(r, 0));
});

describe('progress merging', () => {
  const base: RunProgress = {
    source: 'progress_file',
    percent: 20,
    erlang: 300,
    erlang_index: 0,
    iteration: 2,
    total_erlangs: 3,
    total_iterations: 10,
    finished_iterations: 2,
    loads_complete: 0,
    loads_interrupted: 0,
    elapsed_seconds: 10,
    eta_seconds: 40,
    last_event_at: null,
    complete: false,
    exit_code: null,
    total_time_seconds: null,
    error: null,
    loads: [
      { erlang: 300, index: 0, iteration: 2, total_iterations: 10, latest_blocking: 0.01, mean_blocking: 0.01, ci_lower: null, ci_upper: null, ci_percent: null, complete: false, early_stop: false, reason: null },
    ],
  };

  it('merges partial updates by Erlang and takes the scalar fields', () => {
    const partial: RunProgress = {
      ...base,
      percent: 45,
      erlang: 400,
      erlang_index: 1,
      iteration: 1,
      loads: [
        { ...base.loads[0], erlang: 400, index: 1, iteration: 1, latest_blocking: 0.02 },
        { ...base.loads[0], iteration: 10, complete: true, early_stop: true },
      ],
    };
    const merged = mergeProgress(base, { full: false, progress: partial });
    expect(merged.percent).toBe(45);
    expect(merged.erlang).toBe(400);
    expect(merged.loads.map((l) => [l.erlang, l.iteration, l.early_stop])).toEqual([
      [300, 10, true],
      [400, 1, false],
    ]);
    expect(progressLabel(merged)).toBe('Load 2 of 3 · 400 Erlang · iteration 1 of 10');
    // A full update replaces everything.
    const full = mergeProgress(merged, { full: true, progress: base });
    expect(full.loads).toHaveLength(1);
  });

  it('records each iteration once in the history', () => {
    let h = recordIterations(new Map(), base.loads);
    h = recordIterations(h, [{ ...base.loads[0], iteration: 3, latest_blocking: 0.03 }]);
    const same = recordIterations(h, [{ ...base.loads[0], iteration: 3, latest_blocking: 0.03 }]);
    expect(same).toBe(h);
    expect(h.get(300)).toEqual([null, 0.01, 0.03]);
  });
});

describe('log following', () => {
  it('counts lines once whatever is resent, and starts over on reset', () => {
    const f = new LogFollower();
    expect(f.apply({ type: 'lines', first_line: 0, offset_start: 0, offset_end: 12, lines: ['a', 'b', 'c'] })).toBe(true);
    // A reconnect resending the same range changes nothing.
    expect(f.apply({ type: 'lines', first_line: 0, offset_start: 0, offset_end: 12, lines: ['a', 'b', 'c'] })).toBe(false);
    f.apply({ type: 'lines', first_line: 3, offset_start: 12, offset_end: 16, lines: ['d'] });
    expect(f.lineCount).toBe(4);
    expect(f.offset).toBe(16);
    expect(f.cached(2, 2)).toEqual(['c', 'd']);
    f.apply({ type: 'reset' });
    expect(f.lineCount).toBe(0);
    expect(f.offset).toBe(0);
    expect(f.generation).toBe(1);
    f.apply({ type: 'lines', first_line: 0, offset_start: 0, offset_end: 4, lines: ['x'] });
    expect(f.lineCount).toBe(1);
    expect(f.cached(0, 1)).toEqual(['x']);
  });
});

describe('Run detail tabs', () => {
  it('keeps the overview and shows the header progress for a running run', async () => {
    setup({ status: 'RUNNING', pid: 1, pgid: 1 });
    expect(await screen.findByTestId('detail-id')).toHaveTextContent(ID);
    const header = await screen.findByTestId('detail-progress');
    await waitFor(() => expect(within(header).getByTestId('progress-percent')).toHaveTextContent('33 %'));
    expect(header).toHaveTextContent('Load 2 of 3 · 400 Erlang · iteration 0 of 3');
    act(() => advanceRun(backend, ID, 2));
    await waitFor(() => expect(within(header).getByTestId('progress-percent')).toHaveTextContent('56 %'));
    expect(header).toHaveTextContent('Load 2 of 3 · 400 Erlang · iteration 2 of 3');
    expect(screen.getByTestId('detail-config')).toBeInTheDocument();
  });

  it('keeps tab state when switching back, and closes streams of hidden tabs', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    await screen.findByTestId('detail-id');
    await userEvent.click(screen.getByTestId('tab-artifacts'));
    await userEvent.click(await screen.findByTestId('file-entry-output'));
    await userEvent.click(await screen.findByTestId('file-entry-output/400.0_erlang.json'));
    await screen.findByTestId('json-tree');

    await userEvent.click(screen.getByTestId('tab-overview'));
    expect(screen.getByTestId('detail-config')).toBeVisible();
    await userEvent.click(screen.getByTestId('tab-artifacts'));
    // Still open and selected, without listing or previewing again.
    expect(screen.getByTestId('json-tree')).toBeVisible();
    expect(screen.getByTestId('file-entry-output/400.0_erlang.json')).toHaveClass('selected');
    expect(backend.callsOf('listArtifacts').filter((c) => c[1] === '')).toHaveLength(1);
    expect(backend.callsOf('previewArtifact')).toHaveLength(1);
  });

  it('follows the log, resumes after a tab switch without duplicates, and handles a reset', async () => {
    setup({ status: 'RUNNING', pid: 1, pgid: 1 });
    await screen.findByTestId('detail-id');
    await userEvent.click(screen.getByTestId('tab-logs'));
    const lines = () => backend.peek(ID) && backend.logLines(ID, 0, 10_000);
    const count = async () => (await lines())!.total_lines;
    const initial = await count();
    await waitFor(() => expect(screen.getByTestId('run-logs')).toHaveTextContent(`${initial} lines`));
    expect(backend.openStreams('log')).toHaveLength(1);

    act(() => advanceRun(backend, ID, 1));
    const afterOne = await count();
    expect(afterOne).toBeGreaterThan(initial);
    await waitFor(() => expect(screen.getByTestId('run-logs')).toHaveTextContent(`${afterOne} lines`));

    // Hidden: the stream is closed; the log keeps growing meanwhile.
    await userEvent.click(screen.getByTestId('tab-overview'));
    await waitFor(() => expect(backend.openStreams('log')).toHaveLength(0));
    act(() => advanceRun(backend, ID, 2));
    const afterThree = await count();

    // Shown again: the stream resumes from the last offset, so every line is counted once.
    await userEvent.click(screen.getByTestId('tab-logs'));
    await waitFor(() => expect(screen.getByTestId('run-logs')).toHaveTextContent(`${afterThree} lines`));
    const streamCalls = backend.callsOf('streamLog');
    expect(streamCalls).toHaveLength(2);
    const fullLog = await lines();
    expect(streamCalls[1][1]).toBe((await backend.logLines(ID, 0, afterOne)).offset_end);
    expect(fullLog!.total_lines).toBe(afterThree);

    // The log is replaced: everything is counted again from zero, not added.
    act(() => {
      backend.emitLog(ID, { type: 'reset' });
      backend.setRunData(ID, { log: backend.runData(ID).log });
    });
    await flush();
    await waitFor(() => expect(screen.getByTestId('run-logs')).toHaveTextContent(`${afterThree} lines`));

    // The run ends: the note appears.
    act(() => {
      backend.update(ID, { status: 'COMPLETED', exit_code: 0, completed_at: new Date().toISOString() });
    });
    expect(await screen.findByTestId('log-ended')).toHaveTextContent('Log complete · COMPLETED');
    expect(screen.getByTestId('run-logs')).toHaveTextContent(`${await count()} lines`);
  });

  it('shows progress per load and the charts, and final progress of a completed run', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    await userEvent.click(await screen.findByTestId('tab-progress'));
    const overall = await screen.findByTestId('progress-overall');
    expect(within(overall).getByTestId('progress-percent')).toHaveTextContent('100 %');
    expect(screen.getAllByTestId(/^load-row-/)).toHaveLength(3);
    expect(screen.getByTestId('load-row-500')).toHaveTextContent('3 / 3');
    expect(screen.getByTestId('load-row-500')).toHaveTextContent('done');
    await waitFor(() => expect(screen.getByTestId('chart-iterations')).toHaveTextContent('300:3 400:3 500:3'));
    expect(screen.getByTestId('chart-vs-load')).toHaveTextContent('3');
    expect(screen.queryByTestId('detail-progress')).not.toBeInTheDocument();
  });

  it('grows the progress table from partial updates', async () => {
    setup({ status: 'RUNNING', pid: 1, pgid: 1 });
    await userEvent.click(await screen.findByTestId('tab-progress'));
    expect(await screen.findByTestId('load-row-400')).toHaveTextContent('0 / 3');
    expect(screen.queryByTestId('load-row-500')).not.toBeInTheDocument();
    act(() => advanceRun(backend, ID, 3));
    expect(await screen.findByTestId('load-row-500')).toHaveTextContent('0 / 3');
    expect(screen.getByTestId('load-row-400')).toHaveTextContent('3 / 3');
    expect(screen.getByTestId('load-row-400')).toHaveTextContent('done');
    expect(screen.getByTestId('load-row-300')).toHaveTextContent('done');
    const updates = backend.callsOf('streamProgress');
    expect(updates).toHaveLength(1);
  });
});

describe('Logs tab', () => {
  it('copies the log up to what one snapshot returns, and says when the log is longer', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    await userEvent.click(await screen.findByTestId('tab-logs'));
    await waitFor(() => expect(screen.getByTestId('log-copy-all')).toBeEnabled());
    // The core stops at its snapshot limit and says there is more.
    backend.answerNext('logSnapshot', (id, offset) => ({
      first_line: 0,
      offset_start: offset ?? 0,
      offset_end: 8,
      lines: ['a', 'b', 'c'],
      file_size: LIMITS.max_log_snapshot_bytes * 2,
      more_before: false,
      more_after: true,
      reset: false,
      status: backend.peek(id)!.status,
    }));
    await userEvent.click(screen.getByTestId('log-copy-all'));
    expect(await screen.findByText('Copied the first 3 lines (the log is larger than 8 MiB).')).toBeInTheDocument();
    expect(backend.callsOf('logSnapshot').at(-1)).toEqual([ID, 0, LIMITS.max_log_snapshot_bytes]);
    expect(writeText).toHaveBeenCalledWith('a\nb\nc\n');
  });
});

describe('Artifacts tab', () => {
  async function openFile(path: string) {
    await userEvent.click(await screen.findByTestId(`file-entry-${path}`));
  }

  it('shows the disk use and previews every kind of file', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    await userEvent.click(await screen.findByTestId('tab-artifacts'));
    expect(await screen.findByTestId('artifacts-usage')).toHaveTextContent(/on disk/);
    const preview = screen.getByTestId('artifact-preview');

    await openFile('config.ini');
    await waitFor(() => expect(preview.querySelector('[data-kind="text"]')).not.toBeNull());
    expect(preview).toHaveTextContent('[general_settings]');

    await openFile('logs');
    await openFile('logs/sim.log');
    await waitFor(() => expect(preview).toHaveTextContent(/simulation complete/));

    await openFile('output');
    await openFile('output/300.0_erlang.json');
    expect(await within(preview).findByTestId('json-tree')).toBeInTheDocument();

    await openFile('output/blocking_per_iteration.csv');
    expect(await within(preview).findByTestId('csv-table')).toHaveTextContent('blocking_probability');

    await openFile('output/blocking.png');
    const img = await within(preview).findByRole('img');
    expect(img.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBOR/);

    await openFile('output/agent_state.pkl');
    await waitFor(() => expect(preview).toHaveTextContent('Python pickle'));
    expect(preview.querySelector('pre')).toBeNull();
  });

  it('marks the skipped middle of a long text file', async () => {
    setup({ status: 'RUNNING', pid: 1, pgid: 1 }, { iterations: 40 });
    await userEvent.click(await screen.findByTestId('tab-artifacts'));
    await openFile('logs');
    await openFile('logs/sim.log');
    expect(await screen.findByTestId('preview-skip')).toHaveTextContent(/… [\d,]+ bytes skipped …/);
  });

  it('opens, reveals, saves and exports with the right arguments', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    const saved = (destination: string): ExportSummary => ({ destination, files: 1, folders: 0, bytes: 10, skipped: [], skipped_count: 0 });
    backend.answer('exportArtifactFolder', (id, path) => saved(`/home/researcher/Documents/${path ? `${id}-${path}` : id}`));
    backend.answer('saveArtifactAs', (_id, path) => saved(`/home/researcher/Documents/${path}`));
    await userEvent.click(await screen.findByTestId('tab-artifacts'));
    await userEvent.click(await screen.findByTestId('artifact-export'));
    expect(await screen.findByTestId('artifact-note')).toHaveTextContent(`Saved to /home/researcher/Documents/${ID}`);
    expect(backend.callsOf('exportArtifactFolder')).toEqual([[ID, '']]);

    await openFile('config.ini');
    await userEvent.click(screen.getByTestId('artifact-open'));
    await userEvent.click(screen.getByTestId('artifact-reveal'));
    await userEvent.click(screen.getByTestId('artifact-save'));
    expect(await screen.findByTestId('artifact-note')).toHaveTextContent('Saved to /home/researcher/Documents/config.ini');
    expect(backend.callsOf('openArtifact')).toEqual([[ID, 'config.ini']]);
    expect(backend.callsOf('revealArtifact')).toEqual([[ID, 'config.ini']]);
    expect(backend.callsOf('saveArtifactAs')).toEqual([[ID, 'config.ini']]);

    // Cancelled dialog: no note.
    backend.answerNext('saveArtifactAs', () => null);
    await userEvent.click(screen.getByTestId('artifact-save'));
    await waitFor(() => expect(backend.callsOf('saveArtifactAs')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId('artifact-note')).not.toBeInTheDocument());

    await openFile('output');
    await userEvent.click(screen.getByTestId('artifact-export'));
    await waitFor(() => expect(backend.callsOf('exportArtifactFolder')).toEqual([[ID, ''], [ID, 'output']]));
    expect(await screen.findByTestId('artifact-note')).toHaveTextContent(`Documents/${ID}-output`);
  });
});

describe('Results tab', () => {
  it('shows a row per load and exports with the right arguments', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    backend.answer('exportResultsCsv', (id) => `/home/researcher/Documents/${id}-results.csv`);
    backend.answer('saveResultsPlot', (id, format) => `/home/researcher/Documents/${id}-blocking.${format}`);
    await userEvent.click(await screen.findByTestId('tab-results'));
    const table = await screen.findByTestId('results-table');
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(screen.getByTestId('result-row-300')).toHaveTextContent('±');
    expect(screen.getByTestId('result-row-300')).toHaveTextContent('QPSK');
    expect(screen.getByTestId('chart-vs-load')).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('results-csv'));
    expect(await screen.findByTestId('results-note')).toHaveTextContent(`Saved to /home/researcher/Documents/${ID}-results.csv`);
    expect(backend.callsOf('exportResultsCsv')).toEqual([[ID]]);

    await userEvent.click(screen.getByTestId('results-png'));
    await waitFor(() => expect(backend.callsOf('saveResultsPlot')).toHaveLength(1));
    expect(backend.callsOf('saveResultsPlot')[0]).toEqual([ID, 'png', 'data:image/png;base64,iVBORw0KGgo=']);

    await userEvent.click(screen.getByTestId('results-svg'));
    await waitFor(() => expect(backend.callsOf('saveResultsPlot')).toHaveLength(2));
    expect(backend.callsOf('saveResultsPlot')[1][1]).toBe('svg');
    expect(String(backend.callsOf('saveResultsPlot')[1][2])).toMatch(/^<svg/);
    expect(await screen.findByTestId('results-note')).toHaveTextContent(`${ID}-blocking.svg`);
  });
});

describe('Topology tab', () => {
  it('draws the run network with usage and switches the load', async () => {
    setup({ status: 'COMPLETED', exit_code: 0 });
    await userEvent.click(await screen.findByTestId('tab-topology'));
    const select = (await screen.findByTestId('topology-erlang')) as HTMLSelectElement;
    expect(select.value).toBe('500');
    expect(screen.getByTestId('run-topology')).toHaveTextContent('14 nodes');
    expect(screen.getByTestId('topology-legend')).toHaveTextContent('Lightpaths at 500 Erlang');
    await userEvent.selectOptions(select, '300');
    await waitFor(() => expect(screen.getByTestId('topology-legend')).toHaveTextContent('Lightpaths at 300 Erlang'));
    expect(backend.callsOf('runTopology')).toEqual([
      [ID, null],
      [ID, 300],
    ]);
  });
});
