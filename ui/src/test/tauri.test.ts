import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const unlisten = vi.fn();
const listen = vi.fn();

vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...args: unknown[]) => listen(...args) }));

const { TauriBackend } = await import('../api/tauri');

describe('TauriBackend', () => {
  beforeEach(() => {
    invoke.mockReset();
    listen.mockReset();
    unlisten.mockReset();
    invoke.mockResolvedValue(null);
    listen.mockResolvedValue(unlisten);
  });

  it('calls every command by its exact name and argument keys', async () => {
    const b = new TauriBackend();
    const request = { template: 'quick', name: 'n', overrides: ['a.b=1'] };
    const query = { status: 'RUNNING' as const, search: 'x', offset: 50, limit: 50 };
    const settings = { simulator_command: '', max_concurrent_runs: 2, cancel_grace_seconds: 10, notify_when_finished: true };

    await b.createRun(request);
    await b.listRuns(query);
    await b.getRun('0123456789ab');
    await b.runConfig('0123456789ab');
    await b.cancelRun('0123456789ab');
    await b.deleteRun('0123456789ab');
    await b.listTemplates();
    await b.getSettings();
    await b.saveSettings(settings);
    await b.quit('leave');
    await b.quit('cancel');

    expect(invoke.mock.calls).toEqual([
      ['runs_create', { request }],
      ['runs_list', { query }],
      ['runs_get', { id: '0123456789ab' }],
      ['runs_config', { id: '0123456789ab' }],
      ['runs_cancel', { id: '0123456789ab' }],
      ['runs_delete', { id: '0123456789ab' }],
      ['templates_list', {}],
      ['settings_get', {}],
      ['settings_save', { settings }],
      ['app_quit', { mode: 'leave' }],
      ['app_quit', { mode: 'cancel' }],
    ]);
  });

  it('returns what the command returns', async () => {
    invoke.mockResolvedValueOnce('[general_settings]\n');
    await expect(new TauriBackend().runConfig('0123456789ab')).resolves.toBe('[general_settings]\n');
  });

  it('rejects with the DeskError the command rejected with', async () => {
    invoke.mockRejectedValueOnce({ code: 'invalid_state', message: 'run 0123456789ab is RUNNING; cancel it before deleting it' });
    await expect(new TauriBackend().deleteRun('0123456789ab')).rejects.toEqual({
      code: 'invalid_state',
      message: 'run 0123456789ab is RUNNING; cancel it before deleting it',
    });
  });

  it('wraps other failures as internal DeskErrors', async () => {
    invoke.mockRejectedValueOnce('IPC channel closed');
    await expect(new TauriBackend().getRun('0123456789ab')).rejects.toEqual({ code: 'internal', message: 'IPC channel closed' });
  });

  it('listens to run-event and quit-requested and unlistens', async () => {
    const b = new TauriBackend();
    const events: unknown[] = [];
    const quits: unknown[] = [];
    const stopRuns = b.onRunEvent((e) => events.push(e));
    const stopQuit = b.onQuitRequested((q) => quits.push(q));
    expect(listen.mock.calls.map((c) => c[0])).toEqual(['run-event', 'quit-requested']);

    const runHandler = listen.mock.calls[0][1] as (e: { payload: unknown }) => void;
    const quitHandler = listen.mock.calls[1][1] as (e: { payload: unknown }) => void;
    runHandler({ payload: { type: 'runs_changed' } });
    quitHandler({ payload: { active: 2 } });
    expect(events).toEqual([{ type: 'runs_changed' }]);
    expect(quits).toEqual([{ active: 2 }]);

    await Promise.resolve();
    await Promise.resolve();
    stopRuns();
    stopQuit();
    expect(unlisten).toHaveBeenCalledTimes(2);
    runHandler({ payload: { type: 'runs_changed' } });
    expect(events).toHaveLength(1);
  });

  it('unlistens even when unsubscribed before listen resolved', async () => {
    const stop = new TauriBackend().onRunEvent(() => undefined);
    stop();
    await Promise.resolve();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});
