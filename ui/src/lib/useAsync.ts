// One promise-returning call per set of dependencies, its answer kept as
// state. Only the latest call may write: an answer that arrives after the
// dependencies changed (or the component went) is dropped, so a slow early
// request can never overwrite a newer one.

import { useCallback, useEffect, useState, type DependencyList } from 'react';
import type { DeskError } from '../bindings/DeskError';
import { toDeskError } from '../api/backend';

export interface Async<T> {
  /**
   * The latest call's result; undefined before the first one succeeds. A
   * newer call keeps it on show until its own answer arrives, and a failed
   * call keeps it too (the error says what went wrong).
   */
  value: T | undefined;
  /** Why the latest call failed; null once a call succeeds. */
  error: DeskError | null;
  /** A call is under way whose answer is not in yet. */
  loading: boolean;
  /** Calls again with the same dependencies (the value stays until the answer). */
  reload(): void;
}

interface Settled<T> {
  value: T | undefined;
  error: DeskError | null;
  loading: boolean;
}

const IDLE: Settled<never> = { value: undefined, error: null, loading: false };

function sameDeps(a: DependencyList, b: DependencyList): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * Calls `fn` after mounting and whenever `deps` change (as `useEffect`
 * would); `fn` may return null (or false) to make no call, which clears the
 * state. `fn` itself may change on every render: only `deps` decide.
 */
export function useAsync<T>(fn: () => PromiseLike<T> | null | undefined | false, deps: DependencyList): Async<T> {
  // Loading from the start: the first call is made right after mounting.
  const [state, setState] = useState<Settled<T>>({ ...IDLE, loading: true });
  const [round, setRound] = useState(0);
  const [seen, setSeen] = useState<readonly unknown[]>(() => [...deps, round]);

  // New dependencies mean a call is coming: say so in this very render, so
  // no frame shows the old value as if it answered the new question.
  const key = [...deps, round];
  if (!sameDeps(seen, key)) {
    setSeen(key);
    if (!state.loading) setState((s) => ({ ...s, loading: true }));
  }

  useEffect(() => {
    const call = fn();
    if (!call) {
      setState(IDLE);
      return;
    }
    let current = true;
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    Promise.resolve(call).then(
      (value) => {
        if (current) setState({ value, error: null, loading: false });
      },
      (e: unknown) => {
        if (current) setState((s) => ({ value: s.value, error: toDeskError(e), loading: false }));
      },
    );
    return () => {
      current = false;
    };
    // `deps` are the caller's; `round` is bumped by reload().
  }, [...deps, round]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/**
 * Hands each new non-null `value` to `apply` once, during the render it
 * first appears in: state that `apply` sets shows in that same frame, with
 * no effect and no extra paint in between. For an answer that seeds state
 * the user then edits (a form loaded once, a list later replaced by saves).
 */
export function useOnChange<T>(value: T | null | undefined, apply: (value: T) => void): void {
  const [seen, setSeen] = useState(value);
  if (value !== null && value !== undefined && value !== seen) {
    setSeen(value);
    apply(value);
  }
}
