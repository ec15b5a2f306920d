import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import { App } from '../App';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

async function setup() {
  backend = new MemoryBackend({});
  render(<App backend={backend} />);
  // The whole app is up: the default page has loaded.
  await screen.findByTestId('runs-empty');
  await screen.findByTestId('activity');
  return backend;
}

describe('Quit confirmation', () => {
  it('appears on quit-requested with the number of active runs', async () => {
    await setup();
    expect(screen.queryByTestId('quit-leave')).not.toBeInTheDocument();
    act(() => backend.requestQuit(3));
    expect(screen.getByRole('dialog')).toHaveTextContent('3 runs are still active');
    expect(screen.getByRole('dialog')).toHaveTextContent('picked up on next start');
  });

  it('leaves runs running', async () => {
    await setup();
    act(() => backend.requestQuit(1));
    expect(screen.getByRole('dialog')).toHaveTextContent('1 run is still active');
    await userEvent.click(screen.getByTestId('quit-leave'));
    await waitFor(() => expect(backend.quitModes).toEqual(['leave']));
  });

  it('cancels runs and quits', async () => {
    await setup();
    act(() => backend.requestQuit(2));
    await userEvent.click(screen.getByTestId('quit-cancel-runs'));
    await waitFor(() => expect(backend.quitModes).toEqual(['cancel']));
    expect(backend.callsOf('quit')).toEqual([['cancel']]);
  });

  it("closes without quitting on Don't quit", async () => {
    await setup();
    act(() => backend.requestQuit(2));
    await userEvent.click(screen.getByTestId('quit-stay'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(backend.callsOf('quit')).toHaveLength(0);
  });

  it('shows a failure to quit', async () => {
    await setup();
    backend.failNext('quit', { code: 'internal', message: 'cannot cancel run 0123456789ab' });
    act(() => backend.requestQuit(2));
    await userEvent.click(screen.getByTestId('quit-cancel-runs'));
    expect(await screen.findByRole('alert')).toHaveTextContent('cannot cancel run 0123456789ab');
    expect(screen.getByTestId('quit-stay')).toBeEnabled();
  });
});
