import { describe, expect, it } from 'vitest';
import type { LogMessage } from '../bindings/LogMessage';
import type { ProgressMessage } from '../bindings/ProgressMessage';
import type { RunEvent } from '../bindings/RunEvent';
import { isDeskError, toDeskError } from '../api/backend';
import { fakeRunData } from '../api/fakeRun';
import { MemoryBackend, makeRun } from '../api/memory';

const ID = '0123456789ab';

describe('the in-memory store', () => {
  it('returns what was put in it and records every call', async () => {
    const run = makeRun({ id: ID, status: 'COMPLETED' });
    const b = new MemoryBackend({ runs: [run], runData: { [ID]: { config: '[a]\nb = 1\n', log: ['one', 'two'] } } });
    expect(await b.getRun(ID)).toEqual(run);
    expect(await b.runConfig(ID)).toBe('[a]\nb = 1\n');
    expect((await b.logLines(ID, 1, 5)).lines).toEqual(['two']);
    expect(b.calls.map((c) => c.method)).toEqual(['getRun', 'runConfig', 'logLines']);
    expect(b.callsOf('logLines')).toEqual([[ID, 1, 5]]);
  });

  it('stores what it is given without checking or changing it', async () => {
    const b = new MemoryBackend();
    const settings = { simulator_command: ' "unclosed ', max_concurrent_runs: 100_000, cancel_grace_seconds: -1, notify_when_finished: false };
    expect((await b.saveSettings(settings)).settings).toEqual(settings);
    const profile = { name: 'local', partition: 'not a partition!', account: '', time_limit: 'soon', cpus_per_run: 0, memory_per_run: '', extra_sbatch_options: [], data_folder: 'relative', simulator_command: '', connection: { kind: 'local' as const } };
    expect(await b.saveCluster(profile)).toEqual([profile]);
    const created = await b.createRun({ template: 'quick', overrides: ['not an override'], config_text: '[x]\n' });
    expect(created.overrides).toEqual(['not an override']);
    expect(await b.runConfig(created.id)).toBe('[x]\n');
    expect((await b.setRunTags(created.id, [' Mixed Case '])).tags).toEqual([' Mixed Case ']);
  });

  it('answers with what a test states, once or from then on', async () => {
    const b = new MemoryBackend();
    b.answer('checkSimulator', (command) => ({ command: command ?? '', kind: null, ok: false, summary: `${command}: no such file` }));
    b.answerNext('checkSimulator', () => ({ command: 'x', kind: 'embedded', ok: true, summary: 'once' }));
    expect((await b.checkSimulator('a')).summary).toBe('once');
    expect((await b.checkSimulator('/bin/sim')).summary).toBe('/bin/sim: no such file');
    expect((await b.checkSimulator('/bin/other')).summary).toBe('/bin/other: no such file');
  });

  it('rejects the next call of a method with the injected DeskError, then answers again', async () => {
    const b = new MemoryBackend({ runs: [makeRun({ id: ID })] });
    b.failNext('getRun', { code: 'invalid_state', message: 'busy' });
    const error = await b.getRun(ID).catch((e: unknown) => e);
    expect(isDeskError(error)).toBe(true);
    expect(error).toEqual({ code: 'invalid_state', message: 'busy' });
    expect((await b.getRun(ID)).id).toBe(ID);
  });

  it('says not_found for what it does not hold', async () => {
    const b = new MemoryBackend();
    await expect(b.getRun(ID)).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.templateText('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('announces stored changes as events', async () => {
    const b = new MemoryBackend({ runs: [makeRun({ id: ID, status: 'RUNNING' })] });
    const events: RunEvent[] = [];
    b.onRunEvent((e) => events.push(e));
    b.update(ID, { status: 'COMPLETED' });
    await b.deleteRun(ID);
    await Promise.resolve();
    expect(events.map((e) => (e.type === 'run_updated' ? `${e.type}:${e.run.status}` : e.type))).toEqual(['run_updated:COMPLETED', 'run_deleted']);
  });

  it('streams the stored log from an offset, then what is added, then the end', async () => {
    const run = makeRun({ id: ID, status: 'RUNNING' });
    const b = new MemoryBackend({ runs: [run], runData: { [ID]: { log: ['ab', 'cd'] } } });
    const got: LogMessage[] = [];
    await b.streamLog(ID, 3, (m) => got.push(m));
    await Promise.resolve();
    b.setRunData(ID, { log: ['ab', 'cd', 'ef'] });
    b.update(ID, { status: 'COMPLETED' });
    await Promise.resolve();
    expect(got).toEqual([
      { type: 'lines', first_line: 1, offset_start: 3, offset_end: 6, lines: ['cd'] },
      { type: 'lines', first_line: 2, offset_start: 6, offset_end: 9, lines: ['ef'] },
      { type: 'end', status: 'COMPLETED' },
    ]);
    expect(b.openStreams()).toEqual([]);
  });

  it('streams the stored progress in full from the start, and what a test pushes', async () => {
    const run = makeRun({ id: ID, status: 'RUNNING' });
    const data = fakeRunData(run);
    const b = new MemoryBackend({ runs: [run], runData: { [ID]: data } });
    const got: ProgressMessage[] = [];
    const stream = await b.streamProgress(ID, null, (m) => got.push(m));
    await Promise.resolve();
    b.emitProgress(ID, { type: 'end', status: 'CANCELLED' });
    await b.closeStream(stream);
    expect(got).toEqual([
      { type: 'update', cursor: data.cursor, full: true, progress: data.progress },
      { type: 'end', status: 'CANCELLED' },
    ]);
    expect(b.openStreams('progress')).toEqual([]);
  });
});

describe('errors from the backend', () => {
  it('keeps a DeskError and wraps anything else as internal', () => {
    expect(toDeskError({ code: 'forbidden_path', message: 'x' })).toEqual({ code: 'forbidden_path', message: 'x' });
    expect(toDeskError({ code: 'no_such_code', message: 'x' })).toEqual({ code: 'internal', message: 'unexpected error' });
    expect(toDeskError(new Error('ipc down'))).toEqual({ code: 'internal', message: 'ipc down' });
    expect(toDeskError('text')).toEqual({ code: 'internal', message: 'text' });
  });
});
