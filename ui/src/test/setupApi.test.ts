import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

const { memoryValidate, memoryTemplateText, MEMORY_NETWORKS } = await import('../api/setup');
const { MemoryBackend } = await import('../api/memory');
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

describe('MemoryBackend: templates', () => {
  it('keeps user templates after the built-ins and enforces names', async () => {
    const m = new MemoryBackend({ timing: null });
    await m.saveTemplate('b sweep', '# B\n[a]\n', false);
    await m.saveTemplate('a sweep', '# A\n[a]\n', false);
    const list = await m.listTemplates();
    expect(list.filter((t) => !t.builtin)).toEqual([
      { name: 'a sweep', description: 'A', builtin: false },
      { name: 'b sweep', description: 'B', builtin: false },
    ]);
    expect(list[0].builtin).toBe(true);
    await expect(m.saveTemplate('a sweep', '', false)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(m.saveTemplate('../up', '', false)).rejects.toMatchObject({ code: 'forbidden_path' });
    await expect(m.saveTemplate('-x', '', false)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(m.deleteTemplate('quick')).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('validates like the core for the form keys', () => {
    const ok = memoryValidate(memoryTemplateText('quick'));
    expect(ok.valid).toBe(true);
    expect(ok.summary?.text).toBe('3 loads × 3 iterations × 1000 requests');
    const bad = memoryValidate(memoryTemplateText('quick').replace('guard_slots = 1', 'guard_slots = 2'));
    expect(bad.errors).toEqual([{ path: 'general_settings.guard_slots', line: expect.any(Number), message: 'guard_slots must be 0 or 1, not 2' }]);
  });

  it('knows the nine networks', () => {
    expect(MEMORY_NETWORKS.map((n) => n.name)).toEqual([
      'NSFNet',
      'USNet',
      'Pan-European',
      'USbackbone60',
      'Spainbackbone30',
      'geant',
      'toy_network',
      'metro_net',
      'dt_network',
    ]);
  });
});
