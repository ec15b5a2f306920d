import { useEffect, useId, useRef, type ReactNode } from 'react';
import './Modal.css';

type ModalProps = {
  title: string;
  children: ReactNode;
  actions: ReactNode;
  /** Escape and a click on the backdrop call this; omit to make the modal insist. */
  onDismiss?: () => void;
  tone?: 'default' | 'danger' | 'warning';
  testId?: string;
  /** Wide dialogs hold a preview beside their form. */
  wide?: boolean;
};

/** A centred dialog over a dimmed backdrop; focus moves into it. */
export function Modal({ title, children, actions, onDismiss, tone = 'default', testId, wide = false }: ModalProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current?.querySelector<HTMLElement>('button');
    first?.focus();
    return () => previous?.focus?.();
  }, []);

  useEffect(() => {
    if (!onDismiss) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onDismiss();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onDismiss]);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onDismiss?.();
      }}
    >
      <div
        ref={ref}
        className={`modal modal-${tone}${wide ? ' modal-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
      >
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        <div className="modal-body">{children}</div>
        <div className="modal-actions">{actions}</div>
      </div>
    </div>
  );
}

type ConfirmProps = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  dismissLabel?: string;
  tone?: 'danger' | 'warning';
  busy?: boolean;
  onConfirm: () => void;
  onDismiss: () => void;
};

/** A yes/no question; the buttons carry the stable ids `confirm-ok` and `confirm-dismiss`. */
export function ConfirmModal({ title, children, confirmLabel, dismissLabel = 'Keep it', tone = 'danger', busy, onConfirm, onDismiss }: ConfirmProps) {
  return (
    <Modal
      title={title}
      tone={tone}
      onDismiss={busy ? undefined : onDismiss}
      testId="confirm-modal"
      actions={
        <>
          <button type="button" className="btn" data-testid="confirm-dismiss" onClick={onDismiss} disabled={busy} data-autofocus>
            {dismissLabel}
          </button>
          <button type="button" className={`btn btn-${tone}`} data-testid="confirm-ok" onClick={onConfirm} disabled={busy}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Modal>
  );
}
