// The log's lines, read in windows of `windowSize` through `getLines` and
// kept in a bounded LRU cache. Another log (a new `sourceKey`) or a shorter
// one (rewritten) starts over: answers to reads made before are dropped.

import { useEffect, useRef, useState, type RefObject } from 'react';
import { LruCache } from '../../lib/lru';

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

/**
 * Whether this render starts over: another log (a new `sourceKey`), or the
 * log got shorter (rewritten).
 */
export function useRestarted(sourceKey: string | undefined, lineCount: number): boolean {
  const lastCount = useRef(lineCount);
  const lastSource = useRef(sourceKey);
  const restarted = lastSource.current !== sourceKey || lineCount < lastCount.current;
  lastSource.current = sourceKey;
  lastCount.current = lineCount;
  return restarted;
}

export interface LineWindowOptions {
  lineCount: number;
  restarted: boolean;
  /** The rows drawn: `start … end - 1`. */
  start: number;
  end: number;
  getLines: RefObject<(first: number, count: number) => Promise<string[]>>;
  windowSize: number;
  cacheLines: number;
  cacheChars: number;
  maxLineChars: number;
  /** Renders again (a window arrived). */
  bump(): void;
}

export interface LineWindows {
  lineAt(i: number): { text: string; cut?: number } | undefined;
  loadError: string | null;
  /** Reads the windows that failed again. */
  retry(): void;
}

export function useLineWindows({ lineCount, restarted, start, end, getLines, windowSize, cacheLines, cacheChars, maxLineChars, bump }: LineWindowOptions): LineWindows {
  const [loadError, setLoadError] = useState<string | null>(null);
  const cacheRef = useRef<LruCache<number, CachedWindow> | null>(null);
  if (!cacheRef.current) {
    cacheRef.current = new LruCache(Math.max(4, Math.ceil(cacheLines / windowSize)), cacheChars, (w: CachedWindow) => w.chars);
  }
  const cache = cacheRef.current;
  const inflight = useRef(new Set<number>());
  const failed = useRef(new Set<number>());
  const generation = useRef(0);
  if (restarted) {
    generation.current++;
    cache.clear();
    inflight.current.clear();
    failed.current.clear();
  }

  const lineAt = (i: number) => {
    const w = cache.peek(Math.floor(i / windowSize));
    if (!w) return undefined;
    const j = i % windowSize;
    if (j >= w.lines.length) return undefined;
    return { text: w.lines[j], cut: w.cut?.get(j) };
  };

  const retry = () => {
    failed.current.clear();
    setLoadError(null);
  };

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
      getLines.current(w * windowSize, expected).then(
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

  return { lineAt, loadError, retry };
}
