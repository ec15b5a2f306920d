import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBackend, makeRun } from '../api/memory';
import { compareRuns, configDiff, diffLabels, flattenIni } from '../api/memoryHistory';
import { App } from '../App';
import { Markdown } from '../lib/markdown';
import { shortcutFor } from '../lib/shortcuts';
import { ComparePage } from '../pages/ComparePage';
import { orderRuns } from '../pages/SweepDetailPage';
import { RunAnnotations } from '../pages/run/RunAnnotations';
import { renderWith } from './render';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());
beforeEach(() => {
  window.location.hash = '#/runs';
});

const a = makeRun({ id: 'cccccccccc01', name: 'three cores', status: 'COMPLETED', completed_at: '2026-01-01T00:00:00.000+00:00', started_at: '2025-12-31T23:59:00.000+00:00' });
const b = makeRun({ id: 'cccccccccc02', name: 'one core', status: 'COMPLETED', overrides: ['topology_settings.cores_per_link=1'] });
const pending = makeRun({ id: 'cccccccccc03', name: 'queued', status: 'PENDING' });

describe('keyboard shortcuts', () => {
  const input = document.createElement('input');
  const textarea = document.createElement('textarea');
  const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });

  it('maps keys to actions and ignores them while typing or with modifiers', () => {
    expect(shortcutFor({ key: 'n', target: document.body })).toBe('new-run');
    expect(shortcutFor({ key: '/', target: document.body })).toBe('search');
    expect(shortcutFor({ key: 'c', target: document.body })).toBe('cancel-run');
    expect(shortcutFor({ key: 'j', target: document.body })).toBe('next-run');
    expect(shortcutFor({ key: 'k', target: document.body })).toBe('previous-run');
    expect(shortcutFor({ key: '?', target: document.body })).toBe('help');
    expect(shortcutFor({ key: 'Escape', target: input })).toBe('close');
    expect(shortcutFor({ key: 'n', target: input })).toBeNull();
    expect(shortcutFor({ key: 'j', target: textarea })).toBeNull();
    expect(shortcutFor({ key: 'j', target: checkbox })).toBe('next-run');
    expect(shortcutFor({ key: 'n', ctrlKey: true, target: document.body })).toBeNull();
    expect(shortcutFor({ key: 'x', target: document.body })).toBeNull();
    expect(shortcutFor({ key: 'n', target: document.body }, true)).toBeNull();
  });

  it('opens the help, goes to a new run, focuses the search and steps through runs', async () => {
    backend = new MemoryBackend({ runs: [a, b], timing: null });
    render(<App backend={backend} />);
    await screen.findByTestId('run-row-cccccccccc01');

    await userEvent.keyboard('?');
    const help = await screen.findByTestId('shortcuts-help');
    expect(within(help).getByText('Cancel the run shown (asks first)')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('shortcuts-help')).not.toBeInTheDocument());

    await userEvent.keyboard('/');
    expect(screen.getByTestId('runs-search')).toHaveFocus();
    // Typed into the search, `n` is a letter, not a shortcut.
    await userEvent.keyboard('n');
    expect(screen.getByTestId('runs-search')).toHaveValue('n');
    expect(window.location.hash).toBe('#/runs');
    screen.getByTestId('runs-search').blur();
    await userEvent.clear(screen.getByTestId('runs-search'));
    screen.getByTestId('runs-search').blur();

    // j moves the list's cursor, Enter opens, j / k step on the run page.
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(2));
    await userEvent.keyboard('j');
    expect(screen.getByTestId('run-row-cccccccccc01')).toHaveClass('cursor');
    await userEvent.keyboard('j');
    expect(screen.getByTestId('run-row-cccccccccc02')).toHaveClass('cursor');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(window.location.hash).toBe('#/runs/cccccccccc02'));
    await screen.findByTestId('page-run-detail');
    await userEvent.keyboard('k');
    await waitFor(() => expect(window.location.hash).toBe('#/runs/cccccccccc01'));

    await userEvent.keyboard('n');
    await waitFor(() => expect(window.location.hash).toBe('#/new'));
  });

  it('asks before cancelling the run shown', async () => {
    backend = new MemoryBackend({ runs: [pending], timing: null });
    window.location.hash = '#/runs/cccccccccc03';
    render(<App backend={backend} />);
    await screen.findByTestId('cancel-run');
    await userEvent.keyboard('c');
    expect(await screen.findByTestId('confirm-modal')).toBeInTheDocument();
    expect(backend.callsOf('cancelRun')).toHaveLength(0);
  });
});

describe('notes, tags and names', () => {
  it('renames, tags and writes a note, previewed as markdown', async () => {
    backend = new MemoryBackend({ runs: [a], timing: null });
    renderWith(backend, <RunAnnotations run={a} />);
    await userEvent.click(screen.getByTestId('rename-run'));
    await userEvent.clear(screen.getByTestId('rename-input'));
    await userEvent.type(screen.getByTestId('rename-input'), 'Baseline 3 cores{Enter}');
    await waitFor(() => expect(screen.getByTestId('run-name')).toHaveTextContent('Baseline 3 cores'));

    await userEvent.type(screen.getByTestId('tag-input'), 'Paper, k=3{Enter}');
    await screen.findByTestId('tag-paper');
    expect(screen.getByTestId('tag-k=3')).toBeInTheDocument();
    // A comma adds what was typed; the core normalises case.
    expect(backend.callsOf('setRunTags')).toEqual([
      ['cccccccccc01', ['Paper']],
      ['cccccccccc01', ['paper', 'k=3']],
    ]);
    await userEvent.type(screen.getByTestId('tag-input'), 'a#b{Enter}');
    expect(await screen.findByTestId('annotations-error')).toHaveTextContent('has characters other than');

    await userEvent.click(screen.getByTestId('edit-note'));
    await userEvent.type(screen.getByTestId('note-input'), '# Finding{Enter}Blocking **doubles** <b>here</b>');
    await userEvent.click(screen.getByTestId('note-preview-tab'));
    const preview = screen.getByTestId('note-preview');
    expect(within(preview).getByText('doubles').tagName).toBe('STRONG');
    // Raw HTML is text, never markup.
    expect(preview.querySelector('b')).toBeNull();
    expect(preview).toHaveTextContent('<b>here</b>');
    await userEvent.click(screen.getByTestId('note-save'));
    await screen.findByTestId('note-view');
    expect((await backend.getRun('cccccccccc01')).note).toBe('# Finding\nBlocking **doubles** <b>here</b>');
  });

  it('renders markdown lists, code and links without following them', () => {
    render(<Markdown text={'- one\n- `two`\n\n```\nraw <script>\n```\n[site](https://example.org)'} testId="md" />);
    const md = screen.getByTestId('md');
    expect(md.querySelectorAll('li')).toHaveLength(2);
    expect(md.querySelector('pre')).toHaveTextContent('raw <script>');
    expect(md.querySelector('script')).toBeNull();
    expect(md.querySelector('a')).toBeNull();
    expect(md).toHaveTextContent('site (https://example.org)');
  });
});

describe('comparison', () => {
  it('diffs configs with missing keys and labels runs by what differs', () => {
    const c1 = flattenIni('[t]\ncores_per_link = 3\n[r]\nk_paths = 2\n');
    const c2 = flattenIni('[t]\ncores_per_link = 1\n[r]\nk_paths = 2\n');
    const c3 = flattenIni('[t]\ncores_per_link = 1\n');
    const diff = configDiff([c1, c2, c3]);
    expect(diff).toEqual([
      { key: 'r.k_paths', values: ['2', '2', null] },
      { key: 't.cores_per_link', values: ['3', '1', '1'] },
    ]);
    expect(diffLabels(diff, ['a', 'b', 'c'])).toEqual(['k_paths=2 · cores_per_link=3', 'k_paths=2 · cores_per_link=1', 'k_paths=none · cores_per_link=1']);
  });

  it('aligns runs with different loads on one load axis', () => {
    const row = (erlang: number, mean: number) => ({
      erlang,
      path: `output/${erlang}_erlang.json`,
      iterations: 2,
      last_saved_iteration: 1,
      is_training: false,
      blocking_mean: mean,
      blocking_variance: 0,
      ci_rate_block: 0.001,
      ci_percent_block: 1,
      sim_block_list: [mean, mean],
      bit_rate_blocking_mean: null,
      ci_rate_bit_rate_block: null,
      ci_percent_bit_rate_block: null,
      sim_br_block_list: [],
      hops_mean: null,
      lengths_mean: null,
      trans_mean: null,
      lightpath_utilization: null,
      modulations: [],
      blocked_per_bandwidth: [],
      sim_end_time: null,
      partial: false,
      partial_reason: null,
    });
    const cmp = compareRuns(
      [a, b],
      ['[g]\nerlang_start = 100\n', '[g]\nerlang_start = 200\n'],
      [
        { run_id: a.id, rows: [row(100, 0.01), row(200, 0.02)], problems: [] },
        { run_id: b.id, rows: [row(200, 0.03), row(300, 0.05)], problems: [] },
      ],
    );
    expect(cmp.erlangs).toEqual([100, 200, 300]);
    expect(cmp.runs.map((r) => r.label)).toEqual(['erlang_start=100', 'erlang_start=200']);
    expect(cmp.runs[1].metrics.highest_erlang).toBe(300);
    expect(cmp.runs[1].points[0].ci_low).toBeCloseTo(0.029);
  });

  it('shows the curves, the differing keys and the metrics, and exports', async () => {
    backend = new MemoryBackend({ runs: [a, b, pending], timing: null });
    renderWith(backend, <ComparePage ids={[a.id, b.id, pending.id]} />);
    const diff = await screen.findByTestId('compare-diff');
    expect(within(diff).getByText('topology_settings.cores_per_link')).toBeInTheDocument();
    // Only differing keys.
    expect(within(diff).queryByText('general_settings.num_requests')).not.toBeInTheDocument();
    expect(screen.getByTestId('compare-label-1')).toHaveTextContent('cores_per_link=1');
    expect(screen.getByTestId('compare-problems')).toHaveTextContent('queued: no results yet');
    expect(within(screen.getByTestId('compare-metrics')).getAllByRole('row')).toHaveLength(4);
    await userEvent.click(screen.getByTestId('compare-csv'));
    expect(await screen.findByTestId('compare-note')).toHaveTextContent('comparison.csv');
    expect(backend.callsOf('exportComparisonCsv')).toEqual([[[a.id, b.id, pending.id]]]);
    // The figure for a paper is of the same runs, in the chart's scale.
    await userEvent.click(screen.getByTestId('compare-figure'));
    await screen.findByTestId('figure-dialog');
    await waitFor(() => expect(backend.callsOf('figurePreview')).toHaveLength(1));
    const [request, options] = backend.callsOf('figurePreview')[0] as [{ runs: string[] }, { y_scale: string }];
    expect(request).toEqual({ runs: [a.id, b.id, pending.id] });
    expect(options.y_scale).toBe('log');
  });

  it('shows an unknown run as an error', async () => {
    backend = new MemoryBackend({ runs: [a], timing: null });
    renderWith(backend, <ComparePage ids={[a.id, 'dddddddddddd']} />);
    expect(await screen.findByTestId('compare-error')).toHaveTextContent('no run with id dddddddddddd');
  });
});

describe('clean-up', () => {
  it('previews then deletes old finished runs only', async () => {
    const old = makeRun({ id: 'eeeeeeeeeee1', name: 'old', status: 'FAILED', completed_at: '2020-01-01T00:00:00.000+00:00', disk_bytes: 2048 });
    const fresh = makeRun({ id: 'eeeeeeeeeee2', name: 'fresh', status: 'FAILED', completed_at: new Date().toISOString().replace('Z', '+00:00') });
    backend = new MemoryBackend({ runs: [old, fresh, pending], timing: null });
    render(<App backend={backend} />);
    await userEvent.click(await screen.findByTestId('open-cleanup'));
    expect(await screen.findByTestId('cleanup-preview')).toHaveTextContent('1 run (2 KiB) will be deleted');
    await userEvent.click(screen.getByTestId('cleanup-run'));
    expect(await screen.findByTestId('cleanup-report')).toHaveTextContent('Deleted 1 run, freeing 2 KiB.');
    await act(() => new Promise((r) => setTimeout(r, 0)));
    await expect(backend.getRun('eeeeeeeeeee1')).rejects.toMatchObject({ code: 'not_found' });
    expect((await backend.getRun('eeeeeeeeeee2')).status).toBe('FAILED');
  });
});

describe('results beside runs', () => {
  const summary = (mean: number, at900: number | null) => ({
    mean_blocking: mean,
    highest_erlang: at900 === null ? 600 : 900,
    highest_blocking: at900 ?? mean,
    bit_rate_blocking: null,
    loads: at900 === null ? 2 : 3,
    iterations: 3,
    duration_seconds: 12,
    per_load: [
      { erlang: 300, blocking: 0, ci_half_width: 0.0004, bit_rate_blocking: null, iterations: 3 },
      { erlang: 600, blocking: mean, ci_half_width: 0.001, bit_rate_blocking: null, iterations: 3 },
      ...(at900 === null ? [] : [{ erlang: 900, blocking: at900, ci_half_width: 0.002, bit_rate_blocking: null, iterations: 3 }]),
    ],
  });
  const low = makeRun({ id: 'dddddddddd01', name: 'low', status: 'COMPLETED', metrics: summary(0.0002, 0.004) });
  const high = makeRun({ id: 'dddddddddd02', name: 'high', status: 'COMPLETED', metrics: summary(0.03, 0.08) });
  const short = makeRun({ id: 'dddddddddd03', name: 'short', status: 'CANCELLED', metrics: summary(0.01, null) });
  const none = makeRun({ id: 'dddddddddd04', name: 'no results', status: 'FAILED' });
  const order = () => screen.getAllByTestId(/^run-row-/).map((r) => r.getAttribute('data-testid')!.replace('run-row-', ''));

  it('shows metric columns, sorts by them with runs without results last, and filters by a condition', async () => {
    backend = new MemoryBackend({ runs: [low, high, short, none], timing: null });
    render(<App backend={backend} />);
    await screen.findByTestId('run-row-dddddddddd01');
    expect(screen.getByTestId('run-mean-blocking-dddddddddd01')).toHaveTextContent('2.00e-4');
    expect(screen.getByTestId('run-mean-blocking-dddddddddd02')).toHaveTextContent('0.0300');
    expect(screen.getByTestId('run-highest-blocking-dddddddddd02')).toHaveTextContent('0.0800');
    expect(screen.getByTestId('run-mean-blocking-dddddddddd04')).toHaveTextContent('—');
    const newestFirst = order();

    await userEvent.click(screen.getByTestId('sort-mean_blocking'));
    await waitFor(() => expect(order()).toEqual(['dddddddddd01', 'dddddddddd03', 'dddddddddd02', 'dddddddddd04']));
    expect(backend.callsOf('listRuns').at(-1)?.[0]).toMatchObject({ sort: 'mean_blocking', descending: false });
    await userEvent.click(screen.getByTestId('sort-mean_blocking'));
    await waitFor(() => expect(order()).toEqual(['dddddddddd02', 'dddddddddd03', 'dddddddddd01', 'dddddddddd04']));
    await userEvent.click(screen.getByTestId('sort-mean_blocking'));
    // A third click goes back to newest first.
    await waitFor(() => expect(order()).toEqual(newestFirst));

    await userEvent.type(screen.getByTestId('runs-metric-filter'), 'blocking@900<1%');
    await waitFor(() => expect(order()).toEqual(['dddddddddd01']));
    await userEvent.clear(screen.getByTestId('runs-metric-filter'));
    await userEvent.type(screen.getByTestId('runs-metric-filter'), 'blocking@900 < lots');
    expect(await screen.findByTestId('runs-error')).toHaveTextContent('invalid metric filter');
  });

  it("orders a sweep's runs by a result, runs without it last, and back to queue order", () => {
    const queue = [none, high, low, short];
    const ids = (runs: typeof queue) => runs.map((r) => r.name);
    expect(ids(orderRuns(queue, { column: 'mean_blocking', desc: false }))).toEqual(['low', 'short', 'high', 'no results']);
    expect(ids(orderRuns(queue, { column: 'highest_blocking', desc: true }))).toEqual(['high', 'short', 'low', 'no results']);
    expect(ids(orderRuns(queue, { column: 'loads', desc: false }))).toEqual(['short', 'high', 'low', 'no results']);
    expect(orderRuns(queue, null)).toBe(queue);
  });
});
