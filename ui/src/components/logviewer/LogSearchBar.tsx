import type { KeyboardEvent, RefObject } from 'react';
import { formatCount } from '../../lib/units';
import { Icon } from '../Icon';
import type { LogSearch } from './useLogSearch';

/** The search field with its options, the match count and the steps between matches. */
export function LogSearchBar({
  s,
  inputRef,
  viewportRef,
}: {
  s: LogSearch;
  inputRef: RefObject<HTMLInputElement | null>;
  viewportRef: RefObject<HTMLDivElement | null>;
}) {
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      s.step(e.key === 'ArrowUp' || (e.key === 'Enter' && e.shiftKey) ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (s.query) s.setQuery('');
      else viewportRef.current?.focus();
    }
  };
  return (
    <div className="log-search" role="search">
      <Icon name="search" size={14} />
      <input
        ref={inputRef}
        type="search"
        className="log-search-input"
        placeholder="Search the log"
        aria-label="Search the log"
        data-testid="log-search-input"
        value={s.query}
        spellCheck={false}
        onChange={(e) => s.setQuery(e.target.value)}
        onKeyDown={onKey}
      />
      <button
        type="button"
        className={`log-opt${s.regex ? ' active' : ''}`}
        aria-pressed={s.regex}
        title="Regular expression"
        data-testid="log-search-regex"
        onClick={s.toggleRegex}
      >
        .*
      </button>
      <button
        type="button"
        className={`log-opt${s.caseSensitive ? ' active' : ''}`}
        aria-pressed={s.caseSensitive}
        title="Match case"
        data-testid="log-search-case"
        onClick={s.toggleCase}
      >
        Aa
      </button>
      <span
        className={`log-search-count${s.searchError ? ' text-danger' : ''}`}
        data-testid="log-search-count"
        aria-live="polite"
        title={s.searchError ?? (s.truncated ? `Only the first ${formatCount(s.matchCount)} matching lines can be stepped through.` : undefined)}
      >
        {s.countText}
      </span>
      <button
        type="button"
        className="btn btn-ghost btn-xs log-step"
        title="Previous match (Shift+Enter)"
        aria-label="Previous match"
        data-testid="log-search-prev"
        disabled={!s.query}
        onClick={() => s.step(-1)}
      >
        <Icon name="chevronUp" size={14} />
      </button>
      <button
        type="button"
        className="btn btn-ghost btn-xs log-step"
        title="Next match (Enter)"
        aria-label="Next match"
        data-testid="log-search-next"
        disabled={!s.query}
        onClick={() => s.step(1)}
      >
        <Icon name="chevronDown" size={14} />
      </button>
    </div>
  );
}
