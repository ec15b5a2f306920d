// One line of the log: its number (the gutter, where a click selects it)
// and its text, matches marked, a cut-off tail noted.

import { memo, type MouseEvent } from 'react';
import { splitMatches } from '../../lib/textMatch';
import { formatCount } from '../../lib/units';

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

export const LogRow = memo(function LogRow({ index, text, cut, matcher, match, current, selected, onGutter }: LogRowProps) {
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
