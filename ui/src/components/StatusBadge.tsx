import type { RunStatus } from '../bindings/RunStatus';

/** A coloured status pill; its text content is exactly the status. */
export function StatusBadge({ status, testId, cancelling }: { status: RunStatus; testId?: string; cancelling?: boolean }) {
  return (
    <span
      className={`badge badge-${status.toLowerCase()}${cancelling ? ' badge-cancelling' : ''}`}
      title={cancelling ? 'Cancellation requested' : undefined}
      data-testid={testId}
    >
      <span className="badge-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
