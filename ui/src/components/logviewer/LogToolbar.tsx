import type { ReactNode } from 'react';
import { formatCount } from '../../lib/units';
import { Icon } from '../Icon';
import type { LineSelection } from './useLineSelection';

/** Above the log: the search (when there is one), the line count, wrap, follow and copy. */
export function LogToolbar({
  searchBar,
  lineCount,
  wrap,
  onToggleWrap,
  following,
  onToggleFollow,
  selection,
  canCopyAll,
}: {
  searchBar: ReactNode;
  lineCount: number;
  wrap: boolean;
  onToggleWrap(): void;
  following: boolean;
  onToggleFollow(): void;
  selection: LineSelection;
  canCopyAll: boolean;
}) {
  const { copyState, hasSelection, selCount } = selection;
  const copyLabel =
    copyState === 'copied'
      ? 'Copied'
      : copyState === 'failed'
        ? 'Copy failed'
        : hasSelection
          ? `Copy ${formatCount(selCount)} line${selCount === 1 ? '' : 's'}`
          : 'Copy visible';
  return (
    <div className="log-toolbar">
      {searchBar}
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
        onClick={onToggleWrap}
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
        onClick={onToggleFollow}
      >
        <Icon name="follow" size={14} />
        Follow
      </button>
      <button
        type="button"
        className="btn btn-xs"
        data-testid="log-copy"
        disabled={lineCount === 0 || copyState === 'busy'}
        title={hasSelection ? 'Copy the selected lines' : 'Copy the lines in view (select lines by clicking their numbers)'}
        onClick={selection.copy}
      >
        <Icon name={copyState === 'copied' ? 'check' : 'copy'} size={14} />
        {copyLabel}
      </button>
      {canCopyAll && (
        <button type="button" className="btn btn-xs" data-testid="log-copy-all" disabled={lineCount === 0} onClick={selection.copyAll}>
          Copy all
        </button>
      )}
    </div>
  );
}
