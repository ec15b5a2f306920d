import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBackend, makeRun } from '../api/memory';
import type { Comparison } from '../bindings/Comparison';
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
    backend = new MemoryBackend({ runs: [a, b] });
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
    backend = new MemoryBackend({ runs: [pending] });
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
    backend = new MemoryBackend({ runs: [a] });
    // The core trims, lowercases and sorts tags, and refuses some characters.
    backend.answerNext('setRunTags', (id) => backend.update(id, { tags: ['paper'] }));
    backend.answerNext('setRunTags', (id) => backend.update(id, { tags: ['k=3', 'paper'] }));
    backend.answerNext('setRunTags', () => {
      throw { code: 'invalid_input', message: 'the tag "a#b" has characters other than letters, digits and - _ . : / + =' };
    });
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
  it('shows the curves, the differing keys and the metrics, and exports', async () => {
    backend = new MemoryBackend({ runs: [a, b, pending] });
    const metrics = (mean: number | null) => ({
      highest_erlang: mean === null ? null : 500,
      highest_blocking: mean,
      mean_blocking: mean,
      loads: mean === null ? 0 : 2,
      requests_per_iteration: 1000,
      iterations: 3,
      duration_seconds: 10,
    });
    const point = (erlang: number, mean: number) => ({ erlang, mean, ci_low: mean * 0.9, ci_high: mean * 1.1, iterations: 3, partial: false });
    const comparison: Comparison = {
      runs: [
        { id: a.id, name: a.name, status: a.status, template: 'quick', label: 'cores_per_link=3', points: [point(300, 0.01), point(500, 0.02)], metrics: metrics(0.015), problem: null },
        { id: b.id, name: b.name, status: b.status, template: 'quick', label: 'cores_per_link=1', points: [point(300, 0.03), point(500, 0.05)], metrics: metrics(0.04), problem: null },
        { id: pending.id, name: pending.name, status: pending.status, template: 'quick', label: 'cores_per_link=3', points: [], metrics: metrics(null), problem: 'no results yet' },
      ],
      erlangs: [300, 500],
      diff: [{ key: 'topology_settings.cores_per_link', values: ['3', '1', '3'] }],
    };
    backend.answer('compareRuns', () => comparison);
    backend.answer('exportComparisonCsv', () => '/home/researcher/Documents/comparison.csv');
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
    backend = new MemoryBackend({ runs: [a] });
    backend.failNext('compareRuns', { code: 'not_found', message: 'no run with id dddddddddddd' });
    renderWith(backend, <ComparePage ids={[a.id, 'dddddddddddd']} />);
    expect(await screen.findByTestId('compare-error')).toHaveTextContent('no run with id dddddddddddd');
  });
});

describe('clean-up', () => {
  it('previews then deletes old finished runs only', async () => {
    const old = makeRun({ id: 'eeeeeeeeeee1', name: 'old', status: 'FAILED', completed_at: '2020-01-01T00:00:00.000+00:00', disk_bytes: 2048 });
    const fresh = makeRun({ id: 'eeeeeeeeeee2', name: 'fresh', status: 'FAILED', completed_at: new Date().toISOString().replace('Z', '+00:00') });
    backend = new MemoryBackend({ runs: [old, fresh, pending] });
    // Of these, the core finds only the old failed run older than the limit.
    backend.answer('cleanupPreview', () => ({ runs: 1, bytes: 2048, ids: [old.id] }));
    backend.answer('cleanup', () => ({ deleted: 1, bytes: 2048, failed: [] }));
    render(<App backend={backend} />);
    await userEvent.click(await screen.findByTestId('open-cleanup'));
    expect(await screen.findByTestId('cleanup-preview')).toHaveTextContent('1 run (2 KiB) will be deleted');
    await userEvent.click(screen.getByTestId('cleanup-run'));
    expect(await screen.findByTestId('cleanup-report')).toHaveTextContent('Deleted 1 run, freeing 2 KiB.');
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(backend.callsOf('cleanup')).toEqual([backend.callsOf('cleanupPreview').at(-1)]);
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
    backend = new MemoryBackend({ runs: [low, high, short, none] });
    // The core's answers for the sorts and filters this test asks for.
    backend.answer('listRuns', (q) => {
      let runs = [low, high, short, none];
      if (q.sort === 'mean_blocking') runs = q.descending ? [high, short, low, none] : [low, short, high, none];
      if (q.metric_filters?.includes('blocking@900<1%')) runs = [low];
      if (q.metric_filters?.some((f) => f.includes('lots'))) {
        throw { code: 'invalid_input', message: 'invalid metric filter "blocking@900 < lots": expected <metric><op><number>, e.g. blocking@900<1%' };
      }
      return { runs, total: runs.length, offset: 0, limit: q.limit ?? 50 };
    });
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
