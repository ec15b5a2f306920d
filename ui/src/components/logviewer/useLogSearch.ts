// Searching the whole log as the user types (after a short pause): the
// matching lines, the current one (scrolled into view), and stepping between
// them. Only the latest search may answer: an older one arriving late, or
// one about another log, is dropped.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { buildMatcher } from '../../lib/textMatch';
import { formatCount } from '../../lib/units';
import type { LogSearchOptions, LogSearchResult } from './types';

const SEARCH_DELAY_MS = 300;

type Found = { key: string; query: string; opts: LogSearchOptions; res: LogSearchResult };

export interface LogSearchInputs {
  search: RefObject<((query: string, opts: LogSearchOptions) => Promise<LogSearchResult>) | undefined>;
  sourceKey: string | undefined;
  scrollToLine(line: number): void;
  /** The first line in view (a search starts at or below it). */
  renderInfo: RefObject<{ first: number }>;
  wrap: boolean;
  viewportRef: RefObject<HTMLDivElement | null>;
}

export function useLogSearch({ search, sourceKey, scrollToLine, renderInfo, wrap, viewportRef }: LogSearchInputs) {
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [result, setResult] = useState<Found | null>(null);
  const [current, setCurrent] = useState(0);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const searchSeq = useRef(0);
  /** The key of the search still running, if any: asking for it again waits for it. */
  const inflight = useRef<string | null>(null);
  const searchKey = `${regex ? 1 : 0}${caseSensitive ? 1 : 0}:${query}`;

  const runSearch = useCallback(
    (q: string, opts: LogSearchOptions, key: string) => {
      const fn = search.current;
      const seq = ++searchSeq.current;
      inflight.current = null;
      if (!fn || !q) {
        setResult(null);
        setSearching(false);
        setSearchError(null);
        return;
      }
      setSearching(true);
      setSearchError(null);
      inflight.current = key;
      fn(q, opts).then(
        (res) => {
          if (seq !== searchSeq.current) return;
          inflight.current = null;
          setSearching(false);
          setResult({ key, query: q, opts, res });
          // Start at the first match at or below the top of the view.
          const from = renderInfo.current.first;
          const idx = res.lines.findIndex((l) => l >= from);
          const k = idx < 0 ? 0 : idx;
          setCurrent(k);
          if (res.lines.length > 0) scrollToLine(res.lines[k]);
        },
        (e: unknown) => {
          if (seq !== searchSeq.current) return;
          inflight.current = null;
          setSearching(false);
          setResult(null);
          setSearchError(e instanceof Error ? e.message : typeof e === 'string' ? e : 'search failed');
        },
      );
    },
    [search, scrollToLine, renderInfo],
  );

  // Search as the user types, after a short pause.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancelPending = () => {
    if (pending.current) clearTimeout(pending.current);
    pending.current = null;
  };
  useEffect(() => {
    if (result?.key === searchKey) return;
    if (!query) {
      searchSeq.current++;
      inflight.current = null;
      setResult(null);
      setSearching(false);
      setSearchError(null);
      return;
    }
    pending.current = setTimeout(() => {
      pending.current = null;
      // Enter may already have started this very search.
      if (inflight.current === searchKey) return;
      runSearch(query, { regex, caseSensitive }, searchKey);
    }, SEARCH_DELAY_MS);
    return cancelPending;
  }, [searchKey]); // the other values are part of searchKey

  // Results of another log do not apply.
  useEffect(() => {
    searchSeq.current++;
    inflight.current = null;
    setResult(null);
  }, [sourceKey]);

  const matchCount = result?.res.lines.length ?? 0;
  const step = (dir: 1 | -1) => {
    if (!result || result.key !== searchKey) {
      cancelPending();
      // A search of a long log takes a while: the one running answers, and
      // starting it again would only throw its work away.
      if (inflight.current !== searchKey) runSearch(query, { regex, caseSensitive }, searchKey);
      return;
    }
    if (matchCount === 0) return;
    const next = (current + dir + matchCount) % matchCount;
    setCurrent(next);
    scrollToLine(result.res.lines[next]);
  };

  const matcher = useMemo(() => (result ? buildMatcher(result.query, result.opts) : null), [result]);
  const matchSet = useMemo(() => new Set(result?.res.lines ?? []), [result]);
  const currentLine = result && matchCount > 0 ? result.res.lines[Math.min(current, matchCount - 1)] : -1;

  // Bring the current match into view sideways when lines are not wrapped.
  useLayoutEffect(() => {
    if (wrap || currentLine < 0) return;
    const el = viewportRef.current;
    const mark = el?.querySelector<HTMLElement>('.log-row-current mark');
    if (!el || !mark) return;
    const gutter = el.querySelector<HTMLElement>('.log-gutter')?.offsetWidth ?? 0;
    const vr = el.getBoundingClientRect();
    const mr = mark.getBoundingClientRect();
    if (mr.left < vr.left + gutter || mr.right > vr.right) {
      el.scrollLeft = Math.max(0, el.scrollLeft + (mr.left - vr.left) - gutter - 40);
    }
  }, [currentLine, wrap, result]);

  let countText = '';
  if (searching) countText = 'Searching…';
  else if (searchError) countText = 'Search failed';
  else if (result && result.key === searchKey) {
    countText = result.res.total === 0 ? 'No matches' : `${formatCount(Math.min(current, matchCount - 1) + 1)} of ${formatCount(result.res.total)}`;
  }

  return {
    query,
    setQuery,
    regex,
    toggleRegex: () => setRegex((r) => !r),
    caseSensitive,
    toggleCase: () => setCaseSensitive((c) => !c),
    step,
    matcher,
    matchSet,
    currentLine,
    /** Only the first `matchCount` of the matches can be stepped through. */
    truncated: result?.res.truncated ?? false,
    matchCount,
    searchError,
    countText,
  };
}

export type LogSearch = ReturnType<typeof useLogSearch>;
