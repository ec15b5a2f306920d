import type { ReactNode } from 'react';
import { formatCount } from '../../lib/units';
import { Icon } from '../Icon';
import type { LineSelection } from './useLineSelection';

function Toggle({ on, testId, title, icon, label, onClick }: { on: boolean; testId: string; title: string; icon: 'wrap' | 'follow'; label: string; onClick(): void }) {
  return (
    <button type="button" className={`btn btn-xs log-toggle${on ? ' active' : ''}`} aria-pressed={on} data-testid={testId} title={title} onClick={onClick}>
      <Icon name={icon} size={14} />
      {label}
    </button>
  );
}

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
      <Toggle on={wrap} testId="log-wrap" title="Wrap long lines" icon="wrap" label="Wrap" onClick={onToggleWrap} />
      <Toggle on={following} testId="log-follow" title="Keep the last line in view" icon="follow" label="Follow" onClick={onToggleFollow} />
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
