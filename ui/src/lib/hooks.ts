import { useEffect, useRef, useState } from 'react';
import type { RunEvent } from '../bindings/RunEvent';
import { useBackend } from '../api/backend';

/** Subscribes to `run-event` for the component's lifetime; the handler may change freely. */
export function useRunEvents(handler: (event: RunEvent) => void): void {
  const backend = useBackend();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => backend.onRunEvent((e) => ref.current(e)), [backend]);
}

/** The current time, refreshed every `intervalMs` while `enabled` (a display clock, not polling). */
export function useNow(enabled: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [enabled, intervalMs]);
  return now;
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * `key` as it was when last `shown` (null before the first time): a hidden
 * tab keeps asking its last question, so it neither reloads on every new key
 * while out of sight nor again when shown with an unchanged one.
 */
export function useShownKey<K>(shown: boolean, key: K): K | null {
  const [last, setLast] = useState<K | null>(shown ? key : null);
  if (shown && !Object.is(last, key)) {
    setLast(key);
    return key;
  }
  return last;
}
