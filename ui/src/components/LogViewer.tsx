// A virtualised view of a log of any length (millions of lines): only the
// rows in view (plus a few above and below) are in the DOM, lines are read in
// windows through `getLines` and kept in a bounded LRU cache.

import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { LruCache } from '../lib/lru';
import { RowHeights } from '../lib/rowHeights';
import { buildMatcher, splitMatches } from '../lib/textMatch';
import { formatCount } from '../lib/units';
import { Icon } from './Icon';
import './LogViewer.css';

export interface LogSearchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

export interface LogSearchResult {
  /** Number of matching lines in the whole log. */
  total: number;
  /** 0-based numbers of matching lines, ascending (possibly only the first ones). */
  lines: number[];
  /** `lines` holds fewer than `total` entries. */
  truncated: boolean;
}

export interface LogViewerProps {
  /** Number of lines in the log now; may grow while the viewer is open. */
  lineCount: number;
  /** Lines `first` … `first + count - 1` (0-based). */
  getLines(first: number, count: number): Promise<string[]>;
  /** Searches the whole log; without it the search bar is hidden. */
  search?(query: string, opts: LogSearchOptions): Promise<LogSearchResult>;
  /** Copies the whole log (done by the caller, e.g. from the file); shows a "Copy all" button. */
  onCopyAll?(): void | Promise<void>;
  /** Keep the last line in view as the log grows (the initial state; later changes apply too). */
  follow?: boolean;
  onFollowChange?(follow: boolean): void;
  /** Change it when the viewer shows another log: the cache and search are reset. */
  sourceKey?: string;
  /** Wrap long lines at first. */
  defaultWrap?: boolean;
  /** Row height in px without wrapping (default 18). */
  rowHeight?: number;
  /** Lines read per `getLines` call (default 256). */
  windowSize?: number;
  /** Lines kept in the cache at most (default 32 768). */
  cacheLines?: number;
  /** Characters kept in the cache at most (default 8 000 000). */
  cacheChars?: number;
  /** Longer lines are cut here with a marker (default 10 000). */
  maxLineChars?: number;
  /** Rows rendered above and below the view (default 12). */
  overscan?: number;
  /** Shown when the log is empty. */
  emptyText?: string;
  ariaLabel?: string;
  className?: string;
}

/** Tallest scrollable area used; taller logs map their scroll position onto it. */
export const MAX_SCROLL_PX = 15_000_000;
/** Most lines one copy of a selection takes. */
export const MAX_COPY_LINES = 100_000;
const MAX_INFLIGHT = 4;

interface CachedWindow {
  lines: string[];
  /** Full length of lines that were cut, by index in the window. */
  cut: Map<number, number> | null;
  /** How many lines were asked for (the log may have had fewer). */
  requested: number;
  chars: number;
}

function toWindow(raw: string[], requested: number, maxChars: number): CachedWindow {
  let cut: Map<number, number> | null = null;
  let chars = 0;
  const lines = raw.slice(0, requested).map((l, i) => {
    const text = typeof l === 'string' ? l : String(l);
    if (text.length > maxChars) {
      (cut ??= new Map()).set(i, text.length);
      chars += maxChars;
      return text.slice(0, maxChars);
    }
    chars += text.length;
    return text;
  });
  return { lines, cut, requested, chars };
}

function physicalHeight(total: number): number {
  return Math.min(total, MAX_SCROLL_PX);
}

/** Scroll position (px of the scroll area) → position in the full virtual height. */
function toVirtual(scrollTop: number, total: number, vh: number): number {
  const phys = physicalHeight(total);
  if (phys >= total) return scrollTop;
  const maxP = phys - vh;
  return maxP <= 0 ? 0 : (scrollTop * (total - vh)) / maxP;
}

function toPhysical(virtualTop: number, total: number, vh: number): number {
  const phys = physicalHeight(total);
  if (phys >= total) return virtualTop;
  const maxV = total - vh;
  return maxV <= 0 ? 0 : (virtualTop * (phys - vh)) / maxV;
}

type CopyState = 'idle' | 'busy' | 'copied' | 'failed';

export function LogViewer(props: LogViewerProps) {
  const {
    lineCount: rawCount,
    search,
    onCopyAll,
    follow,
    onFollowChange,
    sourceKey,
    defaultWrap = false,
    rowHeight = 18,
    windowSize = 256,
    cacheLines = 32_768,
    cacheChars = 8_000_000,
    maxLineChars = 10_000,
    overscan = 12,
    emptyText = 'No output yet.',
    ariaLabel = 'Log',
    className,
  } = props;
  const lineCount = Math.max(0, Math.floor(rawCount || 0));

  const getLinesRef = useRef(props.getLines);
  const searchRef = useRef(search);
  const followChangeRef = useRef(onFollowChange);
  useLayoutEffect(() => {
    getLinesRef.current = props.getLines;
    searchRef.current = search;
    followChangeRef.current = onFollowChange;
  });

  const rootRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<HTMLDivElement>(null);
  const searchInputRef = useRef<HTMLInputElement>(null);
  const [, setTick] = useState(0);
  const bump = useCallback(() => setTick((t) => (t + 1) % 1_000_000), []);

  const [vh, setVh] = useState(0);
  const [vw, setVw] = useState(0);
  const [wrap, setWrap] = useState(defaultWrap);
  const [following, setFollowingState] = useState(follow ?? false);
  const [pausedAt, setPausedAt] = useState<number | null>(follow ? null : lineCount);
  const pausedByScroll = useRef(false);
  const vTop = useRef(0);
  /** The scroll position last applied or handled; any other value is the user's doing. */
  const lastSeen = useRef(0);
  const [selection, setSelection] = useState<{ anchor: number; focus: number } | null>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const [loadError, setLoadError] = useState<string | null>(null);

  // ---- data --------------------------------------------------------------

  const heightsRef = useRef<RowHeights | null>(null);
  if (!heightsRef.current || heightsRef.current.rowHeight !== rowHeight) heightsRef.current = new RowHeights(rowHeight);
  const heights = heightsRef.current;

  const cacheRef = useRef<LruCache<number, CachedWindow> | null>(null);
  if (!cacheRef.current) {
    cacheRef.current = new LruCache(Math.max(4, Math.ceil(cacheLines / windowSize)), cacheChars, (w: CachedWindow) => w.chars);
  }
  const cache = cacheRef.current;
  const inflight = useRef(new Set<number>());
  const failed = useRef(new Set<number>());
  const generation = useRef(0);
  const lastCount = useRef(lineCount);
  const lastSource = useRef(sourceKey);

  // Another log, or the log got shorter (rewritten): start over.
  if (lastSource.current !== sourceKey || lineCount < lastCount.current) {
    lastSource.current = sourceKey;
    generation.current++;
    cache.clear();
    inflight.current.clear();
    failed.current.clear();
    heights.setCount(0);
    if (!following) vTop.current = 0;
  }
  lastCount.current = lineCount;
  heights.setCount(lineCount);

  const followingRef = useRef(following);
  followingRef.current = following;
  const setFollowing = useCallback((on: boolean, byScroll = false) => {
    pausedByScroll.current = !on && byScroll;
    if (followingRef.current !== on) {
      followingRef.current = on;
      followChangeRef.current?.(on);
    }
    setFollowingState(on);
  }, []);

  useEffect(() => {
    if (follow !== undefined) {
      pausedByScroll.current = false;
      setFollowingState(follow);
    }
  }, [follow]);

  useEffect(() => {
    setPausedAt((p) => (following ? null : (p ?? lastCount.current)));
  }, [following]);

  // ---- geometry ------------------------------------------------------------

  const total = heights.total();
  const maxTop = Math.max(0, total - vh);
  if (following) vTop.current = maxTop;
  vTop.current = Math.min(Math.max(0, vTop.current), maxTop);
  const top = vTop.current;
  const physTop = toPhysical(top, total, vh);

  const first = lineCount ? heights.indexAt(top) : 0;
  let lastVisible = first;
  {
    let y = heights.offsetOf(first);
    while (lastVisible < lineCount && y < top + vh) {
      y += heights.heightOf(lastVisible);
      lastVisible++;
    }
    lastVisible = Math.max(first, lastVisible - 1);
  }
  const start = Math.max(0, first - overscan);
  const end = Math.min(lineCount, lastVisible + 1 + overscan);
  const rowsOffset = physTop + heights.offsetOf(start) - top;
  const renderInfo = useRef({ first, start, end });
  renderInfo.current = { first, start, end };

  // Viewport size.
  useLayoutEffect(() => {
    const el = viewportRef.current;
    if (!el) return;
    const measure = () => {
      setVh(el.clientHeight);
      setVw(el.clientWidth);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  /** New row heights (wrap toggled, width changed), keeping the top line in place. */
  const resetHeights = useCallback(() => {
    const old = heightsRef.current!;
    const anchor = old.indexAt(vTop.current);
    const within = Math.min(vTop.current - old.offsetOf(anchor), rowHeight - 1);
    const fresh = new RowHeights(rowHeight);
    fresh.setCount(old.length);
    heightsRef.current = fresh;
    vTop.current = fresh.offsetOf(anchor) + Math.max(0, within);
    if (rowsRef.current) rowsRef.current.style.minWidth = '';
  }, [rowHeight]);

  const lastWidth = useRef(0);
  useLayoutEffect(() => {
    if (vw === lastWidth.current) return;
    const had = lastWidth.current;
    lastWidth.current = vw;
    if (wrap && had !== 0) {
      resetHeights();
      bump();
    }
  }, [vw, wrap, resetHeights, bump]);

  // After each render: measure wrapped rows, widen the no-wrap area, apply the scroll position.
  useLayoutEffect(() => {
    const rows = rowsRef.current;
    const el = viewportRef.current;
    if (!rows || !el) return;
    const h = heightsRef.current!;
    if (Math.abs(el.scrollTop - lastSeen.current) >= 1) {
      // The user scrolled and the event has not arrived yet: their position wins.
      userScrolled(el.scrollTop);
      return;
    }
    if (wrap) {
      let above = 0;
      let changed = false;
      for (const child of Array.from(rows.children) as HTMLElement[]) {
        const line = Number(child.dataset.line);
        const measured = child.offsetHeight;
        if (!Number.isFinite(line) || measured <= 0) continue;
        const before = h.heightOf(line);
        if (h.set(line, measured)) {
          changed = true;
          if (line < renderInfo.current.first) above += measured - before;
        }
      }
      if (changed) {
        vTop.current += above;
        bump();
        return;
      }
    } else {
      const w = rows.scrollWidth;
      const min = parseFloat(rows.style.minWidth) || 0;
      if (w > min) rows.style.minWidth = `${w}px`;
    }
    const desired = toPhysical(vTop.current, h.total(), el.clientHeight || vh);
    if (Math.abs(el.scrollTop - desired) >= 1) {
      el.scrollTop = desired;
      lastSeen.current = el.scrollTop;
    }
  });

  // Fetch the windows the rows in view need.
  useEffect(() => {
    if (lineCount === 0 || end <= start) return;
    const gen = generation.current;
    for (let w = Math.floor(start / windowSize); w <= Math.floor((end - 1) / windowSize); w++) {
      const expected = Math.min(windowSize, lineCount - w * windowSize);
      const have = cache.get(w);
      if ((have && have.requested >= expected) || inflight.current.has(w) || failed.current.has(w)) continue;
      if (inflight.current.size >= MAX_INFLIGHT) break;
      inflight.current.add(w);
      getLinesRef.current(w * windowSize, expected).then(
        (lines) => {
          if (gen !== generation.current) return;
          inflight.current.delete(w);
          cache.set(w, toWindow(Array.isArray(lines) ? lines : [], expected, maxLineChars));
          bump();
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          inflight.current.delete(w);
          failed.current.add(w);
          setLoadError(e instanceof Error ? e.message : typeof e === 'string' ? e : 'could not read the log');
        },
      );
    }
  });

  const retry = () => {
    failed.current.clear();
    setLoadError(null);
  };

  const lineAt = (i: number): { text: string; cut?: number } | undefined => {
    const w = cache.peek(Math.floor(i / windowSize));
    if (!w) return undefined;
    const j = i % windowSize;
    if (j >= w.lines.length) return undefined;
    return { text: w.lines[j], cut: w.cut?.get(j) };
  };

  // ---- scrolling & follow ------------------------------------------------------

  const onScroll = () => {
    const el = viewportRef.current;
    if (!el || Math.abs(el.scrollTop - lastSeen.current) < 1) return; // our own change, or handled
    userScrolled(el.scrollTop);
  };

  function userScrolled(st: number) {
    const el = viewportRef.current;
    if (!el) return;
    lastSeen.current = st;
    const h = heightsRef.current!;
    const t = h.total();
    const viewH = el.clientHeight || vh;
    vTop.current = toVirtual(st, t, viewH);
    const atBottom = st >= physicalHeight(t) - viewH - 2;
    if (followingRef.current && !atBottom) setFollowing(false, true);
    else if (!followingRef.current && pausedByScroll.current && atBottom) setFollowing(true);
    bump();
  }

  const jumpToBottom = () => {
    setFollowing(true);
    bump();
  };

  const scrollToLine = useCallback(
    (line: number) => {
      const h = heightsRef.current!;
      const lineTop = h.offsetOf(line);
      const lineBottom = lineTop + h.heightOf(line);
      setFollowing(false);
      if (lineTop >= vTop.current && lineBottom <= vTop.current + vh) {
        bump();
        return;
      }
      vTop.current = Math.min(Math.max(0, lineTop - Math.round(vh / 3)), Math.max(0, h.total() - vh));
      bump();
    },
    [vh, bump, setFollowing],
  );

  const toggleWrap = () => {
    resetHeights();
    setWrap((w) => !w);
  };

  // ---- search --------------------------------------------------------------------

  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [result, setResult] = useState<{ key: string; query: string; opts: LogSearchOptions; res: LogSearchResult } | null>(
    null,
  );
  const [current, setCurrent] = useState(0);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const searchSeq = useRef(0);
  const searchKey = `${regex ? 1 : 0}${caseSensitive ? 1 : 0}:${query}`;

  const runSearch = useCallback(
    (q: string, opts: LogSearchOptions, key: string) => {
      const fn = searchRef.current;
      const seq = ++searchSeq.current;
      if (!fn || !q) {
        setResult(null);
        setSearching(false);
        setSearchError(null);
        return;
      }
      setSearching(true);
      setSearchError(null);
      fn(q, opts).then(
        (res) => {
          if (seq !== searchSeq.current) return;
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
          setSearching(false);
          setResult(null);
          setSearchError(e instanceof Error ? e.message : typeof e === 'string' ? e : 'search failed');
        },
      );
    },
    [scrollToLine],
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
      setResult(null);
      setSearching(false);
      setSearchError(null);
      return;
    }
    pending.current = setTimeout(() => {
      pending.current = null;
      runSearch(query, { regex, caseSensitive }, searchKey);
    }, 300);
    return cancelPending;
  }, [searchKey]); // the other values are part of searchKey

  // Results of another log do not apply.
  useEffect(() => {
    searchSeq.current++;
    setResult(null);
    setSelection(null);
  }, [sourceKey]);

  const matchCount = result?.res.lines.length ?? 0;
  const step = (dir: 1 | -1) => {
    if (!result || result.key !== searchKey) {
      cancelPending();
      runSearch(query, { regex, caseSensitive }, searchKey);
      return;
    }
    if (matchCount === 0) return;
    const next = (current + dir + matchCount) % matchCount;
    setCurrent(next);
    scrollToLine(result.res.lines[next]);
  };

  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      step(e.key === 'ArrowUp' || (e.key === 'Enter' && e.shiftKey) ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (query) setQuery('');
      else viewportRef.current?.focus();
    }
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

  // ---- selection & copy ------------------------------------------------------------

  const onGutter = useCallback((line: number, extend: boolean) => {
    setSelection((sel) => {
      if (extend && sel) return { anchor: sel.anchor, focus: line };
      if (sel && sel.anchor === line && sel.focus === line) return null;
      return { anchor: line, focus: line };
    });
  }, []);

  const selFirst = selection ? Math.min(selection.anchor, selection.focus) : -1;
  const selLast = selection ? Math.max(selection.anchor, selection.focus) : -2;
  const selCount = selection ? selLast - selFirst + 1 : 0;

  useEffect(() => {
    if (copyState === 'idle' || copyState === 'busy') return;
    const t = setTimeout(() => setCopyState('idle'), 1500);
    return () => clearTimeout(t);
  }, [copyState]);

  const copy = async () => {
    const clip = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (!clip) {
      setCopyState('failed');
      return;
    }
    const from = selection ? selFirst : first;
    const count = selection ? Math.min(selCount, MAX_COPY_LINES) : Math.max(0, Math.min(lineCount, lastVisible + 1) - first);
    if (count <= 0) return;
    setCopyState('busy');
    try {
      const lines = await getLinesRef.current(from, count);
      await clip.writeText(lines.join('\n'));
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };

  const copyAll = async () => {
    if (!onCopyAll) return;
    try {
      await onCopyAll();
    } catch {
      setCopyState('failed');
    }
  };

  const onRootKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && search) {
      e.preventDefault();
      searchInputRef.current?.focus();
      searchInputRef.current?.select();
    } else if (e.key === 'Escape' && selection && e.target === viewportRef.current) {
      setSelection(null);
    }
  };

  // ---- render ---------------------------------------------------------------------

  const rows = [];
  for (let i = start; i < end; i++) {
    const line = lineAt(i);
    rows.push(
      <LogRow
        key={i}
        index={i}
        text={line?.text}
        cut={line?.cut}
        matcher={matcher}
        match={matchSet.has(i)}
        current={i === currentLine}
        selected={i >= selFirst && i <= selLast}
        onGutter={onGutter}
      />,
    );
  }

  const newLines = !following && pausedAt !== null && lineCount > pausedAt ? lineCount - pausedAt : 0;
  const digits = String(Math.max(1, lineCount)).length;
  const rootStyle = { '--log-row-h': `${rowHeight}px`, '--log-gutter-ch': digits } as CSSProperties;
  const copyLabel =
    copyState === 'copied'
      ? 'Copied'
      : copyState === 'failed'
        ? 'Copy failed'
        : selection
          ? `Copy ${formatCount(selCount)} line${selCount === 1 ? '' : 's'}`
          : 'Copy visible';

  let countText = '';
  if (searching) countText = 'Searching…';
  else if (searchError) countText = 'Search failed';
  else if (result && result.key === searchKey) {
    countText = result.res.total === 0 ? 'No matches' : `${formatCount(Math.min(current, matchCount - 1) + 1)} of ${formatCount(result.res.total)}`;
  }

  return (
    <div
      ref={rootRef}
      className={`log-viewer${wrap ? ' log-wrap' : ''}${className ? ` ${className}` : ''}`}
      style={rootStyle}
      data-testid="log-viewer"
      onKeyDown={onRootKey}
    >
      <div className="log-toolbar">
        {search && (
          <div className="log-search" role="search">
            <Icon name="search" size={14} />
            <input
              ref={searchInputRef}
              type="search"
              className="log-search-input"
              placeholder="Search the log"
              aria-label="Search the log"
              data-testid="log-search-input"
              value={query}
              spellCheck={false}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={onSearchKey}
            />
            <button
              type="button"
              className={`log-opt${regex ? ' active' : ''}`}
              aria-pressed={regex}
              title="Regular expression"
              data-testid="log-search-regex"
              onClick={() => setRegex((r) => !r)}
            >
              .*
            </button>
            <button
              type="button"
              className={`log-opt${caseSensitive ? ' active' : ''}`}
              aria-pressed={caseSensitive}
              title="Match case"
              data-testid="log-search-case"
              onClick={() => setCaseSensitive((c) => !c)}
            >
              Aa
            </button>
            <span
              className={`log-search-count${searchError ? ' text-danger' : ''}`}
              data-testid="log-search-count"
              aria-live="polite"
              title={
                searchError ??
                (result?.res.truncated ? `Only the first ${formatCount(matchCount)} matching lines can be stepped through.` : undefined)
              }
            >
              {countText}
            </span>
            <button
              type="button"
              className="btn btn-ghost btn-xs log-step"
              title="Previous match (Shift+Enter)"
              aria-label="Previous match"
              data-testid="log-search-prev"
              disabled={!query}
              onClick={() => step(-1)}
            >
              <Icon name="chevronUp" size={14} />
            </button>
            <button
              type="button"
              className="btn btn-ghost btn-xs log-step"
              title="Next match (Enter)"
              aria-label="Next match"
              data-testid="log-search-next"
              disabled={!query}
              onClick={() => step(1)}
            >
              <Icon name="chevronDown" size={14} />
            </button>
          </div>
        )}
        <span className="spacer" />
        <span className="log-count muted" data-testid="log-line-count">
          {formatCount(lineCount)} line{lineCount === 1 ? '' : 's'}
        </span>
        <button
          type="button"
          className={`btn btn-xs log-toggle${wrap ? ' active' : ''}`}
          aria-pressed={wrap}
          data-testid="log-wrap"
          title="Wrap long lines"
          onClick={toggleWrap}
        >
          <Icon name="wrap" size={14} />
          Wrap
        </button>
        <button
          type="button"
          className={`btn btn-xs log-toggle${following ? ' active' : ''}`}
          aria-pressed={following}
          data-testid="log-follow"
          title="Keep the last line in view"
          onClick={() => setFollowing(!following)}
        >
          <Icon name="follow" size={14} />
          Follow
        </button>
        <button
          type="button"
          className="btn btn-xs"
          data-testid="log-copy"
          disabled={lineCount === 0 || copyState === 'busy'}
          title={selection ? 'Copy the selected lines' : 'Copy the lines in view (select lines by clicking their numbers)'}
          onClick={copy}
        >
          <Icon name={copyState === 'copied' ? 'check' : 'copy'} size={14} />
          {copyLabel}
        </button>
        {onCopyAll && (
          <button type="button" className="btn btn-xs" data-testid="log-copy-all" disabled={lineCount === 0} onClick={copyAll}>
            Copy all
          </button>
        )}
      </div>
      {loadError && (
        <div className="log-error alert alert-danger">
          <span className="alert-body">Could not read the log: {loadError}</span>
          <button type="button" className="btn btn-xs" onClick={retry}>
            Retry
          </button>
        </div>
      )}
      <div className="log-body">
        <div
          ref={viewportRef}
          className="log-viewport"
          tabIndex={0}
          role="log"
          aria-label={ariaLabel}
          onScroll={onScroll}
          data-testid="log-viewport"
        >
          <div className="log-spacer" style={{ height: physicalHeight(total) }}>
            <div ref={rowsRef} className="log-rows" style={{ top: rowsOffset }}>
              {rows}
            </div>
          </div>
        </div>
        {lineCount === 0 && <div className="log-empty muted">{emptyText}</div>}
        {newLines > 0 && (
          <button type="button" className="log-new-lines" data-testid="log-new-lines" onClick={jumpToBottom}>
            {formatCount(newLines)} new line{newLines === 1 ? '' : 's'} <Icon name="arrowDown" size={13} />
          </button>
        )}
      </div>
    </div>
  );
}

interface LogRowProps {
  index: number;
  text: string | undefined;
  cut: number | undefined;
  matcher: RegExp | null;
  match: boolean;
  current: boolean;
  selected: boolean;
  onGutter(line: number, extend: boolean): void;
}

const LogRow = memo(function LogRow({ index, text, cut, matcher, match, current, selected, onGutter }: LogRowProps) {
  const onDown = (e: MouseEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    onGutter(index, e.shiftKey);
  };
  let cls = 'log-row';
  if (text === undefined) cls += ' log-row-loading';
  if (match) cls += ' log-row-match';
  if (current) cls += ' log-row-current';
  if (selected) cls += ' log-row-selected';
  return (
    <div className={cls} data-line={index} data-testid={`log-line-${index}`}>
      <span className="log-gutter" onMouseDown={onDown} aria-hidden="true">
        {index + 1}
      </span>
      <span className="log-text">
        {text === undefined
          ? '\u00a0'
          : matcher
            ? splitMatches(text, matcher).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))
            : text || '\u00a0'}
        {cut !== undefined && text !== undefined && (
          <span className="log-cut" title={`Line cut: ${formatCount(cut)} characters in all`}>
            {' '}
            … +{formatCount(cut - text.length)} chars
          </span>
        )}
      </span>
    </div>
  );
});
