// Live progress of a run: merging stream updates, and the words shown for it.

import { useEffect, useRef, useState } from 'react';
import type { Backend } from '../../api/backend';
import type { LoadProgress } from '../../bindings/LoadProgress';
import type { ProgressCursor } from '../../bindings/ProgressCursor';
import type { ProgressMessage } from '../../bindings/ProgressMessage';
import type { RunProgress } from '../../bindings/RunProgress';
import type { RunStatus } from '../../bindings/RunStatus';

type Update = Extract<ProgressMessage, { type: 'update' }>;

function sortLoads(loads: LoadProgress[]): LoadProgress[] {
  return loads.sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity) || a.erlang - b.erlang);
}

/**
 * Applies one stream update: a full update replaces what is known; a partial
 * one carries the scalar fields and only the loads that changed (merged by Erlang).
 */
export function mergeProgress(current: RunProgress | null, update: Pick<Update, 'full' | 'progress'>): RunProgress {
  if (update.full || !current) return { ...update.progress, loads: sortLoads([...update.progress.loads]) };
  const byErlang = new Map(current.loads.map((l) => [l.erlang, l]));
  for (const l of update.progress.loads) byErlang.set(l.erlang, l);
  return { ...update.progress, loads: sortLoads([...byErlang.values()]) };
}

/** Blocking probability per iteration, by load: what the iterations chart draws. */
export type IterationHistory = ReadonlyMap<number, readonly (number | null)[]>;

/** Records each load's latest iteration in the history (a new map when something changed). */
export function recordIterations(history: IterationHistory, loads: readonly LoadProgress[]): IterationHistory {
  let next: Map<number, (number | null)[]> | null = null;
  for (const l of loads) {
    if (l.latest_blocking === null || l.iteration < 1) continue;
    const old = history.get(l.erlang) ?? [];
    if (old[l.iteration - 1] === l.latest_blocking) continue;
    next ??= new Map(history as Map<number, (number | null)[]>);
    const values = [...old];
    while (values.length < l.iteration - 1) values.push(null);
    values[l.iteration - 1] = l.latest_blocking;
    next.set(l.erlang, values);
  }
  return next ?? history;
}

/** "Load 2 of 3 · 600 Erlang · iteration 4 of 10". */
export function progressLabel(p: RunProgress | null): string {
  if (!p) return 'Starting…';
  const parts: string[] = [];
  if (p.erlang_index !== null && p.total_erlangs !== null) parts.push(`Load ${p.erlang_index + 1} of ${p.total_erlangs}`);
  if (p.erlang !== null) parts.push(`${formatErlang(p.erlang)} Erlang`);
  if (p.iteration !== null) parts.push(`iteration ${p.iteration}${p.total_iterations !== null ? ` of ${p.total_iterations}` : ''}`);
  return parts.length ? parts.join(' · ') : 'Starting…';
}

export function formatErlang(e: number): string {
  return Number.isInteger(e) ? String(e) : String(Number(e.toFixed(3)));
}

/** The bar's colour for a run's status. */
export function progressTone(status: RunStatus): 'running' | 'completed' | 'failed' | 'cancelled' {
  switch (status) {
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
      return 'failed';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'running';
  }
}

export interface LiveProgress {
  progress: RunProgress | null;
  /** Iterations seen while following (latest blocking per iteration). */
  history: IterationHistory;
  /** Set when the stream reported the run's end. */
  ended: RunStatus | null;
  loaded: boolean;
}

/**
 * A run's progress: read once, then followed while `live` (the stream is
 * closed when `live` turns false or the component goes, and reopened from the
 * last cursor when `live` turns true again).
 */
export function useLiveProgress(backend: Backend, id: string, live: boolean): LiveProgress {
  const [state, setState] = useState<LiveProgress>({ progress: null, history: new Map(), ended: null, loaded: false });
  const cursor = useRef<ProgressCursor | null>(null);
  const streamed = useRef(false);

  useEffect(() => {
    let alive = true;
    backend.runProgress(id).then(
      (p) => {
        // A stream update may have arrived first: it is newer.
        if (alive && !streamed.current) setState((s) => ({ ...s, progress: p, history: p ? recordIterations(s.history, p.loads) : s.history, loaded: true }));
        else if (alive) setState((s) => ({ ...s, loaded: true }));
      },
      () => alive && setState((s) => ({ ...s, loaded: true })),
    );
    return () => {
      alive = false;
    };
  }, [backend, id]);

  useEffect(() => {
    if (!live) return;
    let closed = false;
    let stream: number | null = null;
    backend
      .streamProgress(id, cursor.current, (m) => {
        if (closed) return;
        if (m.type === 'update') {
          cursor.current = m.cursor;
          streamed.current = true;
          setState((s) => {
            const progress = mergeProgress(s.progress, m);
            return { ...s, progress, history: recordIterations(s.history, m.progress.loads), loaded: true };
          });
        } else {
          setState((s) => ({ ...s, ended: m.status }));
          // The final word: what the core keeps once the run is over.
          backend.runProgress(id).then(
            (p) => !closed && p && setState((s) => ({ ...s, progress: p })),
            () => undefined,
          );
        }
      })
      .then(
        (sid) => {
          if (closed) void backend.closeStream(sid).catch(() => undefined);
          else stream = sid;
        },
        () => undefined,
      );
    return () => {
      closed = true;
      if (stream !== null) void backend.closeStream(stream).catch(() => undefined);
    };
  }, [backend, id, live]);

  return state;
}
