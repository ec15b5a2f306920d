import { useEffect, useState } from 'react';
import type { CleanupReport } from '../bindings/CleanupReport';
import type { DeskError } from '../bindings/DeskError';
import { toDeskError, useBackend } from '../api/backend';
import { useDebounced } from '../lib/hooks';
import { useAsync } from '../lib/useAsync';
import { formatBytes, formatCount } from '../lib/units';
import { ErrorAlert } from './ErrorAlert';
import { Modal } from './Modal';
import './CleanupDialog.css';

/** "Delete finished runs older than N days": a live preview, then the deletion (rows and folders). */
export function CleanupDialog({ onClose }: { onClose: () => void }) {
  const backend = useBackend();
  const [daysText, setDaysText] = useState('30');
  const [onlyUnsuccessful, setOnlyUnsuccessful] = useState(false);
  const days = useDebounced(daysText, 200);
  const [report, setReport] = useState<CleanupReport | null>(null);
  const [runError, setRunError] = useState<DeskError | null>(null);
  const [busy, setBusy] = useState(false);
  const n = Number(days);
  const valid = /^\d+$/.test(days.trim()) && n <= 36500;

  const previewed = useAsync(
    () => (valid ? backend.cleanupPreview({ older_than_days: n, only_unsuccessful: onlyUnsuccessful }) : null),
    [backend, n, valid, onlyUnsuccessful, report],
  );
  // Each new question shows no answer until its own arrives.
  const preview = previewed.loading ? null : (previewed.value ?? null);
  // A new preview supersedes what the last clean-up said.
  useEffect(() => setRunError(null), [preview]);
  const error = runError ?? previewed.error;

  const run = () => {
    setBusy(true);
    backend.cleanup({ older_than_days: n, only_unsuccessful: onlyUnsuccessful }).then(
      (r) => {
        setBusy(false);
        setReport(r);
      },
      (e: unknown) => {
        setBusy(false);
        setRunError(toDeskError(e));
      },
    );
  };

  return (
    <Modal
      title="Clean up old runs"
      tone="danger"
      testId="cleanup-dialog"
      onDismiss={busy ? undefined : onClose}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={busy} data-testid="cleanup-close">
            {report ? 'Done' : 'Cancel'}
          </button>
          <button type="button" className="btn btn-danger" onClick={run} disabled={busy || !preview || preview.runs === 0} data-testid="cleanup-run">
            {busy ? 'Deleting…' : preview && preview.runs > 0 ? `Delete ${formatCount(preview.runs)} run${preview.runs === 1 ? '' : 's'}` : 'Delete'}
          </button>
        </>
      }
    >
      <div className="form-grid cleanup-form">
        <label>
          Finished more than
          <input
            type="number"
            min={0}
            max={36500}
            className="input input-narrow"
            value={daysText}
            onChange={(e) => setDaysText(e.target.value)}
            data-testid="cleanup-days"
            data-autofocus
          />
          days ago
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={onlyUnsuccessful} onChange={(e) => setOnlyUnsuccessful(e.target.checked)} data-testid="cleanup-only-failed" />
          Only failed and cancelled runs (keep completed results)
        </label>
      </div>
      {!valid && <p className="field-error">Enter a whole number of days (0 to 36500).</p>}
      {valid && (
        <p data-testid="cleanup-preview" aria-live="polite">
          {preview === null
            ? 'Counting…'
            : preview.runs === 0
              ? 'No finished runs are that old.'
              : `${formatCount(preview.runs)} run${preview.runs === 1 ? '' : 's'} (${formatBytes(preview.bytes)}) will be deleted with their folders. Pending and running runs are never touched.`}
        </p>
      )}
      {report && (
        <p className="alert alert-info" data-testid="cleanup-report">
          Deleted {formatCount(report.deleted)} run{report.deleted === 1 ? '' : 's'}, freeing {formatBytes(report.bytes)}.
          {report.failed.length > 0 && ` ${report.failed.length} could not be deleted: ${report.failed.map((f) => `${f.id} (${f.message})`).join(', ')}.`}
        </p>
      )}
      {error && <ErrorAlert error={error} testId="cleanup-error" />}
    </Modal>
  );
}
