// A lazily loaded tree of files: folders load their children when opened.

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatShort } from '../lib/format';
import { formatBytes } from '../lib/units';
import { Icon } from './Icon';
import './FileTree.css';

export interface FileTreeEntry {
  name: string;
  /** Unique address of the entry; passed back to `loadChildren`. */
  path: string;
  /** `dir` and `root` can be opened; `other` is shown like a file. */
  kind: 'file' | 'dir' | 'symlink' | 'other' | 'root';
  /** Bytes; null when unknown (folders). */
  size: number | null;
  /** RFC 3339 time of the last change, or null. */
  modified: string | null;
}

export interface FileTreeProps {
  /** Entries at the top level. */
  entries: readonly FileTreeEntry[];
  loadChildren(path: string): Promise<FileTreeEntry[]>;
  selected?: string | null;
  onSelect?(entry: FileTreeEntry): void;
  /** Double click or Enter on a file. */
  onOpen?(entry: FileTreeEntry): void;
  /** Folders first, then by name (numbers in names in numeric order); default true. */
  sort?: boolean;
  /** Show the modification time column (default true; hide it in narrow panes). */
  showModified?: boolean;
  ariaLabel?: string;
}

type Children = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; entries: FileTreeEntry[] };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortEntries(entries: readonly FileTreeEntry[]): FileTreeEntry[] {
  const rank = (e: FileTreeEntry) => (e.kind === 'dir' || e.kind === 'root' ? 0 : 1);
  return [...entries].sort((a, b) => rank(a) - rank(b) || collator.compare(a.name, b.name));
}

const isDir = (e: FileTreeEntry) => e.kind === 'dir' || e.kind === 'root';

export function FileTree({
  entries,
  loadChildren,
  selected = null,
  onSelect,
  onOpen,
  sort = true,
  showModified = true,
  ariaLabel = 'Files',
}: FileTreeProps) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [children, setChildren] = useState<ReadonlyMap<string, Children>>(new Map());
  const [focus, setFocus] = useState<string | null>(null);
  const loadRef = useRef(loadChildren);
  loadRef.current = loadChildren;
  const rootRef = useRef<HTMLDivElement>(null);
  const order = useCallback((list: readonly FileTreeEntry[]) => (sort ? sortEntries(list) : [...list]), [sort]);

  const load = useCallback((path: string) => {
    setChildren((m) => new Map(m).set(path, { state: 'loading' }));
    loadRef.current(path).then(
      (list) => setChildren((m) => new Map(m).set(path, { state: 'ok', entries: list })),
      (e: unknown) =>
        setChildren((m) =>
          new Map(m).set(path, {
            state: 'error',
            message: e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : String(e),
          }),
        ),
    );
  }, []);

  const toggle = (entry: FileTreeEntry, want?: boolean) => {
    if (!isDir(entry)) return;
    const isOpen = open.has(entry.path);
    const next = want ?? !isOpen;
    if (next === isOpen) return;
    setOpen((s) => {
      const n = new Set(s);
      if (next) n.add(entry.path);
      else n.delete(entry.path);
      return n;
    });
    if (next) {
      const c = children.get(entry.path);
      if (!c || c.state === 'error') load(entry.path);
    }
  };

  // Rows in display order, for keyboard moves.
  const visible: { entry: FileTreeEntry; depth: number; parent: string | null }[] = [];
  const walk = (list: readonly FileTreeEntry[], depth: number, parent: string | null) => {
    for (const e of order(list)) {
      visible.push({ entry: e, depth, parent });
      const c = children.get(e.path);
      if (open.has(e.path) && c?.state === 'ok') walk(c.entries, depth + 1, e.path);
    }
  };
  walk(entries, 0, null);

  const focused = focus ?? selected ?? visible[0]?.entry.path ?? null;

  useEffect(() => {
    if (!focus) return;
    const rows = rootRef.current?.querySelectorAll<HTMLElement>('.file-entry') ?? [];
    for (const r of rows) if (r.dataset.path === focus) r.focus();
  }, [focus]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = visible.findIndex((v) => v.entry.path === focused);
    if (i < 0) return;
    const cur = visible[i];
    const move = (j: number) => {
      const t = visible[Math.max(0, Math.min(visible.length - 1, j))];
      if (t) {
        setFocus(t.entry.path);
        onSelect?.(t.entry);
      }
    };
    switch (e.key) {
      case 'ArrowDown':
        move(i + 1);
        break;
      case 'ArrowUp':
        move(i - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(visible.length - 1);
        break;
      case 'ArrowRight':
        if (isDir(cur.entry) && !open.has(cur.entry.path)) toggle(cur.entry, true);
        else if (isDir(cur.entry)) move(i + 1);
        break;
      case 'ArrowLeft':
        if (isDir(cur.entry) && open.has(cur.entry.path)) toggle(cur.entry, false);
        else if (cur.parent) move(visible.findIndex((v) => v.entry.path === cur.parent));
        break;
      case 'Enter':
        if (isDir(cur.entry)) toggle(cur.entry);
        else onOpen?.(cur.entry);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const renderLevel = (list: readonly FileTreeEntry[], depth: number) => (
    <ul role={depth === 0 ? undefined : 'group'} className="file-tree-list">
      {order(list).map((e) => {
        const dir = isDir(e);
        const isOpen = open.has(e.path);
        const c = children.get(e.path);
        return (
          <li key={e.path} role="treeitem" aria-expanded={dir ? isOpen : undefined} aria-selected={selected === e.path}>
            <div
              className={`file-entry${selected === e.path ? ' selected' : ''}`}
              style={{ paddingLeft: 6 + depth * 16 }}
              data-testid={`file-entry-${e.path}`}
              data-path={e.path}
              tabIndex={focused === e.path ? 0 : -1}
              onClick={() => {
                setFocus(e.path);
                onSelect?.(e);
                if (dir) toggle(e);
              }}
              onDoubleClick={() => !dir && onOpen?.(e)}
            >
              <span className="file-chevron" aria-hidden="true">
                {dir ? (isOpen ? '▾' : '▸') : ''}
              </span>
              <span className={`file-icon file-icon-${e.kind}`} aria-hidden="true">
                {dir ? <Icon name="folder" size={14} /> : e.kind === 'symlink' ? <Icon name="link" size={14} /> : <Icon name="file" size={14} />}
              </span>
              <span className="file-name" title={e.kind === 'symlink' ? `${e.name} (link, not followed)` : e.name}>
                {e.name}
              </span>
              <span className="file-size">{dir ? '' : formatBytes(e.size)}</span>
              <span className="file-time" title={e.modified ?? undefined}>
                {e.modified ? formatShort(e.modified) : ''}
              </span>
            </div>
            {dir && isOpen && c?.state === 'loading' && (
              <div className="file-note muted" style={{ paddingLeft: 28 + depth * 16 }}>
                Loading…
              </div>
            )}
            {dir && isOpen && c?.state === 'error' && (
              <div className="file-note text-danger" style={{ paddingLeft: 28 + depth * 16 }}>
                {c.message}{' '}
                <button type="button" className="btn btn-xs" onClick={() => load(e.path)}>
                  Retry
                </button>
              </div>
            )}
            {dir && isOpen && c?.state === 'ok' && c.entries.length === 0 && (
              <div className="file-note muted" style={{ paddingLeft: 28 + depth * 16 }}>
                Empty folder
              </div>
            )}
            {dir && isOpen && c?.state === 'ok' && c.entries.length > 0 && renderLevel(c.entries, depth + 1)}
          </li>
        );
      })}
    </ul>
  );

  return (
    <div ref={rootRef} className={`file-tree${showModified ? '' : ' file-tree-compact'}`} data-testid="file-tree" role="tree" aria-label={ariaLabel} onKeyDown={onKey}>
      {entries.length === 0 ? <div className="file-note muted">No files.</div> : renderLevel(entries, 0)}
    </div>
  );
}
