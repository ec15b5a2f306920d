// A backend stream (a log or progress channel) held open for as long as a
// component shows it. Opening is asynchronous, so the component may go (or
// its dependencies change) before the stream's id is known: the stream is
// then closed as soon as it is, and nothing it sends is delivered any more.

import { useEffect, useRef, type DependencyList } from 'react';
import type { DeskError } from '../bindings/DeskError';
import { toDeskError } from '../api/backend';

/** Wraps a handler so that it does nothing once the stream is closed. */
export type IfOpen = <A extends unknown[]>(handler: (...args: A) => void) => (...args: A) => void;

/** Ends the stream; its failure is of no interest (the stream is gone either way). */
export type CloseStream = () => unknown;

/**
 * Opens the stream: `open` passes its handlers through `ifOpen` and resolves to
 * the way to close it, or returns null (or false) to open nothing.
 */
export type OpenStream = (ifOpen: IfOpen) => PromiseLike<CloseStream> | null | undefined | false;

function closeQuietly(close: CloseStream): void {
  void Promise.resolve()
    .then(close)
    .catch(() => undefined);
}

/**
 * Opens a stream after mounting and whenever `deps` change, and closes it when
 * they change again or the component unmounts. `onError` hears why opening
 * failed, unless the stream was no longer wanted by then.
 */
export function useStream(open: OpenStream, deps: DependencyList, onError?: (error: DeskError) => void): void {
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });

  useEffect(() => {
    let closed = false;
    let close: CloseStream | null = null;
    const ifOpen: IfOpen =
      (handler) =>
      (...args) => {
        if (!closed) handler(...args);
      };
    const opening = open(ifOpen);
    if (opening) {
      Promise.resolve(opening).then(
        (c) => {
          if (closed) closeQuietly(c);
          else close = c;
        },
        (e: unknown) => {
          if (!closed) onErrorRef.current?.(toDeskError(e));
        },
      );
    }
    return () => {
      closed = true;
      if (close) closeQuietly(close);
    };
    // `deps` are the caller's: they decide when the stream is opened anew.
  }, deps);
}
