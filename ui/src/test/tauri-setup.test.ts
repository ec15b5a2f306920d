import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { TauriBackend } = await import('../api/tauri');

describe('TauriBackend: templates, configs, networks and the simulator', () => {
  beforeEach(() => {
    invoke.mockReset();
    invoke.mockResolvedValue(null);
  });

  it('calls every command by its exact name and argument keys', async () => {
    const b = new TauriBackend();
    await b.listTemplates();
    await b.templateText('quick');
    await b.saveTemplate('mine', '[a]\nb = 1\n', false);
    await b.saveTemplate('mine', '[a]\nb = 2\n', true);
    await b.renameTemplate('mine', 'yours');
    await b.deleteTemplate('yours');
    await b.validateConfig('[a]\n');
    await b.configSchema();
    await b.importConfig();
    await b.exportConfig('[a]\n', 'sweep.ini');
    await b.networks();
    await b.network('USNet');
    await b.checkSimulator(null);
    await b.checkSimulator('python3 -m fusion');
    await b.pickSimulator();
    expect(invoke.mock.calls).toEqual([
      ['templates_list', {}],
      ['templates_text', { name: 'quick' }],
      ['templates_save', { name: 'mine', text: '[a]\nb = 1\n', overwrite: false }],
      ['templates_save', { name: 'mine', text: '[a]\nb = 2\n', overwrite: true }],
      ['templates_rename', { from: 'mine', to: 'yours' }],
      ['templates_delete', { name: 'yours' }],
      ['configs_validate', { text: '[a]\n' }],
      ['configs_schema', {}],
      ['configs_import', {}],
      ['configs_export', { text: '[a]\n', fileName: 'sweep.ini' }],
      ['topology_networks', {}],
      ['topology_network', { name: 'USNet' }],
      ['settings_check_simulator', { command: null }],
      ['settings_check_simulator', { command: 'python3 -m fusion' }],
      ['settings_pick_simulator', {}],
    ]);
  });

  it('returns what the command returns and rejects with DeskErrors', async () => {
    const b = new TauriBackend();
    invoke.mockResolvedValueOnce({ path: '/x.ini', text: '[a]\n' });
    await expect(b.importConfig()).resolves.toEqual({ path: '/x.ini', text: '[a]\n' });
    invoke.mockRejectedValueOnce({ code: 'invalid_input', message: 'a template named "x" already exists' });
    await expect(b.saveTemplate('x', '', false)).rejects.toEqual({ code: 'invalid_input', message: 'a template named "x" already exists' });
    invoke.mockRejectedValueOnce(new Error('ipc down'));
    await expect(b.networks()).rejects.toEqual({ code: 'internal', message: 'ipc down' });
  });
});
