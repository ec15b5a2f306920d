// Which rows are drawn and where: the viewport's size, every row's height
// (measured when lines wrap), the top of the view in the log's full virtual
// height, and the scroll position that maps it onto the scroll area.

import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { RowHeights } from '../../lib/rowHeights';
import { physicalHeight, toPhysical, toVirtual } from './geometry';
import type { Follow } from './useFollow';

/** The viewport's size, measured again whenever it changes. */
function useViewportSize(viewportRef: RefObject<HTMLDivElement | null>) {
  const [vh, setVh] = useState(0);
  const [vw, setVw] = useState(0);
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
  return { vh, vw };
}

interface AfterRender {
  rowsRef: RefObject<HTMLDivElement | null>;
  viewportRef: RefObject<HTMLDivElement | null>;
  heightsRef: RefObject<RowHeights | null>;
  vTop: RefObject<number>;
  lastSeen: RefObject<number>;
  /** The first line in view of the render just made. */
  firstDrawn: RefObject<{ first: number }>;
  wrap: boolean;
  vh: number;
  userScrolled(scrollTop: number): void;
  bump(): void;
}

/**
 * After each render: measures wrapped rows (keeping the view still when rows
 * above it change height), widens the no-wrap area to its longest row so far,
 * and applies the scroll position.
 */
function useRowsAfterRender({ rowsRef, viewportRef, heightsRef, vTop, lastSeen, firstDrawn, wrap, vh, userScrolled, bump }: AfterRender) {
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
          if (line < firstDrawn.current.first) above += measured - before;
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
}

export interface VirtualScrollOptions {
  lineCount: number;
  rowHeight: number;
  overscan: number;
  defaultWrap: boolean;
  follow: Follow;
  /** The log starts over in this render. */
  restarted: boolean;
  bump(): void;
}

export function useVirtualScroll({ lineCount, rowHeight, overscan, defaultWrap, follow, restarted, bump }: VirtualScrollOptions) {
  const { following, followingRef, pausedByScroll, setFollowing } = follow;
  const viewportRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef<HTMLDivElement>(null);
  const { vh, vw } = useViewportSize(viewportRef);
  const [wrap, setWrap] = useState(defaultWrap);
  const vTop = useRef(0);
  /** The scroll position last applied or handled; any other value is the user's doing. */
  const lastSeen = useRef(0);

  const heightsRef = useRef<RowHeights | null>(null);
  if (!heightsRef.current || heightsRef.current.rowHeight !== rowHeight) heightsRef.current = new RowHeights(rowHeight);
  const heights = heightsRef.current;
  if (restarted) {
    heights.setCount(0);
    if (!following) vTop.current = 0;
  }
  heights.setCount(lineCount);

  // ---- geometry ----
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

  useRowsAfterRender({ rowsRef, viewportRef, heightsRef, vTop, lastSeen, firstDrawn: renderInfo, wrap, vh, userScrolled, bump });

  const onScroll = () => {
    const el = viewportRef.current;
    if (!el || Math.abs(el.scrollTop - lastSeen.current) < 1) return; // our own change, or handled
    userScrolled(el.scrollTop);
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

  return {
    viewportRef,
    rowsRef,
    wrap,
    toggleWrap,
    onScroll,
    scrollToLine,
    /** The first line in view and the last, the rows drawn (`start … end - 1`). */
    first,
    lastVisible,
    start,
    end,
    renderInfo,
    /** Height of the scroll area, and where the drawn rows sit in it. */
    scrollHeight: physicalHeight(total),
    rowsOffset,
  };
}
