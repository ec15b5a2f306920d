// "Save as template…": a name, then the save; replacing one of the user's
// templates needs a second, explicit confirmation.

import { useState, type FormEvent } from 'react';
import type { DeskError } from '../../bindings/DeskError';
import type { TemplateInfo } from '../../bindings/TemplateInfo';
import { toDeskError, useBackend } from '../../api/backend';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Modal } from '../../components/Modal';
import { TEMPLATE_NAME_RE } from './TemplatesDialog';

function isConflict(e: DeskError): boolean {
  return e.code === 'invalid_input' && /already exists/i.test(e.message);
}

export function SaveTemplateDialog({
  text,
  templates,
  suggested,
  onSaved,
  onClose,
}: {
  text: string;
  templates: TemplateInfo[];
  suggested: string;
  onSaved(info: TemplateInfo): void;
  onClose(): void;
}) {
  const backend = useBackend();
  const [name, setName] = useState(suggested);
  const [confirmOverwrite, setConfirmOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const trimmed = name.trim();
  const builtin = templates.some((t) => t.builtin && t.name === trimmed);
  const valid = TEMPLATE_NAME_RE.test(trimmed) && !/[ .]$/.test(trimmed);

  const save = (overwrite: boolean) => {
    setBusy(true);
    setError(null);
    backend.saveTemplate(trimmed, text, overwrite).then(
      (info) => {
        setBusy(false);
        onSaved(info);
      },
      (e: unknown) => {
        setBusy(false);
        const err = toDeskError(e);
        if (!overwrite && isConflict(err)) setConfirmOverwrite(true);
        else setError(err);
      },
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || !trimmed) return;
    if (templates.some((t) => !t.builtin && t.name === trimmed)) {
      setConfirmOverwrite(true);
      return;
    }
    save(false);
  };

  if (confirmOverwrite) {
    return (
      <Modal
        title="Replace the template?"
        tone="warning"
        testId="template-overwrite-dialog"
        onDismiss={busy ? undefined : () => setConfirmOverwrite(false)}
        actions={
          <>
            <button type="button" className="btn" data-testid="template-overwrite-dismiss" onClick={() => setConfirmOverwrite(false)} disabled={busy} data-autofocus>
              Choose another name
            </button>
            <button type="button" className="btn btn-warning" data-testid="template-overwrite" onClick={() => save(true)} disabled={busy}>
              {busy ? 'Saving…' : 'Replace it'}
            </button>
          </>
        }
      >
        <p>
          A template named <strong>{trimmed}</strong> already exists. Replace its config with the one being edited?
        </p>
        {error && <ErrorAlert error={error} testId="template-save-error" />}
      </Modal>
    );
  }

  return (
    <Modal
      title="Save as template"
      testId="save-template-dialog"
      onDismiss={busy ? undefined : onClose}
      actions={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="save-template-form" className="btn btn-primary" data-testid="template-save-confirm" disabled={busy || !trimmed}>
            {busy ? 'Saving…' : 'Save template'}
          </button>
        </>
      }
    >
      <form id="save-template-form" className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="template-name">Template name</label>
          <input
            id="template-name"
            type="text"
            data-testid="template-name-input"
            value={name}
            maxLength={64}
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
            aria-invalid={trimmed !== '' && (!valid || builtin)}
          />
          <div className="hint">
            {builtin ? (
              <span className="text-warning">That is a built-in template's name; built-ins are read-only.</span>
            ) : trimmed !== '' && !valid ? (
              <span className="text-warning">Letters, digits, spaces, “_”, “.” and “-”, starting with a letter or digit (at most 64).</span>
            ) : (
              'Saves the config text as it is in the editor (extra overrides are not included).'
            )}
          </div>
        </div>
        {error && <ErrorAlert error={error} testId="template-save-error" />}
      </form>
    </Modal>
  );
}
