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

const CONFIG = `# Frozen by FUSION Desk for run ${ID} from template "default"\n[general_settings]\nmax_iters = 5\n`;

function setup(patch: Partial<Run>) {
  const run = makeRun({ id: ID, name: 'NSFNet baseline', template: 'default', overrides: ['general_settings.max_iters=5'], ...patch });
  backend = new MemoryBackend({ runs: [run], runData: { [ID]: { config: CONFIG } } });
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
      const now = new Date().toISOString();
      backend.update(ID, { status: 'CANCELLED', cancel_requested_at: now, completed_at: now, exit_signal: 15 });
    });
    expect(screen.getByTestId('detail-status')).toHaveTextContent(/^CANCELLED$/);
    expect(screen.queryByTestId('cancel-run')).not.toBeInTheDocument();
    expect(screen.getByTestId('delete-run')).toBeInTheDocument();
    expect(screen.getByTestId('detail-exit')).toHaveTextContent('stopped by SIGTERM after cancel');
  });

  it('shows a queued run as waiting, with a still bar rather than one that moves as if it were working', async () => {
    setup({ status: 'PENDING' });
    const bar = await screen.findByTestId('detail-progress-bar');
    expect(screen.getByTestId('detail-progress')).toHaveTextContent('Queued: waiting for a free slot');
    expect(bar).not.toHaveClass('progress-indeterminate');
    expect(bar).toHaveClass('progress-waiting');
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuetext', 'not started');
    // Once it runs without a figure yet, the bar moves.
    act(() => backend.update(ID, { status: 'RUNNING', started_at: new Date().toISOString() }));
    await waitFor(() => expect(screen.getByTestId('detail-progress-bar')).toHaveClass('progress-indeterminate'));
  });

  it('shows CANCELLED from the reply when the core cancels a pending run at once', async () => {
    setup({ status: 'PENDING' });
    backend.answer('cancelRun', (id) => ({ ...backend.peek(id)!, status: 'CANCELLED', cancel_requested_at: new Date().toISOString() }));
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

  it('re-runs the run and opens the new one', async () => {
    setup({ status: 'COMPLETED' });
    const again = makeRun({ id: 'c0ffee0000a1', name: 'NSFNet baseline (re-run)', template: 'default', rerun_of: ID });
    backend.answer('rerunRun', () => again);
    await userEvent.click(await screen.findByTestId('rerun'));
    await waitFor(() => expect(backend.callsOf('rerunRun')).toEqual([[ID]]));
    await waitFor(() => expect(window.location.hash).toBe(`#/runs/${again.id}`));
  });

  it('says so when the run does not exist', async () => {
    backend = new MemoryBackend({});
    backend.failNext('getRun', { code: 'not_found', message: 'no run with id 0123456789ab' });
    renderWith(backend, <RunDetailPage id="0123456789ab" />);
    expect(await screen.findByTestId('detail-load-error')).toHaveTextContent('no run with id 0123456789ab');
  });
});
