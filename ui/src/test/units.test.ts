import { describe, expect, it } from 'vitest';
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
