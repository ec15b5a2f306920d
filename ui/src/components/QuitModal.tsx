import { useEffect, useState } from 'react';
import type { DeskError } from '../bindings/DeskError';
import { toDeskError, useBackend, type QuitMode } from '../api/backend';
import { ErrorAlert } from './ErrorAlert';
import { Modal } from './Modal';

/** Shown when the window is closed while runs are still pending or running. */
export function QuitModal() {
  const backend = useBackend();
  const [active, setActive] = useState<number | null>(null);
  const [busy, setBusy] = useState<QuitMode | null>(null);
  const [error, setError] = useState<DeskError | null>(null);

  useEffect(
    () =>
      backend.onQuitRequested(({ active }) => {
        setActive(active);
        setBusy(null);
        setError(null);
      }),
    [backend],
  );

  if (active === null) return null;

  const quit = (mode: QuitMode) => {
    setBusy(mode);
    setError(null);
    backend.quit(mode).then(
      () => {
        setBusy(null);
        setActive(null);
      },
      (e: unknown) => {
        setBusy(null);
        setError(toDeskError(e));
      },
    );
  };
  const stay = () => {
    if (!busy) setActive(null);
  };
  const runs = active === 1 ? '1 run is' : `${active} runs are`;

  return (
    <Modal
      title="Quit FUSION Desk?"
      tone="warning"
      onDismiss={stay}
      testId="quit-modal"
      actions={
        <>
          <button type="button" className="btn" data-testid="quit-stay" onClick={stay} disabled={busy !== null} data-autofocus>
            Don't quit
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-danger" data-testid="quit-cancel-runs" onClick={() => quit('cancel')} disabled={busy !== null}>
            {busy === 'cancel' ? 'Cancelling…' : 'Cancel them and quit'}
          </button>
          <button type="button" className="btn btn-primary" data-testid="quit-leave" onClick={() => quit('leave')} disabled={busy !== null}>
            {busy === 'leave' ? 'Quitting…' : 'Leave them running'}
          </button>
        </>
      }
    >
      <p>
        <strong>{runs} still active.</strong>
      </p>
      <p className="muted">
        Leave them running: they continue without the app and are picked up on next start. Or cancel them and quit:
        each simulator is stopped and the runs are marked cancelled.
      </p>
      {error && <ErrorAlert error={error} />}
    </Modal>
  );
}
