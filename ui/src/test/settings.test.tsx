import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import { SettingsPage } from '../pages/SettingsPage';
import { renderWith } from './render';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function setup(options: ConstructorParameters<typeof MemoryBackend>[0] = {}) {
  backend = new MemoryBackend({ dataDir: '/data/fusion-desk', ...options });
  renderWith(backend, <SettingsPage />);
  return backend;
}

async function replace(testId: string, value: string) {
  const input = screen.getByTestId(testId);
  await userEvent.clear(input);
  if (value) await userEvent.type(input, value);
}

describe('Settings page', () => {
  it('loads, saves and shows the saved values', async () => {
    setup();
    // The core answers with the command now in effect.
    backend.answer('saveSettings', (settings) => ({
      settings,
      effective_simulator: settings.simulator_command,
      simulator_env_override: null,
      data_dir: '/data/fusion-desk',
    }));
    expect(await screen.findByTestId('settings-max-concurrent')).toHaveValue(2);
    expect(screen.getByTestId('settings-grace')).toHaveValue(10);
    expect(screen.getByTestId('settings-simulator')).toHaveAttribute('placeholder', 'bundled fusion-sim');
    expect(screen.getByTestId('settings-data-dir')).toHaveValue('/data/fusion-desk');
    expect(screen.queryByTestId('settings-env-override')).not.toBeInTheDocument();

    await replace('settings-simulator', 'python3 /opt/fusion/run_sim.py');
    await replace('settings-max-concurrent', '8');
    await replace('settings-grace', '2.5');
    await userEvent.click(screen.getByTestId('settings-save'));

    expect(await screen.findByTestId('settings-saved')).toHaveTextContent('Settings saved');
    expect(backend.callsOf('saveSettings')).toEqual([
      [{ simulator_command: 'python3 /opt/fusion/run_sim.py', max_concurrent_runs: 8, cancel_grace_seconds: 2.5, notify_when_finished: true }],
    ]);
    expect(screen.getByTestId('settings-effective')).toHaveTextContent('python3 /opt/fusion/run_sim.py');

    // Editing again hides the old confirmation.
    await userEvent.type(screen.getByTestId('settings-grace'), '5');
    expect(screen.queryByTestId('settings-saved')).not.toBeInTheDocument();
  });

  it('refuses out-of-range numbers before asking the backend', async () => {
    setup();
    await screen.findByTestId('settings-max-concurrent');
    await replace('settings-max-concurrent', '0');
    await userEvent.click(screen.getByTestId('settings-save'));
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('max concurrent runs must be between 1 and 256');

    await replace('settings-max-concurrent', '3');
    await replace('settings-grace', '-1');
    await userEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('settings-error')).toHaveTextContent('the cancel grace period must be between 0 and 3600 seconds');
    expect(backend.callsOf('saveSettings')).toHaveLength(0);
    expect(screen.queryByTestId('settings-saved')).not.toBeInTheDocument();
  });

  it('shows validation errors from the backend', async () => {
    setup();
    backend.failNext('saveSettings', { code: 'invalid_input', message: 'simulator command has an unclosed quote' });
    await screen.findByTestId('settings-simulator');
    await replace('settings-simulator', 'python3 "unterminated');
    await userEvent.click(screen.getByTestId('settings-save'));
    const error = await screen.findByTestId('settings-error');
    expect(error).toHaveTextContent('simulator command has an unclosed quote');
    expect(error).toHaveAttribute('data-code', 'invalid_input');
    expect(backend.callsOf('saveSettings')).toHaveLength(1);
    expect(screen.queryByTestId('settings-saved')).not.toBeInTheDocument();
  });

  it('explains an environment override of the simulator', async () => {
    setup({ simulatorEnvOverride: '/usr/local/bin/my-sim --fast' });
    const note = await screen.findByTestId('settings-env-override');
    expect(note).toHaveTextContent('FUSION_DESK_SIMULATOR');
    expect(note).toHaveTextContent('/usr/local/bin/my-sim --fast');
    expect(screen.getByTestId('settings-effective')).toHaveTextContent('/usr/local/bin/my-sim --fast');
  });

  it('shows a failed load', async () => {
    backend = new MemoryBackend({});
    backend.failNext('getSettings', { code: 'internal', message: 'database is locked' });
    renderWith(backend, <SettingsPage />);
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('database is locked'));
  });
});
