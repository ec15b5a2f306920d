// The run list's data for a virtualised table: the history is fetched in
// pages of PAGE runs by offset, only those covering the rows on screen, and
// kept until the filter changes. A refresh re-fetches the pages in view.

import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { DeskError } from '../../bindings/DeskError';
import type { ListQuery } from '../../bindings/ListQuery';
import type { Run } from '../../bindings/Run';
import { toDeskError, type Backend } from '../../api/backend';
import { markStartup } from '../../lib/startup';

export const PAGE = 100;

export type RunWindow = {
  total: number | null;
  error: DeskError | null;
  /** The run at a list index, or null while its page loads. */
  rowAt: (index: number) => Run | null;
  /** Loads the pages covering rows `start … end - 1` if not loaded. */
  ensure: (start: number, end: number) => void;
  /** Re-fetches the pages covering `start … end - 1`, drops the others. */
  refresh: (start: number, end: number) => void;
  replaceRun: (run: Run) => boolean;
  /** Ids of the loaded runs in list order. */
  loadedIds: () => string[];
};

export function useRunWindow(backend: Backend, query: Omit<ListQuery, 'offset' | 'limit'>): RunWindow {
  const key = JSON.stringify(query);
  const [pages, setPages] = useState<Record<number, Run[]>>({});
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const generation = useRef(0);
  /** The pages shown belong to the previous query until this one's first page arrives. */
  const stale = useRef(false);
  const inflight = useRef(new Set<number>());
  const pagesRef = useRef(pages);
  pagesRef.current = pages;

  const fetchPage = useCallback(
    (page: number, replace: boolean) => {
      if (inflight.current.has(page) && !replace) return;
      inflight.current.add(page);
      const gen = generation.current;
      markStartup('list-requested');
      backend.listRuns({ ...(JSON.parse(key) as ListQuery), offset: page * PAGE, limit: PAGE }).then(
        (p) => {
          if (gen !== generation.current) return;
          markStartup('list-received');
          inflight.current.delete(page);
          setTotal(p.total);
          setError(null);
          if (stale.current) {
            stale.current = false;
            setPages({ [page]: p.runs });
          } else {
            setPages((old) => ({ ...old, [page]: p.runs }));
          }
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          inflight.current.delete(page);
          setError(toDeskError(e));
        },
      );
    },
    [backend, key],
  );

  // A new query keeps the old rows on screen until its first page arrives:
  // swapping them in one render is cheaper to lay out than an empty list in
  // between, and nothing flickers. The request goes out in a layout effect,
  // before the browser paints the frame that shows the new filter (or the
  // app's first frame), so the call and that paint overlap instead of queueing.
  useLayoutEffect(() => {
    generation.current += 1;
    inflight.current = new Set();
    stale.current = true;
    fetchPage(0, false);
  }, [fetchPage]);

  const ensure = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(start / PAGE); p <= Math.floor(Math.max(start, end - 1) / PAGE); p++) {
        if (!pagesRef.current[p]) fetchPage(p, false);
      }
    },
    [fetchPage],
  );

  const refresh = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(start / PAGE);
      const last = Math.floor(Math.max(start, end - 1) / PAGE);
      // Pages out of view are dropped (fetched again when scrolled to);
      // the pages in view stay on screen until their fresh copy arrives.
      setPages((old) => Object.fromEntries(Object.entries(old).filter(([p]) => Number(p) >= first && Number(p) <= last)));
      for (let p = first; p <= last; p++) fetchPage(p, true);
    },
    [fetchPage],
  );

  const rowAt = useCallback((i: number) => pages[Math.floor(i / PAGE)]?.[i % PAGE] ?? null, [pages]);

  const replaceRun = useCallback((run: Run) => {
    let found = false;
    for (const [p, runs] of Object.entries(pagesRef.current)) {
      const at = runs.findIndex((r) => r.id === run.id);
      if (at >= 0) {
        found = true;
        setPages((old) => ({ ...old, [p]: old[Number(p)]?.map((r) => (r.id === run.id ? run : r)) ?? [] }));
      }
    }
    return found;
  }, []);

  const loadedIds = useCallback(
    () =>
      Object.keys(pages)
        .map(Number)
        .sort((a, b) => a - b)
        .flatMap((p) => pages[p].map((r) => r.id)),
    [pages],
  );

  return { total, error, rowAt, ensure, refresh, replaceRun, loadedIds };
}
