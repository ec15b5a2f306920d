// Sweeps as the core would report them, for tests to store: one run per
// combination of values (the last axis fastest), counts from the runs' states.

import type { Run } from '../../bindings/Run';
import type { SweepDetail } from '../../bindings/SweepDetail';
import { makeRun } from '../../api/memory';

export function fakeSweep(id: string, name: string, axes: [string, string[]][], template = 'quick'): SweepDetail {
  let points: string[][] = [[]];
  for (const [key, values] of axes) points = points.flatMap((p) => values.map((v) => [...p, `${key}=${v}`]));
  const runs = points.map((overrides, i) =>
    makeRun({
      id: `${id.slice(0, 9)}${i.toString(16).padStart(3, '0')}`,
      name: `${name} · ${overrides.map((o) => o.slice(o.indexOf('.') + 1)).join(', ')}`,
      template,
      overrides,
      sweep_id: id,
    }),
  );
  const sweep = {
    id,
    name,
    template,
    overrides: [],
    axes: axes.map(([key, values]) => ({ section: key.slice(0, key.indexOf('.')), key: key.slice(key.indexOf('.') + 1), values })),
    created_at: '2026-01-01T10:00:00.000+00:00',
    counts: { total: 0, pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 },
  };
  return withRuns({ sweep, runs }, runs);
}

/** The sweep with these runs in it, counted by state. */
export function withRuns(detail: SweepDetail, runs: Run[]): SweepDetail {
  const n = (status: Run['status']) => runs.filter((r) => r.status === status).length;
  return {
    sweep: {
      ...detail.sweep,
      counts: { total: runs.length, pending: n('PENDING'), running: n('RUNNING'), completed: n('COMPLETED'), failed: n('FAILED'), cancelled: n('CANCELLED') },
    },
    runs,
  };
}
