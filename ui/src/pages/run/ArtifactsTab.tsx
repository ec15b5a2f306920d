// The run folder: a lazily loaded tree, a preview of the selected file, the
// desktop actions (open, reveal, save a copy, export a folder), and the
// results a cluster run left on its cluster.

import { useCallback, useRef, useState } from 'react';
import { toDeskError, useBackend, type Backend } from '../../api/backend';
import type { ArtifactEntry } from '../../bindings/ArtifactEntry';
import type { ArtifactPreview } from '../../bindings/ArtifactPreview';
import type { DeskError } from '../../bindings/DeskError';
import type { ExportSummary } from '../../bindings/ExportSummary';
import { CsvTable } from '../../components/CsvTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FileTree, type FileTreeEntry } from '../../components/FileTree';
import { Icon } from '../../components/Icon';
import { JsonTree } from '../../components/JsonTree';
import { formatLong } from '../../lib/format';
import { formatBytes, formatCount } from '../../lib/units';
import { useShownKey } from '../../lib/hooks';
import { useAsync } from '../../lib/useAsync';
import { LeftOnCluster } from './LeftOnCluster';
import { useResultsLeft } from './useResultsLeft';
import './ArtifactsTab.css';

/** Entries read per listing call; long folders take several. */
const LIST_PAGE = 1000;
/** Entries shown per folder at most. */
const LIST_MAX = 10_000;

function toTreeEntry(e: ArtifactEntry): FileTreeEntry & { location: string | null; linkTarget: string | null } {
  const folder = e.kind === 'dir' || e.kind === 'root';
  return { name: e.name, path: e.path, kind: e.kind, size: folder ? null : e.size, modified: e.modified, location: e.location, linkTarget: e.link_target };
}

async function listAll(backend: Backend, id: string, path: string): Promise<FileTreeEntry[]> {
  const out: ArtifactEntry[] = [];
  for (;;) {
    const page = await backend.listArtifacts(id, path, out.length, LIST_PAGE);
    out.push(...page.entries);
    if (page.entries.length === 0 || out.length >= page.total || out.length >= LIST_MAX) break;
  }
  return out.map(toTreeEntry);
}

type Note = { tone: 'ok' | 'muted'; text: string };

function summaryText(s: ExportSummary): string {
  const parts = [`${formatCount(s.files)} ${s.files === 1 ? 'file' : 'files'}`, formatBytes(s.bytes)];
  const skipped = s.skipped_count > 0 ? ` · ${formatCount(s.skipped_count)} skipped (links and special files)` : '';
  return `Saved to ${s.destination} (${parts.join(', ')})${skipped}`;
}

export function ArtifactsTab({ runId, active, refreshKey }: { runId: string; active: boolean; refreshKey: string }) {
  const backend = useBackend();
  const [selected, setSelected] = useState<(FileTreeEntry & { location?: string | null }) | null>(null);
  const [preview, setPreview] = useState<ArtifactPreview | null>(null);
  const [previewError, setPreviewError] = useState<DeskError | null>(null);
  const [previewLoading, setPreviewLoading] = useState(false);
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const selectedPath = useRef<string | null>(null);

  const want = `${refreshKey}:${generation}`;
  const asked = useShownKey(active, want);
  const listed = useAsync(() => (asked === null ? null : listAll(backend, runId, '')), [backend, runId, asked]);
  const roots = listed.value ?? null;
  const error = listed.error;
  const measured = useAsync(() => (asked === null ? null : backend.artifactUsage(runId, '')), [backend, runId, asked]);
  const usage = measured.error ? null : (measured.value ?? null);
  // A fetched file lands in output/: the folder is read again to show it.
  const resultsLeft = useResultsLeft(runId, asked, () => setGeneration((g) => g + 1));

  const loadChildren = useCallback((path: string) => listAll(backend, runId, path), [backend, runId]);

  const select = useCallback(
    (entry: FileTreeEntry) => {
      setSelected(entry);
      selectedPath.current = entry.path;
      setNote(null);
      if (entry.kind === 'dir' || entry.kind === 'root') return;
      setPreview(null);
      setPreviewError(null);
      setPreviewLoading(true);
      backend.previewArtifact(runId, entry.path).then(
        (p) => {
          if (selectedPath.current !== entry.path) return;
          setPreview(p);
          setPreviewLoading(false);
        },
        (e: unknown) => {
          if (selectedPath.current !== entry.path) return;
          setPreviewError(toDeskError(e));
          setPreviewLoading(false);
        },
      );
    },
    [backend, runId],
  );

  const isFolder = selected !== null && (selected.kind === 'dir' || selected.kind === 'root');
  const target = selected?.path ?? '';

  const act = (name: string, fn: () => Promise<Note | null>) => {
    setBusy(name);
    setNote(null);
    fn().then(
      (n) => {
        setBusy(null);
        setNote(n);
      },
      (e: unknown) => {
        setBusy(null);
        setNote({ tone: 'muted', text: toDeskError(e).message });
      },
    );
  };

  return (
    <div className="run-artifacts">
      <LeftOnCluster state={resultsLeft} />
      <section className="card artifacts-tree-card">
        <div className="card-header">
          <h2>Run folder</h2>
          <div className="card-header-actions">
            {usage && (
              <span className="muted small" data-testid="artifacts-usage" title={`${formatCount(usage.bytes)} bytes in ${formatCount(usage.files)} files`}>
                {formatBytes(usage.disk_bytes)} on disk · {formatCount(usage.files)} files{usage.complete ? '' : ' (partial)'}
              </span>
            )}
            <button type="button" className="btn btn-xs" onClick={() => setGeneration((g) => g + 1)} title="Read the folder again" data-testid="artifacts-refresh">
              <Icon name="repeat" size={13} />
              Refresh
            </button>
          </div>
        </div>
        {error && <ErrorAlert error={error} />}
        {!roots && !error && <div className="loading">Loading files…</div>}
        {roots && (
          <div className="artifacts-tree">
            <FileTree
              key={want}
              entries={roots}
              loadChildren={loadChildren}
              selected={selected?.path ?? null}
              onSelect={select}
              onOpen={(e) => act('open', () => backend.openArtifact(runId, e.path).then(() => null))}
              showModified={false}
              ariaLabel="Run files"
            />
          </div>
        )}
      </section>

      <section className="card artifacts-preview-card">
        <div className="card-header artifact-header">
          <h2 className="artifact-title" title={selected?.path || 'Run folder'}>
            {selected ? selected.path : 'Run folder'}
          </h2>
          <div className="card-header-actions artifact-actions">
            <button
              type="button"
              className="btn btn-sm"
              data-testid="artifact-open"
              disabled={!selected || isFolder || busy !== null}
              onClick={() => act('open', () => backend.openArtifact(runId, target).then(() => ({ tone: 'muted', text: 'Opened with the default application.' })))}
            >
              Open
            </button>
            <button
              type="button"
              className="btn btn-sm"
              data-testid="artifact-reveal"
              disabled={busy !== null}
              onClick={() => act('reveal', () => backend.revealArtifact(runId, target).then(() => ({ tone: 'muted', text: 'Shown in the file manager.' })))}
            >
              Reveal in folder
            </button>
            <button
              type="button"
              className="btn btn-sm"
              data-testid="artifact-save"
              disabled={!selected || busy !== null}
              onClick={() => act('save', () => backend.saveArtifactAs(runId, target).then((s) => (s ? { tone: 'ok', text: summaryText(s) } : null)))}
            >
              Save as…
            </button>
            <button
              type="button"
              className="btn btn-sm"
              data-testid="artifact-export"
              disabled={busy !== null}
              title={isFolder ? `Copy ${selected?.path} and everything in it to a folder` : 'Copy the whole run folder to a folder'}
              onClick={() =>
                act('export', () => backend.exportArtifactFolder(runId, isFolder ? target : '').then((s) => (s ? { tone: 'ok', text: summaryText(s) } : null)))
              }
            >
              Export folder…
            </button>
          </div>
        </div>
        {note && (
          <div className={`artifact-note${note.tone === 'ok' ? ' artifact-note-ok' : ''}`} data-testid="artifact-note" role="status">
            {note.tone === 'ok' && <Icon name="check" size={14} />}
            <span className="wrap">{note.text}</span>
          </div>
        )}
        <div className="artifact-preview" data-testid="artifact-preview">
          {!selected && <p className="muted">Select a file to preview it. Export folder… copies the whole run folder.</p>}
          {selected && isFolder && (
            <p className="muted">
              {selected.kind === 'root' ? (
                <>
                  Extra folder{selected.location ? <> at <code className="mono">{selected.location}</code></> : null} (read-only). Open it in the tree to browse.
                </>
              ) : (
                <>Folder. Export folder… copies it with everything in it.</>
              )}
            </p>
          )}
          {selected && !isFolder && previewLoading && <div className="loading">Loading preview…</div>}
          {selected && !isFolder && previewError && <ErrorAlert error={previewError} />}
          {selected && !isFolder && preview && preview.path === selected.path && <PreviewBody preview={preview} />}
        </div>
      </section>
    </div>
  );
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

export function PreviewBody({ preview }: { preview: ArtifactPreview }) {
  const c = preview.content;
  const meta = (
    <div className="preview-meta muted small">
      {formatBytes(preview.size)}
      {preview.modified ? ` · modified ${formatLong(preview.modified)}` : ''}
    </div>
  );
  switch (c.kind) {
    case 'text': {
      const skipped = c.tail !== null ? Math.max(0, preview.size - utf8Length(c.head) - utf8Length(c.tail)) : 0;
      return (
        <div className="preview preview-text" data-kind="text">
          {meta}
          {c.note && <div className="preview-note">{c.note}</div>}
          <pre className="preview-pre mono">{c.head}</pre>
          {c.tail !== null && (
            <>
              <div className="preview-skip" data-testid="preview-skip">
                … {formatCount(skipped)} bytes skipped …
              </div>
              <pre className="preview-pre mono">{c.tail}</pre>
            </>
          )}
          {c.tail === null && c.truncated && <div className="preview-skip">… the rest is not shown …</div>}
        </div>
      );
    }
    case 'json':
      return (
        <div className="preview preview-json" data-kind="json">
          {meta}
          {c.value !== null ? <JsonTree value={c.value} /> : <pre className="preview-pre mono">{c.pretty ?? ''}</pre>}
          {c.truncated && <div className="preview-note">The file is large: only its beginning is shown.</div>}
        </div>
      );
    case 'csv':
      return (
        <div className="preview preview-csv" data-kind="csv">
          {meta}
          <CsvTable header={c.header} rows={c.rows} maxHeight="460px" />
          {c.truncated && <div className="preview-note">Showing the first {formatCount(c.rows_shown)} rows.</div>}
        </div>
      );
    case 'image':
      return (
        <div className="preview preview-image" data-kind="image">
          {meta}
          <img src={`data:${c.mime};base64,${c.data_base64}`} alt={preview.path} />
        </div>
      );
    case 'binary':
      return (
        <div className="preview preview-binary" data-kind="binary">
          {meta}
          <p>
            <strong>{c.detected}</strong>
            {c.mime ? <span className="muted mono"> ({c.mime})</span> : null}
          </p>
          <p className="muted">{c.note ?? 'Binary content is not shown. Open it with another application, or save a copy.'}</p>
        </div>
      );
  }
}
