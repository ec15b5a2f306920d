import type { KeyboardEvent, RefObject } from 'react';
import { formatCount } from '../../lib/units';
import { Icon } from '../Icon';
import type { LogSearch } from './useLogSearch';

function SearchOption({ on, title, testId, onClick, label }: { on: boolean; title: string; testId: string; onClick(): void; label: string }) {
  return (
    <button type="button" className={`log-opt${on ? ' active' : ''}`} aria-pressed={on} title={title} data-testid={testId} onClick={onClick}>
      {label}
    </button>
  );
}

function StepButton({ dir, s }: { dir: 1 | -1; s: LogSearch }) {
  const previous = dir < 0;
  return (
    <button
      type="button"
      className="btn btn-ghost btn-xs log-step"
      title={previous ? 'Previous match (Shift+Enter)' : 'Next match (Enter)'}
      aria-label={previous ? 'Previous match' : 'Next match'}
      data-testid={previous ? 'log-search-prev' : 'log-search-next'}
      disabled={!s.query}
      onClick={() => s.step(dir)}
    >
      <Icon name={previous ? 'chevronUp' : 'chevronDown'} size={14} />
    </button>
  );
}

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
      <SearchOption on={s.regex} title="Regular expression" testId="log-search-regex" onClick={s.toggleRegex} label=".*" />
      <SearchOption on={s.caseSensitive} title="Match case" testId="log-search-case" onClick={s.toggleCase} label="Aa" />
      <span
        className={`log-search-count${s.searchError ? ' text-danger' : ''}`}
        data-testid="log-search-count"
        aria-live="polite"
        title={s.searchError ?? (s.truncated ? `Only the first ${formatCount(s.matchCount)} matching lines can be stepped through.` : undefined)}
      >
        {s.countText}
      </span>
      <StepButton dir={-1} s={s} />
      <StepButton dir={1} s={s} />
    </div>
  );
}
