import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../bindings/Run';
import { MemoryBackend, makeRun } from '../api/memory';
import { RunDetailPage } from '../pages/RunDetailPage';
import { renderWith } from './render';

const ID = 'c0ffee000001';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function setup(patch: Partial<Run>, timing: ConstructorParameters<typeof MemoryBackend>[0] = {}) {
  const run = makeRun({ id: ID, name: 'NSFNet baseline', template: 'default', overrides: ['general_settings.max_iters=5'], ...patch });
  backend = new MemoryBackend({ runs: [run], timing: null, ...timing });
  renderWith(backend, <RunDetailPage id={ID} />);
  return backend;
}

describe('Run detail page', () => {
  it('shows the facts and the frozen config', async () => {
    setup({ status: 'RUNNING', pid: 4242, pgid: 4242, started_at: new Date().toISOString() });
    expect(await screen.findByTestId('detail-id')).toHaveTextContent(/^c0ffee000001$/);
    expect(screen.getByTestId('detail-status')).toHaveTextContent(/^RUNNING$/);
    expect(screen.getByText('4242 / 4242')).toBeInTheDocument();
    expect(screen.getByText('general_settings.max_iters=5')).toBeInTheDocument();
    const config = await screen.findByTestId('detail-config');
    expect(config.textContent).toContain('max_iters = 5');
    expect(config.textContent).toContain('# Frozen by FUSION Desk for run c0ffee000001');
    expect(backend.callsOf('runConfig')).toEqual([[ID]]);
    expect(screen.queryByTestId('delete-run')).not.toBeInTheDocument();
  });

  it('cancels after confirmation and shows CANCELLED when the event arrives', async () => {
    setup({ status: 'RUNNING', started_at: new Date().toISOString() });
    await userEvent.click(await screen.findByTestId('cancel-run'));
    expect(screen.getByRole('dialog')).toHaveTextContent('SIGTERM');
    expect(screen.getByRole('dialog')).toHaveTextContent('SIGKILL');
    expect(screen.getByRole('dialog')).toHaveTextContent('(10 s)');

    // Dismissing does nothing.
    await userEvent.click(screen.getByTestId('confirm-dismiss'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(backend.callsOf('cancelRun')).toHaveLength(0);

    await userEvent.click(screen.getByTestId('cancel-run'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.callsOf('cancelRun')).toEqual([[ID]]));
    await waitFor(() => expect(screen.getByTestId('cancel-run')).toHaveTextContent('Cancelling…'));
    expect(screen.getByTestId('cancel-run')).toBeDisabled();
    expect(screen.getByTestId('detail-status')).toHaveTextContent(/^RUNNING$/);

    act(() => {
      backend.update(ID, { status: 'CANCELLED', completed_at: new Date().toISOString(), exit_signal: 15 });
    });
    expect(screen.getByTestId('detail-status')).toHaveTextContent(/^CANCELLED$/);
    expect(screen.queryByTestId('cancel-run')).not.toBeInTheDocument();
    expect(screen.getByTestId('delete-run')).toBeInTheDocument();
    expect(screen.getByTestId('detail-exit')).toHaveTextContent('stopped by SIGTERM after cancel');
  });

  it('reaches CANCELLED through the simulated lifecycle', async () => {
    setup({ status: 'RUNNING', started_at: new Date().toISOString() }, { timing: { startMs: 10, runMs: 60_000, cancelMs: 30 } });
    await userEvent.click(await screen.findByTestId('cancel-run'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('detail-status')).toHaveTextContent(/^CANCELLED$/));
  });

  it('shows the backend error when deleting is refused', async () => {
    setup({ status: 'COMPLETED', started_at: '2025-01-01T10:00:00.000+00:00', completed_at: '2025-01-01T10:05:00.000+00:00' });
    backend.failNext('deleteRun', { code: 'invalid_state', message: `run ${ID} is RUNNING; cancel it before deleting it` });
    await userEvent.click(await screen.findByTestId('delete-run'));
    expect(screen.getByRole('dialog')).toHaveTextContent('its folder and all its files are deleted');
    await userEvent.click(screen.getByTestId('confirm-ok'));

    const error = await screen.findByTestId('action-error');
    expect(error).toHaveTextContent('cancel it before deleting it');
    expect(error).toHaveAttribute('data-code', 'invalid_state');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByTestId('detail-id')).toBeInTheDocument();
  });

  it('deletes a finished run and returns to the list', async () => {
    window.location.hash = `#/runs/${ID}`;
    setup({ status: 'FAILED', error_message: 'The simulator exited with code 3. Last lines of the log:\nline one\nline two' });
    expect(await screen.findByTestId('detail-error')).toHaveTextContent('line two');
    await userEvent.click(screen.getByTestId('delete-run'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(window.location.hash).toBe('#/runs'));
    expect(backend.peek(ID)).toBeUndefined();
  });

  it('re-runs the frozen config text with the same template and overrides', async () => {
    setup({ status: 'COMPLETED' });
    const frozen = await backend.runConfig(ID);
    await userEvent.click(await screen.findByTestId('rerun'));
    await waitFor(() => expect(backend.callsOf('rerunRun')).toEqual([[ID]]));
    const newest = (await backend.listRuns({})).runs[0];
    expect(newest.id).not.toBe(ID);
    expect(newest).toMatchObject({ template: 'default', name: 'NSFNet baseline (re-run)', overrides: ['general_settings.max_iters=5'], rerun_of: ID });
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(await backend.runConfig(newest.id))).toBe(body(frozen));
    await waitFor(() => expect(window.location.hash).toBe(`#/runs/${newest.id}`));
  });

  it('says so when the run does not exist', async () => {
    backend = new MemoryBackend({ timing: null });
    renderWith(backend, <RunDetailPage id="0123456789ab" />);
    expect(await screen.findByTestId('detail-load-error')).toHaveTextContent('no run with id 0123456789ab');
  });
});
