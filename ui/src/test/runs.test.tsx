import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend, makeRun } from '../api/memory';
import { RunsPage } from '../pages/RunsPage';
import { renderWith } from './render';

const running = makeRun({ id: 'aaaaaaaaaaa1', name: 'Baseline sweep', status: 'RUNNING', started_at: new Date(Date.now() - 65_000).toISOString() });
const done = makeRun({ id: 'aaaaaaaaaaa2', name: 'USNet k=5', status: 'COMPLETED', started_at: '2025-01-01T10:00:00.000+00:00', completed_at: '2025-01-01T11:30:00.000+00:00' });
const failed = makeRun({ id: 'aaaaaaaaaaa3', name: 'Broken guard band', status: 'FAILED' });

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function setup(runs = [running, done, failed]) {
  backend = new MemoryBackend({ runs, timing: null });
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
    expect(screen.getByTestId('page-info')).toHaveTextContent('1–3 of 3');
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
    await waitFor(() => expect(screen.getByTestId('page-info')).toHaveTextContent('1–2 of 2'));
  });

  it('sends the status filter to the backend', async () => {
    setup();
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    await userEvent.click(screen.getByTestId('filter-FAILED'));

    await waitFor(() => expect(backend.callsOf('listRuns').at(-1)).toEqual([{ status: 'FAILED', offset: 0, limit: 50 }]));
    await waitFor(() => expect(screen.queryByTestId('run-row-aaaaaaaaaaa1')).not.toBeInTheDocument());
    expect(screen.getByTestId('run-row-aaaaaaaaaaa3')).toBeInTheDocument();
    expect(screen.getByTestId('filter-FAILED')).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByTestId('filter-ALL'));
    await waitFor(() => expect(backend.callsOf('listRuns').at(-1)).toEqual([{ offset: 0, limit: 50 }]));
  });

  it('debounces the search and sends it to the backend', async () => {
    setup();
    await screen.findByTestId('run-row-aaaaaaaaaaa1');
    const before = backend.callsOf('listRuns').length;
    await userEvent.type(screen.getByTestId('runs-search'), 'usnet');

    await waitFor(() => expect(backend.callsOf('listRuns').at(-1)).toEqual([{ search: 'usnet', offset: 0, limit: 50 }]));
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

  it('pages through long histories', async () => {
    const many = Array.from({ length: 120 }, (_, i) => makeRun({ id: `b${String(i).padStart(11, '0')}`, name: `run ${i}`, status: 'COMPLETED' }));
    setup(many);
    await screen.findByTestId('run-row-b00000000000');
    expect(screen.getByTestId('page-info')).toHaveTextContent('1–50 of 120');
    expect(screen.getByTestId('page-prev')).toBeDisabled();
    await userEvent.click(screen.getByTestId('page-next'));
    await waitFor(() => expect(screen.getByTestId('page-info')).toHaveTextContent('51–100 of 120'));
    expect(backend.callsOf('listRuns').at(-1)).toEqual([{ offset: 50, limit: 50 }]);
  });

  it('opens a run when its row is clicked', async () => {
    setup();
    await userEvent.click(await screen.findByTestId('run-row-aaaaaaaaaaa3'));
    expect(window.location.hash).toBe('#/runs/aaaaaaaaaaa3');
  });
});

describe('Runs page errors', () => {
  it('shows a failed fetch and retries on request', async () => {
    backend = new MemoryBackend({ runs: [done], timing: null });
    backend.failNext('listRuns', { code: 'internal', message: 'database is locked' });
    renderWith(backend, <RunsPage />);
    expect(await screen.findByTestId('runs-error')).toHaveTextContent('database is locked');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('run-row-aaaaaaaaaaa2')).toBeInTheDocument();
    expect(screen.queryByTestId('runs-error')).not.toBeInTheDocument();
  });
});
