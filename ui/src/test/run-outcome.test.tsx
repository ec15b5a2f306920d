// What a run page says about how the run went: where a cut-off run stopped,
// why each load ended, which results are partial, the signal that stopped
// it, how its config differs from its template, and that a run over before
// its stream said anything still shows its progress.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadProgress } from '../bindings/LoadProgress';
import type { RunProgress } from '../bindings/RunProgress';
import { fakeRunData, fakeRunsData } from '../api/fakeRun';
import { MemoryBackend, makeRun } from '../api/memory';
import { stepsOf } from './support/fakeSimulation';
import { outcomeWords } from '../lib/outcome';
import { RunDetailPage } from '../pages/RunDetailPage';
import { endedLabel, loadState, progressLabel, steadier } from '../pages/run/progress';
import { renderWith } from './render';

vi.mock('../components/lazy', () => ({
  LazyBlockingIterationsChart: () => <div data-testid="chart-iterations" />,
  LazyBlockingVsLoadChart: () => <div data-testid="chart-vs-load" />,
  LazyIniEditor: () => null,
}));

const ID = 'c0ffee0000aa';
let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function load(patch: Partial<LoadProgress>): LoadProgress {
  return {
    erlang: 100,
    index: 0,
    iteration: 0,
    total_iterations: 10,
    latest_blocking: null,
    mean_blocking: null,
    ci_lower: null,
    ci_upper: null,
    ci_percent: null,
    complete: false,
    early_stop: false,
    reason: null,
    ...patch,
  };
}

function progress(loads: LoadProgress[], patch: Partial<RunProgress> = {}): RunProgress {
  return {
    source: 'progress_file',
    percent: null,
    erlang: null,
    erlang_index: null,
    iteration: null,
    total_erlangs: 8,
    total_iterations: 10,
    finished_iterations: 0,
    loads_complete: 0,
    loads_interrupted: 0,
    elapsed_seconds: null,
    eta_seconds: null,
    last_event_at: null,
    complete: false,
    exit_code: null,
    total_time_seconds: null,
    error: null,
    loads,
    ...patch,
  };
}

describe('the words for a run', () => {
  it('says where a cut-off run stopped and never calls it complete', () => {
    const p = progress([], { percent: 62.4, loads_complete: 5, finished_iterations: 50, loads_interrupted: 1 });
    // The words round as the bar's figure does; 99.6 % is not called 100.
    expect(endedLabel({ ...p, percent: 99.6 })).toMatch(/^Stopped at 99 %/);
    expect(endedLabel(p)).toBe('Stopped at 62 % — 5 of 8 loads, 50 of 80 iterations');
    expect(endedLabel({ ...p, percent: 100, loads_interrupted: 0 })).toBe('Complete');
    // 100 % with a load cut off (an older cache) is still not complete.
    expect(endedLabel({ ...p, percent: 100, loads_interrupted: 1 })).toMatch(/^Stopped/);
  });

  it('lists every running load instead of the latest started', () => {
    const p = progress(
      [
        load({ erlang: 100, index: 0, iteration: 10, complete: true, reason: 'max_iters' }),
        load({ erlang: 200, index: 1, iteration: 3 }),
        load({ erlang: 300, index: 2, iteration: 2 }),
        load({ erlang: 400, index: 3, iteration: 1 }),
      ],
      { erlang: 400, erlang_index: 3, iteration: 1, loads_complete: 1 },
    );
    expect(progressLabel(p)).toBe('3 loads running: 200, 300, 400 Erlang · 1 of 8 done');
    // One load running: the detailed words, for that load.
    const one = { ...p, loads: p.loads.slice(0, 2) };
    expect(progressLabel(one)).toBe('Load 2 of 8 · 200 Erlang · iteration 3 of 10');
  });

  it('badges loads by why they ended', () => {
    expect(loadState(load({ complete: true, reason: 'max_iters' }), false)).toBe('done');
    expect(loadState(load({ complete: true, reason: 'confidence', early_stop: true }), false)).toBe('early');
    expect(loadState(load({ complete: true, reason: 'interrupted' }), false)).toBe('interrupted');
    expect(loadState(load({}), true)).toBe('running');
    // Never closed, in a run that is over: it was cut off.
    expect(loadState(load({}), false)).toBe('interrupted');
  });

  it('names the signal that stopped a run', () => {
    const base = { exit_code: null, exit_signal: null, cancel_requested_at: null };
    expect(outcomeWords({ ...base, exit_code: 143, cancel_requested_at: '2026-01-01T00:00:00Z' })).toBe('stopped by SIGTERM after cancel (exit code 143)');
    expect(outcomeWords({ ...base, exit_signal: 9, cancel_requested_at: '2026-01-01T00:00:00Z' })).toBe('stopped by SIGKILL after cancel');
    expect(outcomeWords({ ...base, exit_code: 0 })).toBe('exited normally (code 0)');
    expect(outcomeWords({ ...base, exit_code: 1 })).toBe('exited with code 1');
    expect(outcomeWords(base)).toBeNull();
  });

  it('moves the time left a third of the way to a new estimate and counts down to zero', () => {
    expect(steadier(60, 90)).toBe(70);
    expect(steadier(60, 30)).toBe(50);
    expect(steadier(60, 0)).toBe(0);
  });
});

describe('a cancelled run', () => {
  function cancelledRun() {
    // quick: 3 loads × 3 iterations; a cancelled run is seeded with 4 of 9 done.
    const run = makeRun({
      id: ID,
      template: 'quick',
      status: 'CANCELLED',
      exit_code: 143,
      cancel_requested_at: '2026-01-01T00:00:05Z',
      started_at: '2026-01-01T00:00:00Z',
      completed_at: '2026-01-01T00:00:06Z',
    });
    backend = new MemoryBackend({ runs: [run], runData: fakeRunsData([run]) });
    expect(stepsOf(backend, ID)).toBe(4);
    return backend;
  }

  it('says where it stopped, badges the cut-off load and names the signal', async () => {
    cancelledRun();
    renderWith(backend, <RunDetailPage id={ID} />);
    const header = await screen.findByTestId('detail-progress');
    await waitFor(() => expect(header).toHaveTextContent('Stopped at 44 % — 1 of 3 loads, 4 of 9 iterations'));
    expect(screen.getByTestId('detail-exit')).toHaveTextContent('stopped by SIGTERM after cancel');

    await userEvent.click(screen.getByTestId('tab-progress'));
    const overall = await screen.findByTestId('progress-overall');
    expect(overall).toHaveTextContent('Stopped at 44 %');
    expect(overall).not.toHaveTextContent('Complete');
    expect(screen.getByTestId('load-state-300')).toHaveTextContent('done');
    expect(screen.getByTestId('load-state-400')).toHaveTextContent('interrupted');
    expect(screen.getByText('Elapsed (wall clock)')).toBeInTheDocument();
    expect(screen.queryByText('Simulated time')).not.toBeInTheDocument();
  });

  it('flags the partial load in its results', async () => {
    cancelledRun();
    renderWith(backend, <RunDetailPage id={ID} tab="results" />);
    expect(await screen.findByTestId('results-partial')).toHaveTextContent('One load was cut short (400 Erlang)');
    expect(screen.getByTestId('result-partial-400')).toBeInTheDocument();
    expect(screen.queryByTestId('result-partial-300')).not.toBeInTheDocument();
  });
});

describe('the overview', () => {
  it('lists every key changed from the template, template value → run value', async () => {
    const run = makeRun({ id: ID, template: 'quick', status: 'COMPLETED', overrides: ['routing_settings.k_paths=1', 'general_settings.erlang_stop=900'] });
    const templateDiff = {
      template: 'quick',
      template_missing: false,
      changes: [
        { key: 'general_settings.erlang_stop', template: '500', run: '900' },
        { key: 'routing_settings.k_paths', template: '3', run: '1' },
      ],
    };
    backend = new MemoryBackend({ runs: [run], runData: { [ID]: { templateDiff } } });
    renderWith(backend, <RunDetailPage id={ID} />);
    const table = await screen.findByTestId('template-diff-table');
    const k = within(table).getByTestId('template-diff-routing_settings.k_paths');
    expect(k).toHaveTextContent('routing_settings.k_paths3→1');
    expect(within(table).getByTestId('template-diff-general_settings.erlang_stop')).toHaveTextContent('500→900');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('says when the run is the template as it is', async () => {
    backend = new MemoryBackend({ runs: [makeRun({ id: ID, template: 'quick', status: 'COMPLETED' })] });
    renderWith(backend, <RunDetailPage id={ID} />);
    expect(await screen.findByTestId('template-diff-none')).toHaveTextContent('uses the template as it is');
  });
});

describe('a run that ends before its stream says anything', () => {
  it('shows its progress once it has ended instead of "No progress reported"', async () => {
    const run = makeRun({ id: ID, template: 'quick', status: 'RUNNING', pid: 1, pgid: 1, started_at: new Date().toISOString() });
    backend = new MemoryBackend({ runs: [run] });
    // The first read comes before the simulator's first event, and the
    // stream is not delivering yet when the run ends (a run of a second).
    backend.failNext('runProgress', { code: 'not_found', message: 'no progress yet' });
    backend.failNext('streamProgress', { code: 'internal', message: 'stream not open yet' });
    renderWith(backend, <RunDetailPage id={ID} tab="progress" />);
    expect(await screen.findByTestId('progress-empty')).toHaveTextContent('No progress reported');

    act(() => {
      const ended = backend.update(ID, { status: 'COMPLETED', exit_code: 0, completed_at: new Date().toISOString() });
      backend.setRunData(ID, fakeRunData(ended));
    });
    const overall = await screen.findByTestId('progress-overall');
    expect(overall).toHaveTextContent('Complete');
    expect(screen.queryByTestId('progress-empty')).not.toBeInTheDocument();
  });
});
