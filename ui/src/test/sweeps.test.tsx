import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend, makeRun } from '../api/memory';
import { NewRunPage } from '../pages/NewRunPage';
import { RunDetailPage } from '../pages/RunDetailPage';
import { SweepDetailPage } from '../pages/SweepDetailPage';
import { SettingsPage } from '../pages/SettingsPage';
import { SweepsPage } from '../pages/SweepsPage';
import { renderWith } from './render';
import { fakeSweep, withRuns } from './support/sweeps';

let backend: MemoryBackend;
afterEach(() => {
  backend?.dispose();
  window.location.hash = '';
});

describe('Vary on the new-run page', () => {
  async function open() {
    backend = new MemoryBackend({});
    // The core counts the runs of the axes it is sent.
    backend.answer('previewSweep', (request) => {
      if (request.axes.some((a) => a.values === '4..1')) {
        throw { code: 'invalid_input', message: 'routing_settings.k_paths: the range "4..1" goes backwards' };
      }
      const counts: Record<string, number> = { '1,3,7': 3, '1..4': 4, '1,2': 2 };
      const count = request.axes.reduce((n, a) => n * (counts[a.values] ?? 1), 1);
      return { count, axes: [], points: [], estimate: null, warnings: [] };
    });
    renderWith(backend, <NewRunPage />);
    await waitFor(() => expect(screen.getByTestId('template-select')).toHaveValue('quick'));
    await waitFor(() => expect(screen.getByTestId('create-run')).toBeEnabled());
  }

  async function addAxis(key: string, values: string) {
    await userEvent.click(screen.getByTestId('sweep-add-axis'));
    const keys = screen.getAllByTestId('sweep-axis-key');
    const vals = screen.getAllByTestId('sweep-axis-values');
    await userEvent.type(keys[keys.length - 1], key);
    await userEvent.type(vals[vals.length - 1], values);
  }

  it('shows how many runs the sweep creates and creates them as one sweep', async () => {
    await open();
    await addAxis('topology_settings.cores_per_link', '1,3,7');
    await addAxis('routing_settings.k_paths', '1..4');
    await waitFor(() => expect(screen.getByTestId('sweep-summary')).toHaveTextContent('12 runs will be created'));
    expect(screen.getByTestId('create-run')).toHaveTextContent('Create 12 runs');

    const created = fakeSweep('5eeb0000c0de', 'quick sweep', [
      ['topology_settings.cores_per_link', ['1', '3', '7']],
      ['routing_settings.k_paths', ['1', '2', '3', '4']],
    ]);
    backend.answer('createSweep', () => created);
    await userEvent.click(screen.getByTestId('create-run'));
    await waitFor(() => expect(backend.callsOf('createSweep')).toHaveLength(1));
    const [request] = backend.callsOf('createSweep')[0] as [{ axes: unknown; template: string }];
    expect(request.template).toBe('quick');
    expect(request.axes).toEqual([
      { key: 'topology_settings.cores_per_link', values: '1,3,7' },
      { key: 'routing_settings.k_paths', values: '1..4' },
    ]);
    expect(backend.callsOf('createRun')).toHaveLength(0);
    await waitFor(() => expect(window.location.hash).toBe(`#/sweeps/${created.sweep.id}`));
  });

  it('shows a bad value next to its key and refuses to create', async () => {
    await open();
    await addAxis('routing_settings.k_paths', '4..1');
    const error = await screen.findByTestId('sweep-axis-error');
    expect(error).toHaveTextContent('routing_settings.k_paths: the range "4..1" goes backwards');
    expect(screen.getByTestId('create-run')).toBeDisabled();
  });

  it('creates a single run again once the axes are removed', async () => {
    await open();
    await addAxis('routing_settings.k_paths', '1,2');
    await waitFor(() => expect(screen.getByTestId('create-run')).toHaveTextContent('Create 2 runs'));
    await userEvent.click(screen.getByTestId('sweep-axis-remove'));
    expect(screen.getByTestId('create-run')).toHaveTextContent('Create run');
  });
});

describe('Sweep pages', () => {
  function sweepOf(values: string[]) {
    const detail = fakeSweep('5eeb00000001', 'k sweep', [['routing_settings.k_paths', values]]);
    backend = new MemoryBackend({ runs: detail.runs, sweeps: [detail] });
    return detail;
  }

  it('shows the group progress and updates it live on run events', async () => {
    const detail = sweepOf(['1', '2', '3', '4']);
    const { sweep, runs } = detail;
    renderWith(backend, <SweepDetailPage id={sweep.id} />);
    await waitFor(() => expect(screen.getByTestId('sweep-progress-text')).toHaveTextContent('0 / 4 done'));
    expect(screen.getByTestId('sweep-progress-text')).toHaveTextContent('4 queued');
    act(() => {
      const states = ['COMPLETED', 'FAILED', 'RUNNING', 'PENDING'] as const;
      backend.putSweep(withRuns(detail, runs.map((r, i) => ({ ...r, status: states[i] }))));
      backend.update(runs[0].id, { status: 'COMPLETED' });
      backend.update(runs[1].id, { status: 'FAILED' });
      backend.update(runs[2].id, { status: 'RUNNING' });
    });
    await waitFor(() => expect(screen.getByTestId('sweep-progress-text')).toHaveTextContent('1 / 4 done · 1 failed · 0 cancelled · 1 running · 1 queued'));
    expect(screen.getByTestId('sweep-rerun-failed')).toHaveTextContent('Re-run 1 failed');
  });

  it('links Compare to the comparison of every run of the sweep', async () => {
    const { sweep, runs } = sweepOf(['1', '2', '3']);
    renderWith(backend, <SweepDetailPage id={sweep.id} />);
    const compare = await screen.findByTestId('sweep-compare');
    expect(compare).toHaveAttribute('href', `#/compare?runs=${runs.map((r) => r.id).join(',')}`);
  });

  it('cancels the whole sweep after asking', async () => {
    const detail = sweepOf(['1', '2', '3']);
    const { sweep } = detail;
    backend.answer('cancelSweep', () => withRuns(detail, detail.runs.map((r) => ({ ...r, status: 'CANCELLED' }))));
    renderWith(backend, <SweepDetailPage id={sweep.id} />);
    await userEvent.click(await screen.findByTestId('sweep-cancel'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('sweep-progress-text')).toHaveTextContent('3 cancelled'));
    expect(backend.callsOf('cancelSweep')).toEqual([[sweep.id]]);
    expect(screen.queryByTestId('sweep-cancel')).toBeNull();
  });

  it('re-runs the failed runs in the sweep', async () => {
    const detail = sweepOf(['1', '2']);
    const { sweep, runs } = detail;
    const [done, failed] = [{ ...runs[0], status: 'COMPLETED' as const }, { ...runs[1], status: 'FAILED' as const }];
    backend.putSweep(withRuns(detail, [done, failed]));
    const again = makeRun({ id: '5eeb000000f1', name: `${failed.name} (re-run)`, sweep_id: sweep.id, rerun_of: failed.id });
    backend.answer('rerunFailed', () => withRuns(detail, [done, again]));
    renderWith(backend, <SweepDetailPage id={sweep.id} />);
    await userEvent.click(await screen.findByTestId('sweep-rerun-failed'));
    await waitFor(() => expect(screen.getByTestId('sweep-progress-text')).toHaveTextContent('1 / 2 done · 0 failed'));
    expect(screen.getByTestId('sweep-runs')).toHaveTextContent('(re-run)');
  });

  it('names each run by the values it varies, in the table and under its small multiple', async () => {
    const detail = fakeSweep('5eeb00000002', 'low-load sweep', [
      ['topology_settings.cores_per_link', ['1', '2']],
      ['routing_settings.k_paths', ['1', '3']],
    ]);
    const metrics = { mean_blocking: 0.01, highest_erlang: 410, highest_blocking: 0.1, bit_rate_blocking: 0.02, loads: 5, iterations: 4, duration_seconds: 3, per_load: [] };
    const runs = detail.runs.map((r) => ({ ...r, status: 'COMPLETED' as const, metrics }));
    // A renamed run keeps the name it was given.
    runs[3] = { ...runs[3], name: 'the one for the paper' };
    backend = new MemoryBackend({ runs, sweeps: [withRuns(detail, runs)] });
    renderWith(backend, <SweepDetailPage id={detail.sweep.id} />);
    const labels = ['cores_per_link=1, k_paths=1', 'cores_per_link=1, k_paths=3', 'cores_per_link=2, k_paths=1', 'the one for the paper'];
    for (const [i, r] of runs.entries()) {
      const cell = await screen.findByTestId(`sweep-run-label-${r.id}`);
      expect(cell.textContent).toBe(labels[i]);
      // The whole name is still there on hover.
      expect(cell).toHaveAttribute('title', r.name);
      expect((await screen.findByTestId(`sweep-multiple-label-${r.id}`)).textContent).toBe(labels[i]);
    }
  });

  it('lists sweeps with their progress', async () => {
    const { sweep } = sweepOf(['1', '2']);
    renderWith(backend, <SweepsPage />);
    const row = await screen.findByTestId(`sweep-row-${sweep.id}`);
    expect(row).toHaveTextContent('k sweep');
    expect(row).toHaveTextContent('k_paths (2)');
    expect(row).toHaveTextContent('0 / 2 done');
  });
});

describe('Notification clicks', () => {
  it('open the run or the sweep the notification is about', async () => {
    const { App } = await import('../App');
    backend = new MemoryBackend({});
    const run = await backend.createRun({ template: 'quick', overrides: [] });
    render(<App backend={backend} />);
    act(() => backend.clickNotification({ kind: 'run', id: run.id }));
    await waitFor(() => expect(window.location.hash).toBe(`#/runs/${run.id}`));
    act(() => backend.clickNotification({ kind: 'sweep', id: 'abcdefabcdef' }));
    await waitFor(() => expect(window.location.hash).toBe('#/sweeps/abcdefabcdef'));
    // A summary of several runs opens the run list.
    act(() => backend.clickNotification({ kind: 'runs' }));
    await waitFor(() => expect(window.location.hash).toBe('#/runs'));
  });
});

describe('Notification setting', () => {
  it('is on by default and can be turned off', async () => {
    backend = new MemoryBackend({});
    renderWith(backend, <SettingsPage />);
    const box = await screen.findByTestId('settings-notify');
    expect(box).toBeChecked();
    await userEvent.click(box);
    await userEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect((await backend.getSettings()).settings.notify_when_finished).toBe(false);
  });
});

describe('Clone on the run page', () => {
  it('links to the new-run page with the run, and to the run\'s sweep', async () => {
    const run = makeRun({ id: 'abcdef012345', status: 'COMPLETED', sweep_id: '0123456789ab' });
    backend = new MemoryBackend({ runs: [run] });
    renderWith(backend, <RunDetailPage id={run.id} />);
    expect(await screen.findByTestId('clone-run')).toHaveAttribute('href', '#/new?from=abcdef012345');
    expect(screen.getByTestId('run-sweep-link')).toHaveAttribute('href', '#/sweeps/0123456789ab');
  });

  it('opens the new-run page prefilled with the frozen config', async () => {
    const run = makeRun({ id: 'abcdef012345', status: 'COMPLETED', overrides: ['routing_settings.k_paths=7'] });
    backend = new MemoryBackend({ runs: [run] });
    renderWith(backend, <NewRunPage from={run.id} />);
    expect(await screen.findByTestId('config-origin')).toHaveTextContent('abcdef012345');
  });
});
