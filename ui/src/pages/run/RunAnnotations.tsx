// What the user writes on a run: its name, tags and a markdown note; and the
// run folder's disk use. Every change goes to the core, whose `run_updated`
// event brings the new run back to every view.

import { useEffect, useState, type KeyboardEvent } from 'react';
import type { DeskError } from '../../bindings/DeskError';
import type { Run } from '../../bindings/Run';
import { toDeskError, useBackend } from '../../api/backend';
import { LIMITS } from '../../generated/limits';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icon';
import { Markdown } from '../../lib/markdown';
import { formatBytes } from '../../lib/units';
import './RunAnnotations.css';

export function RunAnnotations({ run }: { run: Run }) {
  const backend = useBackend();
  const [error, setError] = useState<DeskError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [shown, setShown] = useState(run);
  // The page's run follows events; an answer to our own edit may come first.
  useEffect(() => setShown(run), [run]);

  const apply = (what: string, call: () => Promise<Run>): Promise<boolean> => {
    setBusy(what);
    return call().then(
      (r) => {
        setBusy(null);
        setError(null);
        setShown(r);
        return true;
      },
      (e: unknown) => {
        setBusy(null);
        setError(toDeskError(e));
        return false;
      },
    );
  };

  return (
    <section className="card run-annotations" data-testid="run-annotations">
      <div className="annotations-row">
        <RenameField run={shown} busy={busy === 'name'} onSave={(name) => apply('name', () => backend.renameRun(run.id, name))} />
        <DiskUse run={shown} busy={busy === 'disk'} onMeasure={() => void apply('disk', () => backend.measureDiskUse(run.id))} />
      </div>
      <TagEditor tags={shown.tags} busy={busy === 'tags'} onSave={(tags) => apply('tags', () => backend.setRunTags(run.id, tags))} />
      <NoteEditor note={shown.note} busy={busy === 'note'} onSave={(note) => apply('note', () => backend.setRunNote(run.id, note))} />
      {error && <ErrorAlert error={error} testId="annotations-error" onDismiss={() => setError(null)} />}
    </section>
  );
}

function RenameField({ run, busy, onSave }: { run: Run; busy: boolean; onSave: (name: string) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(run.name);
  if (!editing) {
    return (
      <div className="annotation-name">
        <span className="muted">Name</span>
        <span className="annotation-value" data-testid="run-name">
          {run.name}
        </span>
        <button
          type="button"
          className="btn btn-xs btn-ghost"
          data-testid="rename-run"
          onClick={() => {
            setText(run.name);
            setEditing(true);
          }}
        >
          Rename
        </button>
      </div>
    );
  }
  const save = () => {
    if (text.trim() === run.name) return setEditing(false);
    void onSave(text).then((ok) => ok && setEditing(false));
  };
  return (
    <form
      className="annotation-name"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <span className="muted">Name</span>
      <input
        type="text"
        className="input"
        value={text}
        maxLength={LIMITS.max_run_name_chars}
        autoFocus
        aria-label="Run name"
        data-testid="rename-input"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
      />
      <button type="submit" className="btn btn-xs btn-primary" disabled={busy || !text.trim()} data-testid="rename-save">
        Save
      </button>
      <button type="button" className="btn btn-xs" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}

function DiskUse({ run, busy, onMeasure }: { run: Run; busy: boolean; onMeasure: () => void }) {
  return (
    <div className="annotation-disk">
      <span className="muted">Disk use</span>
      <span className="mono" data-testid="run-disk-use">
        {run.disk_bytes === null ? 'not measured' : formatBytes(run.disk_bytes)}
      </span>
      <button type="button" className="btn btn-xs btn-ghost" onClick={onMeasure} disabled={busy} data-testid="measure-disk" title="Measure the run's folder now">
        {busy ? 'Measuring…' : 'Measure'}
      </button>
    </div>
  );
}

function TagEditor({ tags, busy, onSave }: { tags: string[]; busy: boolean; onSave: (tags: string[]) => Promise<boolean> }) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const parts = draft
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    void onSave([...tags, ...parts]).then((ok) => ok && setDraft(''));
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && draft === '' && tags.length > 0) {
      void onSave(tags.slice(0, -1));
    }
  };
  return (
    <div className="annotation-tags" data-testid="tag-editor">
      <span className="muted">Tags</span>
      {tags.map((t) => (
        <span key={t} className="tag-chip" data-testid={`tag-${t}`}>
          {t}
          <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`} disabled={busy} onClick={() => void onSave(tags.filter((x) => x !== t))}>
            <Icon name="x" size={11} />
          </button>
        </span>
      ))}
      <input
        type="text"
        className="input tag-input"
        placeholder={tags.length ? 'Add a tag' : 'Add tags (Enter)'}
        value={draft}
        disabled={busy}
        aria-label="Add a tag"
        data-testid="tag-input"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        onBlur={() => draft.trim() && add()}
      />
    </div>
  );
}

function NoteEditor({ note, busy, onSave }: { note: string; busy: boolean; onSave: (note: string) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(note);
  const [preview, setPreview] = useState(false);
  if (!editing) {
    return (
      <div className="annotation-note">
        <div className="annotation-note-head">
          <span className="muted">Note</span>
          <button
            type="button"
            className="btn btn-xs btn-ghost"
            data-testid="edit-note"
            onClick={() => {
              setText(note);
              setPreview(false);
              setEditing(true);
            }}
          >
            {note ? 'Edit note' : 'Add a note'}
          </button>
        </div>
        {note && <Markdown text={note} testId="note-view" />}
      </div>
    );
  }
  return (
    <div className="annotation-note">
      <div className="annotation-note-head">
        <span className="muted">Note (markdown)</span>
        <div className="segmented" role="group" aria-label="Note view">
          <button type="button" className={`segmented-btn${!preview ? ' active' : ''}`} aria-pressed={!preview} onClick={() => setPreview(false)}>
            Write
          </button>
          <button type="button" className={`segmented-btn${preview ? ' active' : ''}`} aria-pressed={preview} onClick={() => setPreview(true)} data-testid="note-preview-tab">
            Preview
          </button>
        </div>
      </div>
      {preview ? (
        <div className="note-preview">{text.trim() ? <Markdown text={text} testId="note-preview" /> : <p className="muted">Nothing to preview.</p>}</div>
      ) : (
        <textarea
          className="input note-text"
          value={text}
          rows={6}
          autoFocus
          aria-label="Note"
          data-testid="note-input"
          placeholder="What this run is for, what you saw… (**bold**, *italic*, `code`, lists, # headings)"
          onChange={(e) => setText(e.target.value)}
        />
      )}
      <div className="annotation-actions">
        <button type="button" className="btn btn-sm btn-primary" disabled={busy} data-testid="note-save" onClick={() => void onSave(text).then((ok) => ok && setEditing(false))}>
          {busy ? 'Saving…' : 'Save note'}
        </button>
        <button type="button" className="btn btn-sm" onClick={() => setEditing(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}
