// Live progress of a run: merging stream updates, and the words shown for it.

import { useEffect, useRef, useState } from 'react';
import type { Backend } from '../../api/backend';
import { displayPercent } from '../../components/ProgressBar';
import type { LoadProgress } from '../../bindings/LoadProgress';
import type { ProgressCursor } from '../../bindings/ProgressCursor';
import type { ProgressMessage } from '../../bindings/ProgressMessage';
import type { RunProgress } from '../../bindings/RunProgress';
import type { RunStatus } from '../../bindings/RunStatus';
import { useStream } from '../../lib/useStream';

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

/** The loads started and not ended yet (several at once on the embedded engine). */
export function runningLoads(p: RunProgress): LoadProgress[] {
  return p.loads.filter((l) => !l.complete && l.reason === null);
}

/**
 * What is being simulated: "Load 2 of 3 · 600 Erlang · iteration 4 of 10"
 * for one load, "3 loads running: 400, 800, 1200 Erlang · 2 of 8 done" when
 * loads run in parallel (the header then stays put instead of flipping
 * between them).
 */
export function progressLabel(p: RunProgress | null): string {
  if (!p) return 'Starting…';
  const running = runningLoads(p);
  const of = p.total_erlangs !== null ? ` of ${p.total_erlangs}` : '';
  if (running.length > 1) {
    const shown = running.slice(0, 4).map((l) => formatErlang(l.erlang));
    const more = running.length > 4 ? ` and ${running.length - 4} more` : '';
    return `${running.length} loads running: ${shown.join(', ')}${more} Erlang · ${p.loads_complete}${of} done`;
  }
  const cur = running[0] ?? null;
  const parts: string[] = [];
  const index = cur ? cur.index : p.erlang_index;
  const erlang = cur ? cur.erlang : p.erlang;
  const iteration = cur ? cur.iteration : p.iteration;
  if (index !== null && p.total_erlangs !== null) parts.push(`Load ${index + 1}${of}`);
  if (erlang !== null) parts.push(`${formatErlang(erlang)} Erlang`);
  if (iteration !== null) parts.push(`iteration ${iteration}${p.total_iterations !== null ? ` of ${p.total_iterations}` : ''}`);
  return parts.length ? parts.join(' · ') : 'Starting…';
}

/** "5 of 8 loads, 50 of 80 iterations": how far a run got. */
export function extentText(p: RunProgress): string {
  const parts: string[] = [];
  parts.push(`${p.loads_complete}${p.total_erlangs !== null ? ` of ${p.total_erlangs}` : ''} loads`);
  const total = p.total_erlangs !== null && p.total_iterations !== null ? p.total_erlangs * p.total_iterations : null;
  parts.push(`${p.finished_iterations}${total !== null ? ` of ${total}` : ''} iterations`);
  return parts.join(', ');
}

/**
 * The bar's words once a run is over: "Complete" when every load ended,
 * else "Stopped at 62 % — 5 of 8 loads, 50 of 80 iterations" (a cancelled
 * or failed run is never shown as done).
 */
export function endedLabel(p: RunProgress): string {
  if (p.percent !== null && p.percent >= 100 && p.loads_interrupted === 0) return 'Complete';
  // Rounded as the bar's own figure is, so the words and the number agree.
  const at = p.percent !== null ? ` at ${displayPercent(p.percent)} %` : '';
  return `Stopped${at} — ${extentText(p)}`;
}

/** How one load stands, for its badge. */
export type LoadState = 'done' | 'early' | 'interrupted' | 'running' | 'stopped';

export function loadState(l: LoadProgress, runActive: boolean): LoadState {
  if (l.reason === 'interrupted') return 'interrupted';
  if (l.reason === 'confidence' || (l.reason === null && l.early_stop)) return 'early';
  if (l.reason === 'max_iters' || l.complete) return 'done';
  // Listed but never ended, in a run that is over: it was cut off (an older
  // cache may not say so).
  return runActive ? 'running' : 'interrupted';
}

/**
 * A time-left estimate that counts down between updates and moves gently
 * when a new estimate arrives (parallel loads finish in bursts, which would
 * make the raw estimate jump). `null` while there is none.
 */
export function useSteadyEta(eta: number | null, active: boolean): number | null {
  // `raw` is the estimate last received, `value` what was shown at `at`.
  const ref = useRef<{ raw: number; value: number; at: number } | null>(null);
  const [, tick] = useState(0);
  const now = Date.now();
  const counted = (r: { value: number; at: number }) => Math.max(0, r.value - (now - r.at) / 1000);
  if (!active || eta === null || !Number.isFinite(eta)) {
    ref.current = null;
  } else if (ref.current === null) {
    ref.current = { raw: eta, value: eta, at: now };
  } else if (ref.current.raw !== eta) {
    ref.current = { raw: eta, value: steadier(counted(ref.current), eta), at: now };
  }
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [active]);
  return ref.current === null ? null : counted(ref.current);
}

/** Blends the running countdown with a fresh estimate (a third of the way to it). */
export function steadier(current: number, fresh: number): number {
  return fresh <= 0 ? 0 : current + (fresh - current) / 3;
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

  // Read on opening, and again whenever following stops: a run that ended
  // before its stream delivered anything (a run of a second or two) would
  // otherwise keep the snapshot taken before its first event and show "No
  // progress reported" over a full progress file.
  // Its own effect, not useAsync: each answer is merged into the state as
  // it arrives, judged against the `live` it was asked under, so a run that
  // ends at once shows "loaded" before the next read is even made.
  useEffect(() => {
    let alive = true;
    backend.runProgress(id).then(
      (p) => {
        // While following, a stream update may have arrived first: it is
        // newer. Once following stopped, this read is the final word.
        if (alive && (!live || !streamed.current) && p) setState((s) => ({ ...s, progress: p, history: recordIterations(s.history, p.loads), loaded: true }));
        else if (alive) setState((s) => ({ ...s, loaded: true }));
      },
      () => alive && setState((s) => ({ ...s, loaded: true })),
    );
    return () => {
      alive = false;
    };
  }, [backend, id, live]);

  useStream(
    (ifOpen) =>
      live &&
      backend
        .streamProgress(
          id,
          cursor.current,
          ifOpen((m) => {
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
                ifOpen((p: RunProgress | null) => p && setState((s) => ({ ...s, progress: p }))),
                () => undefined,
              );
            }
          }),
        )
        .then((sid) => () => backend.closeStream(sid)),
    [backend, id, live],
  );

  return state;
}
