import type { ReactNode } from 'react';
import type { DeskError } from '../bindings/DeskError';

const TITLES: Record<DeskError['code'], string> = {
  not_found: 'Not found',
  invalid_input: 'Invalid input',
  invalid_state: 'Not possible right now',
  forbidden_path: 'Path not allowed',
  simulator_unavailable: 'Simulator unavailable',
  internal: 'Something went wrong',
};

/** A backend error, styled by its code. */
export function ErrorAlert({
  error,
  testId,
  onDismiss,
  action,
}: {
  error: DeskError;
  testId?: string;
  onDismiss?: () => void;
  action?: ReactNode;
}) {
  const tone = error.code === 'invalid_input' || error.code === 'invalid_state' ? 'warning' : 'danger';
  return (
    <div className={`alert alert-${tone}`} role="alert" data-testid={testId} data-code={error.code}>
      <div className="alert-body">
        <div className="alert-title">
          {TITLES[error.code] ?? 'Error'} <code className="alert-code">{error.code}</code>
        </div>
        <div className="alert-message">{error.message}</div>
      </div>
      {action}
      {onDismiss && (
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
