import { useEffect, useRef, useState } from 'react';
import type { RunEvent } from '../../bindings/RunEvent';
import { useRunEvents } from '../../lib/hooks';

/**
 * A counter that goes up (at most every 250 ms) when a run event may change
 * what a sweep page shows: `matches` decides which run updates count.
 */
export function useSweepRefresh(matches: (event: RunEvent) => boolean): number {
  const [tick, setTick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useRunEvents((e) => {
    if (!matches(e) || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      setTick((t) => t + 1);
    }, 250);
  });
  return tick;
}
