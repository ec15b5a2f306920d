import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import { SettingsPage } from '../pages/SettingsPage';
import { renderWith } from './render';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function render(command = '') {
  backend = new MemoryBackend({ settings: { simulator_command: command } });
  renderWith(backend, <SettingsPage />);
}

describe('Settings: simulator profile', () => {
  it('starts on the embedded engine and checks what is in effect', async () => {
    render();
    expect(await screen.findByTestId('simulator-embedded')).toBeChecked();
    expect(screen.getByTestId('simulator-fusion')).not.toBeChecked();
    await userEvent.click(screen.getByTestId('simulator-check'));
    const result = await screen.findByTestId('simulator-check-result');
    expect(result).toHaveTextContent('Found: Embedded engine');
    expect(result).toHaveTextContent('fusion-sim 0.1.0 (embedded engine)');
    expect(result).toHaveClass('sim-check-ok');
    expect(backend.callsOf('checkSimulator')).toEqual([[null]]);
  });

  it('picks FUSION with the native dialog and saves its command', async () => {
    render();
    backend.answer('pickSimulator', () => ({ command: '/opt/fusion/.venv/bin/fusion-sim', kind: 'fusion_python', ok: true, summary: 'FUSION 6.1.0 at /opt/fusion' }));
    await userEvent.click(await screen.findByTestId('simulator-fusion'));
    await userEvent.click(screen.getByTestId('simulator-pick'));
    await waitFor(() => expect(screen.getByTestId('settings-simulator')).toHaveValue('/opt/fusion/.venv/bin/fusion-sim'));
    expect(screen.getByTestId('simulator-check-result')).toHaveTextContent('Found: FUSION (Python)');
    expect(screen.getByTestId('simulator-check-result')).toHaveTextContent('FUSION 6.1.0 at /opt/fusion');
    await userEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(backend.callsOf('saveSettings')[0][0]).toMatchObject({ simulator_command: '/opt/fusion/.venv/bin/fusion-sim' });
    expect(screen.getByTestId('simulator-fusion')).toBeChecked();

    // Back to the embedded engine: the command is cleared (and remembered).
    await userEvent.click(screen.getByTestId('simulator-embedded'));
    expect(screen.getByTestId('settings-simulator')).toHaveValue('');
    await userEvent.click(screen.getByTestId('simulator-fusion'));
    expect(screen.getByTestId('settings-simulator')).toHaveValue('/opt/fusion/.venv/bin/fusion-sim');
  });

  it('says exactly what is wrong with a command', async () => {
    render('/opt/nothing/here');
    backend.answer('checkSimulator', (command) => ({ command: command ?? '', kind: null, ok: false, summary: `${command}: no such file or directory` }));
    expect(await screen.findByTestId('simulator-fusion')).toBeChecked();
    await userEvent.click(screen.getByTestId('simulator-check'));
    const result = await screen.findByTestId('simulator-check-result');
    expect(result).toHaveTextContent('Not usable');
    expect(result).toHaveTextContent('/opt/nothing/here: no such file or directory');
    expect(result).toHaveClass('sim-check-bad');
    expect(backend.callsOf('checkSimulator')).toEqual([['/opt/nothing/here']]);

    backend.failNext('checkSimulator', { code: 'invalid_input', message: 'simulator command has an unclosed quote' });
    await userEvent.click(screen.getByTestId('simulator-check'));
    await waitFor(() => expect(screen.getByTestId('simulator-check-result')).toHaveTextContent('simulator command has an unclosed quote'));
  });

  it('leaves things as they were when the dialog is cancelled', async () => {
    render();
    backend.answer('pickSimulator', () => null);
    await userEvent.click(await screen.findByTestId('simulator-pick'));
    await waitFor(() => expect(backend.callsOf('pickSimulator')).toHaveLength(1));
    expect(screen.getByTestId('settings-simulator')).toHaveValue('');
    expect(screen.getByTestId('simulator-embedded')).toBeChecked();
  });
});
