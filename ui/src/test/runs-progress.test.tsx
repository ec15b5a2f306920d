import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeRunData } from '../api/fakeRun';
import { MemoryBackend, makeRun } from '../api/memory';
import { advanceRun } from './support/fakeSimulation';
import { RunsPage } from '../pages/RunsPage';
import { renderWith } from './render';

const r1 = makeRun({ id: 'bbbbbbbbbbb1', name: 'Sweep one', status: 'RUNNING', started_at: new Date().toISOString() });
const r2 = makeRun({ id: 'bbbbbbbbbbb2', name: 'Sweep two', status: 'RUNNING', started_at: new Date().toISOString(), overrides: ['general_settings.max_iters=10'] });
const done = makeRun({ id: 'bbbbbbbbbbb3', name: 'Done', status: 'COMPLETED', started_at: '2025-01-01T10:00:00.000+00:00', completed_at: '2025-01-01T10:30:00.000+00:00' });

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

describe('Run list progress', () => {
  it('shows a progress bar with percent and ETA in each running row, fed by the cache then streams', async () => {
    backend = new MemoryBackend({
      runs: [r1, r2, done],
      runData: { [r1.id]: fakeRunData(r1), [r2.id]: fakeRunData(r2, { iterations: 10 }), [done.id]: fakeRunData(done) },
    });
    // The core filters; the list asks for COMPLETED runs when that filter is on.
    backend.answer('listRuns', (q) => {
      const runs = q.status === 'COMPLETED' ? [done] : [r1, r2, done];
      return { runs, total: runs.length, offset: 0, limit: q.limit ?? 50 };
    });
    const { unmount } = renderWith(backend, <RunsPage />);
    await screen.findByTestId('run-row-bbbbbbbbbbb1');
    await waitFor(() => expect(screen.getByTestId('run-progress-bbbbbbbbbbb1')).toHaveTextContent('33 %'));
    expect(screen.getByTestId('run-progress-bbbbbbbbbbb2')).toHaveTextContent('40 %');
    expect(screen.getByTestId('run-row-bbbbbbbbbbb1')).toHaveTextContent(/about \d+ min/);
    expect(screen.queryByTestId('run-progress-bbbbbbbbbbb3')).not.toBeInTheDocument();

    // One cheap cache read for the visible running runs, one stream per row; no polling.
    expect(backend.callsOf('runProgressMany')).toEqual([[['bbbbbbbbbbb1', 'bbbbbbbbbbb2']]]);
    expect(backend.callsOf('runProgress')).toEqual([]);
    await waitFor(() => expect(backend.openStreams('progress')).toHaveLength(2));

    act(() => advanceRun(backend, 'bbbbbbbbbbb1', 3));
    await waitFor(() => expect(screen.getByTestId('run-progress-bbbbbbbbbbb1')).toHaveTextContent('67 %'));

    // The row leaves (filter): its stream is closed.
    await userEvent.click(screen.getByTestId('filter-COMPLETED'));
    await waitFor(() => expect(screen.queryByTestId('run-row-bbbbbbbbbbb1')).not.toBeInTheDocument());
    await waitFor(() => expect(backend.openStreams('progress')).toHaveLength(0));
    await userEvent.click(screen.getByTestId('filter-ALL'));
    await waitFor(() => expect(backend.openStreams('progress')).toHaveLength(2));

    unmount();
    await waitFor(() => expect(backend.openStreams('progress')).toHaveLength(0));
  });

  it('drops the bar when the run completes', async () => {
    backend = new MemoryBackend({ runs: [r1], runData: { [r1.id]: fakeRunData(r1) } });
    renderWith(backend, <RunsPage />);
    await screen.findByTestId('run-progress-bbbbbbbbbbb1');
    act(() => {
      backend.update('bbbbbbbbbbb1', { status: 'COMPLETED', completed_at: new Date().toISOString(), exit_code: 0 });
    });
    await waitFor(() => expect(screen.queryByTestId('run-progress-bbbbbbbbbbb1')).not.toBeInTheDocument());
    await waitFor(() => expect(backend.openStreams('progress')).toHaveLength(0));
  });
});
