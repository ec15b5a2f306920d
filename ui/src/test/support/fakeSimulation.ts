// Moves a stored run's fake simulation on, as a running simulator would:
// its log grows (open log streams get the new lines) and its progress
// streams get an update with the loads that changed.

import { fakeProgressUpdate, fakeRunData, type FakeRunShape } from '../../api/fakeRun';
import type { MemoryBackend } from '../../api/memory';

export function advanceRun(backend: MemoryBackend, id: string, n = 1, shape: FakeRunShape = {}): void {
  const run = backend.peek(id);
  if (!run) throw new Error(`no run ${id}`);
  const from = backend.runData(id).progress?.finished_iterations ?? 0;
  const loads = shape.loads?.length ?? 3;
  const to = Math.min(loads * (shape.iterations ?? 3), from + n);
  const data = fakeRunData(run, { ...shape, steps: to });
  backend.setRunData(id, data);
  backend.emitProgress(id, { type: 'update', cursor: data.cursor, full: false, progress: fakeProgressUpdate(run, shape, from, to) });
}

/** Finished iterations of a stored run's fake simulation. */
export function stepsOf(backend: MemoryBackend, id: string): number {
  return backend.runData(id).progress?.finished_iterations ?? 0;
}
