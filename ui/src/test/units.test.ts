import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../bindings/RunEvent';
import { MemoryBackend } from '../api/memory';
import { formatDuration } from '../lib/format';
import { overridesToRequest, parseOverrides } from '../lib/overrides';
import { parseHash } from '../lib/router';
import { hasDefaultName } from '../lib/runs';

describe('override parsing', () => {
  it('ignores blanks and comments and normalises entries', () => {
    const lines = parseOverrides('# comment\n\n  general_settings.max_iters =  5 \nrouting_settings.k_paths=3\r\n');
    expect(lines.map((l) => l.kind)).toEqual(['ok', 'ok']);
    expect(overridesToRequest(lines)).toEqual(['general_settings.max_iters=5', 'routing_settings.k_paths=3']);
  });

  it('flags what the core refuses, keeping line numbers', () => {
    const lines = parseOverrides('novalue\nnosection=1\n.key=1\nsec.=1\nse c.key=1\nsec.k/ey=1\n[x].k=1\na.b=x=y.z');
    expect(lines.map((l) => (l.kind === 'error' ? l.line : 'ok'))).toEqual([1, 2, 3, 4, 5, 6, 7, 'ok']);
    expect(overridesToRequest(lines)).toEqual(['a.b=x=y.z']);
  });
});

describe('helpers', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(724_000)).toBe('12m 04s');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000 + 10_000)).toBe('3h 05m 10s');
    expect(formatDuration(2 * 86400_000 + 4 * 3600_000)).toBe('2d 4h 00m');
  });

  it('routes hashes', () => {
    expect(parseHash('')).toEqual({ page: 'runs' });
    expect(parseHash('#/runs')).toEqual({ page: 'runs' });
    expect(parseHash('#/new')).toEqual({ page: 'new' });
    expect(parseHash('#/settings')).toEqual({ page: 'settings' });
    expect(parseHash('#/runs/0123456789ab')).toEqual({ page: 'run', id: '0123456789ab' });
    expect(parseHash('#/runs/0123456789ab/logs')).toEqual({ page: 'run', id: '0123456789ab', tab: 'logs' });
    expect(parseHash('#/nope')).toEqual({ page: 'missing', path: '/nope' });
  });

  it('recognises the default run name', () => {
    const base = { template: 'quick' } as const;
    expect(hasDefaultName({ ...base, name: 'quick 2025-06-01 14:30' } as never)).toBe(true);
    expect(hasDefaultName({ ...base, name: 'my sweep' } as never)).toBe(false);
  });
});

describe('MemoryBackend lifecycle', () => {
  afterEach(() => vi.useRealTimers());

  it('runs PENDING → RUNNING → COMPLETED within the concurrency limit, with events', async () => {
    vi.useFakeTimers();
    const b = new MemoryBackend({ settings: { max_concurrent_runs: 1 }, timing: { startMs: 10, runMs: 100, cancelMs: 20 } });
    const events: RunEvent[] = [];
    b.onRunEvent((e) => events.push(e));
    const one = await b.createRun({ template: 'quick', overrides: [] });
    const two = await b.createRun({ template: 'quick', overrides: ['test_sim.exit_code=3'] });
    expect(one.status).toBe('PENDING');
    await vi.advanceTimersByTimeAsync(20);
    expect(b.peek(one.id)?.status).toBe('RUNNING');
    expect(b.peek(two.id)?.status).toBe('PENDING');
    await expect(b.deleteRun(one.id)).rejects.toMatchObject({ code: 'invalid_state' });
    await vi.advanceTimersByTimeAsync(100);
    expect(b.peek(one.id)?.status).toBe('COMPLETED');
    await vi.advanceTimersByTimeAsync(200);
    expect(b.peek(two.id)?.status).toBe('FAILED');
    expect(b.peek(two.id)?.error_message).toContain('exited with code 3');
    const statuses = events.flatMap((e) => (e.type === 'run_updated' && e.run.id === one.id ? [e.run.status] : []));
    expect(statuses).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    b.dispose();
  });

  it('cancels a pending run at once and a running one after the grace period', async () => {
    vi.useFakeTimers();
    const b = new MemoryBackend({ timing: { startMs: 10, runMs: 1000, cancelMs: 50 } });
    const run = await b.createRun({ template: 'quick', overrides: [] });
    await vi.advanceTimersByTimeAsync(10);
    const reply = await b.cancelRun(run.id);
    expect(reply.status).toBe('RUNNING');
    expect(reply.cancel_requested_at).not.toBeNull();
    await vi.advanceTimersByTimeAsync(50);
    expect(b.peek(run.id)?.status).toBe('CANCELLED');
    await expect(b.cancelRun(run.id)).rejects.toMatchObject({ code: 'invalid_state' });

    const queued = new MemoryBackend({ timing: null });
    const p = await queued.createRun({ template: 'quick', overrides: [] });
    expect((await queued.cancelRun(p.id)).status).toBe('CANCELLED');
    b.dispose();
  });
});
