import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import { MemoryBackend, makeRun } from '../api/memory';
import { ROW_HEIGHT, RunsPage } from '../pages/RunsPage';
import { renderWith } from './render';

const running = makeRun({ id: 'aaaaaaaaaaa1', name: 'Baseline sweep', status: 'RUNNING', started_at: new Date(Date.now() - 65_000).toISOString() });
const done = makeRun({ id: 'aaaaaaaaaaa2', name: 'USNet k=5', status: 'COMPLETED', started_at: '2025-01-01T10:00:00.000+00:00', completed_at: '2025-01-01T11:30:00.000+00:00' });
const failed = makeRun({ id: 'aaaaaaaaaaa3', name: 'Broken guard band', status: 'FAILED' });

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

let stored: Run[] = [];

/** The core's answer to a list query: `filtered` when the query filters as `matches` says, every stored run otherwise. */
function answerList(matches: (q: ListQuery) => boolean, filtered: Run[]) {
  backend.answer('listRuns', (q) => {
    const runs = matches(q) ? filtered : stored;
    return { runs, total: runs.length, offset: 0, limit: q.limit ?? 50 };
  });
}

function setup(runs = [running, done, failed], prepare: () => void = () => undefined) {
  stored = runs;
  backend = new MemoryBackend({ runs });
  prepare();
  renderWith(backend, <RunsPage />);
  return backend;
}

describe('Runs page', () => {
  it('lists runs newest first with status badges and durations', async () => {
    setup();
    const rows = await screen.findAllByTestId(/^run-row-/);
    expect(rows.map((r) => r.dataset.testid)).toEqual(['run-row-aaaaaaaaaaa1', 'run-row-aaaaaaaaaaa2', 'run-row-aaaaaaaaaaa3']);
    expect(screen.getByTestId('run-status-aaaaaaaaaaa1')).toHaveTextContent(/^RUNNING$/);
    expect(screen.getByTestId('run-status-aaaaaaaaaaa2')).toHaveTextContent(/^COMPLETED$/);
    expect(screen.getByTestId('run-status-aaaaaaaaaaa3')).toHaveTextContent(/^FAILED$/);
    expect(within(screen.getByTestId('run-row-aaaaaaaaaaa2')).getByText('1h 30m 00s')).toBeInTheDocument();
    expect(within(screen.getByTestId('run-row-aaaaaaaaaaa1')).getByText(/^1m 0\ds$/)).toBeInTheDocument();
    expect(screen.getByTestId('page-info')).toHaveTextContent('3 runs');
  });

  it('applies run_updated events in place, without fetching again', async () => {
    setup();
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    const fetches = backend.callsOf('listRuns').length;

    act(() => {
      backend.emit({ type: 'run_updated', run: { ...running, status: 'COMPLETED', completed_at: new Date().toISOString() } });
    });

    expect(screen.getByTestId('run-status-aaaaaaaaaaa1')).toHaveTextContent(/^COMPLETED$/);
    await act(() => new Promise((r) => setTimeout(r, 250)));
    expect(backend.callsOf('listRuns').length).toBe(fetches);
  });

  it('refetches on runs_changed and when a new run appears', async () => {
    setup();
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    const fetches = backend.callsOf('listRuns').length;
    const created = await act(() => backend.createRun({ template: 'quick', name: 'Fresh', overrides: [] }));
    expect(await screen.findByTestId(`run-row-${created.id}`)).toBeInTheDocument();
    expect(backend.callsOf('listRuns').length).toBe(fetches + 1);

    act(() => backend.emit({ type: 'runs_changed' }));
    await waitFor(() => expect(backend.callsOf('listRuns').length).toBe(fetches + 2));
  });

  it('removes a deleted run', async () => {
    setup();
    await screen.findByTestId('run-row-aaaaaaaaaaa2');
    await act(() => backend.deleteRun('aaaaaaaaaaa2'));
    await waitFor(() => expect(screen.queryByTestId('run-row-aaaaaaaaaaa2')).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId('page-info')).toHaveTextContent('2 runs'));
  });

  it('sends the status filter to the backend', async () => {
    setup();
    answerList((q) => q.status === 'FAILED', [failed]);
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    await userEvent.click(screen.getByTestId('filter-FAILED'));

    await waitFor(() => expect(backend.callsOf('listRuns').at(-1)).toEqual([{ status: 'FAILED', offset: 0, limit: 100 }]));
    await waitFor(() => expect(screen.queryByTestId('run-row-aaaaaaaaaaa1')).not.toBeInTheDocument());
    expect(screen.getByTestId('run-row-aaaaaaaaaaa3')).toBeInTheDocument();
    expect(screen.getByTestId('filter-FAILED')).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByTestId('filter-ALL'));
    await waitFor(() => expect(backend.callsOf('listRuns').at(-1)).toEqual([{ offset: 0, limit: 100 }]));
  });

  it('debounces the search and sends it to the backend', async () => {
    setup();
    answerList((q) => q.search === 'usnet', [done]);
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    const before = backend.callsOf('listRuns').length;
    await userEvent.type(screen.getByTestId('runs-search'), 'usnet');

    await waitFor(() => expect(backend.callsOf('listRuns').at(-1)).toEqual([{ search: 'usnet', offset: 0, limit: 100 }]));
    // One fetch for the whole word, not one per keystroke.
    expect(backend.callsOf('listRuns').length).toBe(before + 1);
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(1));
    expect(screen.getByTestId('run-row-aaaaaaaaaaa2')).toBeInTheDocument();
  });

  it('shows an empty state with a way to create the first run', async () => {
    setup([]);
    const empty = await screen.findByTestId('runs-empty');
    expect(within(empty).getByRole('link', { name: /create your first run/i })).toHaveAttribute('href', '#/new');
  });

  it('renders only the rows in view and fetches further pages on scroll', async () => {
    const many = Array.from({ length: 250 }, (_, i) => makeRun({ id: `b${String(i).padStart(11, '0')}`, name: `run ${i}`, status: 'COMPLETED' }));
    setup(many);
    await screen.findByTestId('run-row-b00000000000');
    expect(screen.getByTestId('page-info')).toHaveTextContent('250 runs');
    // A window of rows, not all 250; one page fetched.
    const rendered = screen.getAllByTestId(/^run-row-/).length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);
    expect(backend.callsOf('listRuns')).toEqual([[{ offset: 0, limit: 100 }]]);

    const scroller = screen.getByTestId('runs-scroll');
    scroller.scrollTop = 150 * ROW_HEIGHT;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(screen.getByTestId('run-row-b00000000150')).toBeInTheDocument());
    expect(backend.callsOf('listRuns').at(-1)).toEqual([{ offset: 100, limit: 100 }]);
    expect(screen.queryByTestId('run-row-b00000000000')).not.toBeInTheDocument();
  });

  it('selects runs with checkboxes and shift-click, and compares them', async () => {
    setup();
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    await userEvent.click(screen.getByTestId('select-aaaaaaaaaaa1'));
    const user = userEvent.setup();
    await user.keyboard('{Shift>}');
    await user.click(screen.getByTestId('select-aaaaaaaaaaa3'));
    await user.keyboard('{/Shift}');
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('3 selected');
    await userEvent.click(screen.getByTestId('bulk-compare'));
    expect(window.location.hash).toBe('#/compare?runs=aaaaaaaaaaa1,aaaaaaaaaaa2,aaaaaaaaaaa3');
  });

  it('deletes the selected finished runs and reports the active one it kept', async () => {
    setup();
    // The core deletes the finished run and keeps the running one.
    backend.answer('deleteRuns', () => {
      backend.drop(failed.id);
      return [
        { id: running.id, ok: false, message: `run ${running.id} is RUNNING; cancel it before deleting it`, destination: null },
        { id: failed.id, ok: true, message: null, destination: null },
      ];
    });
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    await userEvent.click(screen.getByTestId('select-aaaaaaaaaaa1'));
    await userEvent.click(screen.getByTestId('select-aaaaaaaaaaa3'));
    await userEvent.click(screen.getByTestId('bulk-delete'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    const notice = await screen.findByTestId('bulk-notice');
    expect(notice).toHaveTextContent('Deleted 1 run; 1 not deleted:');
    expect(notice).toHaveTextContent('aaaaaaaaaaa1: run aaaaaaaaaaa1 is RUNNING; cancel it before deleting it');
    await waitFor(() => expect(screen.queryByTestId('run-row-aaaaaaaaaaa3')).not.toBeInTheDocument());
    expect(screen.getByTestId('run-row-aaaaaaaaaaa1')).toBeInTheDocument();
    // The kept run stays selected.
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('1 selected');
  });

  it('filters by tag, network and dates through the backend', async () => {
    const tagged = makeRun({ id: 'aaaaaaaaaaa4', name: 'Tagged', status: 'COMPLETED', tags: ['paper'], network: 'USNet', created_at: '2026-03-02T10:00:00.000+00:00' });
    setup([running, done, failed, tagged], () => {
      backend.answer('runFacets', () => ({ templates: ['quick'], networks: ['NSFNet', 'USNet'], tags: ['paper'] }));
      answerList((q) => q.tag === 'paper', [tagged]);
    });
    await screen.findByTestId('run-row-aaaaaaaaaaa4');
    await waitFor(() => expect(within(screen.getByTestId('filter-tag')).getByRole('option', { name: 'paper' })).toBeInTheDocument());
    await userEvent.selectOptions(screen.getByTestId('filter-tag'), 'paper');
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(1));
    expect(backend.callsOf('listRuns').at(-1)).toEqual([{ tag: 'paper', offset: 0, limit: 100 }]);
    await userEvent.selectOptions(screen.getByTestId('filter-network'), 'USNet');
    fireEvent.change(screen.getByTestId('filter-after'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByTestId('filter-before'), { target: { value: '2026-03-02' } });
    await waitFor(() =>
      expect(backend.callsOf('listRuns').at(-1)).toEqual([
        { network: 'USNet', tag: 'paper', created_after: '2026-03-01', created_before: '2026-03-02', offset: 0, limit: 100 },
      ]),
    );
    expect(screen.getByTestId('run-row-aaaaaaaaaaa4')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('filters-clear'));
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(4));
  });

  it('searches notes and tags too', async () => {
    const noted = makeRun({ id: 'aaaaaaaaaaa5', name: 'Plain', status: 'COMPLETED', note: 'Saturation past 600 Erlang' });
    setup([done, noted]);
    answerList((q) => q.search === 'saturation', [noted]);
    await screen.findByTestId('run-row-aaaaaaaaaaa5');
    await userEvent.type(screen.getByTestId('runs-search'), 'saturation');
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(1));
    expect(screen.getByTestId('run-row-aaaaaaaaaaa5')).toBeInTheDocument();
  });

  it('opens a run when its row is clicked', async () => {
    setup();
    await userEvent.click(await screen.findByTestId('run-row-aaaaaaaaaaa3'));
    expect(window.location.hash).toBe('#/runs/aaaaaaaaaaa3');
  });

  it('shows an empty date filter as "Any date", not as a date', async () => {
    setup();
    await screen.findAllByTestId(/^run-row-/);
    expect(screen.getByTestId('filter-after-placeholder')).toHaveTextContent('Any date');
    expect(screen.getByTestId('filter-before-placeholder')).toHaveTextContent('Any date');
    fireEvent.change(screen.getByTestId('filter-after'), { target: { value: '2026-03-01' } });
    await waitFor(() => expect(screen.queryByTestId('filter-after-placeholder')).not.toBeInTheDocument());
    expect(screen.getByTestId('filter-after')).toHaveValue('2026-03-01');
    expect(screen.getByTestId('filter-before')).toHaveAttribute('min', '2026-03-01');
    expect(screen.getByTestId('filter-before-placeholder')).toBeInTheDocument();
  });

  it('keeps selecting and shift-selecting rows after a filter change', async () => {
    setup();
    answerList((q) => q.status === 'COMPLETED', [done]);
    await screen.findAllByTestId(/^run-row-/);
    await userEvent.click(screen.getByTestId('select-aaaaaaaaaaa1'));
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('1 selected');
    await userEvent.click(screen.getByTestId('filter-COMPLETED'));
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(1));
    expect(screen.queryByTestId('bulk-bar')).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId('filter-ALL'));
    await waitFor(() => expect(screen.getAllByTestId(/^run-row-/)).toHaveLength(3));
    await userEvent.click(screen.getByTestId('select-aaaaaaaaaaa1'));
    const user = userEvent.setup();
    await user.keyboard('{Shift>}');
    await user.click(screen.getByTestId('select-aaaaaaaaaaa3'));
    await user.keyboard('{/Shift}');
    expect(screen.getByTestId('bulk-count')).toHaveTextContent('3 selected');
  });
});

describe('Runs page errors', () => {
  it('shows a failed fetch and retries on request', async () => {
    backend = new MemoryBackend({ runs: [done] });
    backend.failNext('listRuns', { code: 'internal', message: 'database is locked' });
    renderWith(backend, <RunsPage />);
    expect(await screen.findByTestId('runs-error')).toHaveTextContent('database is locked');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('run-row-aaaaaaaaaaa2')).toBeInTheDocument();
    expect(screen.queryByTestId('runs-error')).not.toBeInTheDocument();
  });
});
