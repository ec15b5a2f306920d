import type { DeskError } from '../../bindings/DeskError';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icon';

/** Where the text came from, and what the last file action said. */
export function ConfigOrigin({ origin, dirty }: { origin: string | null; dirty: boolean }) {
  if (!origin) return null;
  return (
    <div className="config-origin" data-testid="config-origin">
      Started from {origin}
      {dirty ? ', edited' : ''}.
    </div>
  );
}

export function ConfigNotice({ notice, error, onDismissError }: { notice: string | null; error: DeskError | null; onDismissError(): void }) {
  return (
    <>
      {notice && (
        <div className="config-notice" role="status" data-testid="config-notice">
          <Icon name="check" /> {notice}
        </div>
      )}
      {error && <ErrorAlert error={error} testId="config-action-error" onDismiss={onDismissError} />}
    </>
  );
}
