// Managing the user's templates: rename and delete (with a confirmation);
// built-in templates are listed read-only.

import { useState, type FormEvent } from 'react';
import type { DeskError } from '../../bindings/DeskError';
import type { TemplateInfo } from '../../bindings/TemplateInfo';
import { toDeskError, useBackend } from '../../api/backend';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Modal } from '../../components/Modal';
import './TemplatesDialog.css';

export const TEMPLATE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

export function TemplatesDialog({
  templates,
  onChanged,
  onClose,
}: {
  templates: TemplateInfo[];
  /** After a rename (`to` set) or a delete (`to` null). */
  onChanged(from: string, to: string | null): void;
  onClose(): void;
}) {
  const backend = useBackend();
  const [renaming, setRenaming] = useState<{ name: string; value: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const builtins = templates.filter((t) => t.builtin);
  const mine = templates.filter((t) => !t.builtin);

  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (!renaming || busy) return;
    const to = renaming.value.trim();
    if (to === renaming.name) {
      setRenaming(null);
      return;
    }
    setBusy(true);
    setError(null);
    backend.renameTemplate(renaming.name, to).then(
      (info) => {
        setBusy(false);
        setRenaming(null);
        onChanged(renaming.name, info.name);
      },
      (err: unknown) => {
        setBusy(false);
        setError(toDeskError(err));
      },
    );
  };

  const remove = (name: string) => {
    setBusy(true);
    setError(null);
    backend.deleteTemplate(name).then(
      () => {
        setBusy(false);
        setDeleting(null);
        onChanged(name, null);
      },
      (err: unknown) => {
        setBusy(false);
        setError(toDeskError(err));
      },
    );
  };

  return (
    <Modal
      title="Templates"
      testId="templates-dialog"
      onDismiss={busy ? undefined : onClose}
      actions={
        <button type="button" className="btn" data-testid="templates-close" onClick={onClose} disabled={busy}>
          Close
        </button>
      }
    >
      <div className="templates-dialog">
        <h3>My templates</h3>
        {mine.length === 0 ? (
          <p className="hint" data-testid="templates-none">
            None yet. Use “Save as template…” on the new-run page to keep a config for later.
          </p>
        ) : (
          <ul className="template-list">
            {mine.map((t) => (
              <li key={t.name} data-testid={`template-row-${t.name}`}>
                {renaming?.name === t.name ? (
                  <form className="template-rename" onSubmit={rename}>
                    <input
                      type="text"
                      aria-label={`New name for ${t.name}`}
                      data-testid="template-rename-input"
                      value={renaming.value}
                      maxLength={64}
                      onChange={(e) => setRenaming({ name: t.name, value: e.target.value })}
                      autoFocus
                      disabled={busy}
                    />
                    <button
                      type="submit"
                      className="btn btn-sm btn-primary"
                      data-testid="template-rename-save"
                      disabled={busy || !TEMPLATE_NAME_RE.test(renaming.value.trim())}
                    >
                      Rename
                    </button>
                    <button type="button" className="btn btn-sm btn-ghost" onClick={() => setRenaming(null)} disabled={busy}>
                      Cancel
                    </button>
                  </form>
                ) : deleting === t.name ? (
                  <div className="template-confirm" role="group" aria-label={`Delete ${t.name}?`}>
                    <span>
                      Delete <strong>{t.name}</strong>? Runs made from it keep their config.
                    </span>
                    <button type="button" className="btn btn-sm btn-danger" data-testid="template-delete-confirm" onClick={() => remove(t.name)} disabled={busy}>
                      Delete
                    </button>
                    <button type="button" className="btn btn-sm btn-ghost" onClick={() => setDeleting(null)} disabled={busy}>
                      Keep it
                    </button>
                  </div>
                ) : (
                  <>
                    <div className="template-info">
                      <span className="template-name">{t.name}</span>
                      {t.description && <span className="hint">{t.description}</span>}
                    </div>
                    <div className="template-actions">
                      <button
                        type="button"
                        className="btn btn-xs"
                        data-testid={`template-rename-${t.name}`}
                        onClick={() => {
                          setError(null);
                          setDeleting(null);
                          setRenaming({ name: t.name, value: t.name });
                        }}
                        disabled={busy}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="btn btn-xs btn-danger-outline"
                        data-testid={`template-delete-${t.name}`}
                        onClick={() => {
                          setError(null);
                          setRenaming(null);
                          setDeleting(t.name);
                        }}
                        disabled={busy}
                      >
                        Delete
                      </button>
                    </div>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        {error && <ErrorAlert error={error} testId="templates-error" />}
        <h3>Built-in</h3>
        <ul className="template-list">
          {builtins.map((t) => (
            <li key={t.name} data-testid={`template-row-${t.name}`}>
              <div className="template-info">
                <span className="template-name">{t.name}</span>
                {t.description && <span className="hint">{t.description}</span>}
              </div>
              <span className="badge-readonly">read-only</span>
            </li>
          ))}
        </ul>
      </div>
    </Modal>
  );
}
