// A virtualised view of a log of any length (millions of lines): only the
// rows in view (plus a few above and below) are in the DOM, lines are read in
// windows through `getLines` and kept in a bounded LRU cache. The state is in
// the hooks beside this file: following the tail, the row geometry and
// scroll position, the line cache, the search, the selection.

import './LogViewer.css';
import { useCallback, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { formatCount } from '../../lib/units';
import { Icon } from '../Icon';
import { LogRow } from './LogRow';
import { LogSearchBar } from './LogSearchBar';
import { LogToolbar } from './LogToolbar';
import type { LogViewerProps } from './types';
import { useFollow } from './useFollow';
import { useLineSelection } from './useLineSelection';
import { useLineWindows, useRestarted } from './useLineWindows';
import { useLogSearch } from './useLogSearch';
import { useVirtualScroll } from './useVirtualScroll';

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
  useLayoutEffect(() => {
    getLinesRef.current = props.getLines;
    searchRef.current = search;
  });

  const searchInputRef = useRef<HTMLInputElement>(null);
  const [, setTick] = useState(0);
  const bump = useCallback(() => setTick((t) => (t + 1) % 1_000_000), []);

  const tail = useFollow(follow, onFollowChange, lineCount);
  const restarted = useRestarted(sourceKey, lineCount);
  const scroll = useVirtualScroll({ lineCount, rowHeight, overscan, defaultWrap, follow: tail, restarted, bump });
  const { viewportRef, first, lastVisible, start, end } = scroll;
  const lines = useLineWindows({ lineCount, restarted, start, end, getLines: getLinesRef, windowSize, cacheLines, cacheChars, maxLineChars, bump });
  const found = useLogSearch({
    search: searchRef,
    sourceKey,
    scrollToLine: scroll.scrollToLine,
    renderInfo: scroll.renderInfo,
    wrap: scroll.wrap,
    viewportRef,
  });
  const selection = useLineSelection({ getLines: getLinesRef, onCopyAll, sourceKey, lineCount, first, lastVisible });

  const onRootKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && search) {
      e.preventDefault();
      searchInputRef.current?.focus();
      searchInputRef.current?.select();
    } else if (e.key === 'Escape' && selection.hasSelection && e.target === viewportRef.current) {
      selection.clearSelection();
    }
  };

  const rows = [];
  for (let i = start; i < end; i++) {
    const line = lines.lineAt(i);
    rows.push(
      <LogRow
        key={i}
        index={i}
        text={line?.text}
        cut={line?.cut}
        matcher={found.matcher}
        match={found.matchSet.has(i)}
        current={i === found.currentLine}
        selected={i >= selection.selFirst && i <= selection.selLast}
        onGutter={selection.onGutter}
      />,
    );
  }

  const digits = String(Math.max(1, lineCount)).length;
  const rootStyle = { '--log-row-h': `${rowHeight}px`, '--log-gutter-ch': digits } as CSSProperties;
  const jumpToBottom = () => {
    tail.setFollowing(true);
    bump();
  };

  return (
    <div
      className={`log-viewer${scroll.wrap ? ' log-wrap' : ''}${className ? ` ${className}` : ''}`}
      style={rootStyle}
      data-testid="log-viewer"
      onKeyDown={onRootKey}
    >
      <LogToolbar
        searchBar={search && <LogSearchBar s={found} inputRef={searchInputRef} viewportRef={viewportRef} />}
        lineCount={lineCount}
        wrap={scroll.wrap}
        onToggleWrap={scroll.toggleWrap}
        following={tail.following}
        onToggleFollow={() => tail.setFollowing(!tail.following)}
        selection={selection}
        canCopyAll={!!onCopyAll}
      />
      {lines.loadError && (
        <div className="log-error alert alert-danger">
          <span className="alert-body">Could not read the log: {lines.loadError}</span>
          <button type="button" className="btn btn-xs" onClick={lines.retry}>
            Retry
          </button>
        </div>
      )}
      <div className="log-body">
        <div ref={viewportRef} className="log-viewport" tabIndex={0} role="log" aria-label={ariaLabel} onScroll={scroll.onScroll} data-testid="log-viewport">
          <div className="log-spacer" style={{ height: scroll.scrollHeight }}>
            <div ref={scroll.rowsRef} className="log-rows" style={{ top: scroll.rowsOffset }}>
              {rows}
            </div>
          </div>
        </div>
        {lineCount === 0 && <div className="log-empty muted">{emptyText}</div>}
        {tail.newLines > 0 && (
          <button type="button" className="log-new-lines" data-testid="log-new-lines" onClick={jumpToBottom}>
            {formatCount(tail.newLines)} new line{tail.newLines === 1 ? '' : 's'} <Icon name="arrowDown" size={13} />
          </button>
        )}
      </div>
    </div>
  );
}
