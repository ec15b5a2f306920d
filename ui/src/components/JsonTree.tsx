// A foldable view of a parsed JSON value. Clicking a key copies its path.

import { useState } from 'react';
import './JsonTree.css';

export interface JsonTreeProps {
  /** A parsed JSON value (what JSON.parse returns). */
  value: unknown;
  /** Levels open at first (default 2). */
  openDepth?: number;
  /** Items of an array or object shown before "show more" (default 100). */
  pageSize?: number;
  /** Called with the path of a clicked key (after copying it when the clipboard is available). */
  onCopyPath?(path: string): void;
  /** Name shown for the root (default "$"). */
  rootLabel?: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.stats["150"].blocking[3]`: a path in JavaScript notation. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENT.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

const MAX_STRING = 2000;

export function JsonTree({ value, openDepth = 2, pageSize = 100, onCopyPath, rootLabel = '$' }: JsonTreeProps) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (path: string) => {
    const clip = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    const done = () => {
      setCopied(path);
      onCopyPath?.(path);
    };
    if (clip) clip.writeText(path).then(done, done);
    else done();
  };
  return (
    <div className="json-tree mono" data-testid="json-tree" role="tree">
      <JsonNode name={rootLabel} path={rootLabel} value={value} depth={0} openDepth={openDepth} pageSize={pageSize} onKey={copy} isRoot />
      <div className="json-copied" aria-live="polite">
        {copied && (
          <>
            Copied <code>{copied}</code>
          </>
        )}
      </div>
    </div>
  );
}

interface NodeProps {
  name: string | number;
  path: string;
  value: unknown;
  depth: number;
  openDepth: number;
  pageSize: number;
  onKey(path: string): void;
  isRoot?: boolean;
  last?: boolean;
}

function JsonNode({ name, path, value, depth, openDepth, pageSize, onKey, isRoot, last = true }: NodeProps) {
  const container = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(pageSize);
  const comma = last ? '' : ',';

  const key = (
    <button
      type="button"
      className={`json-key${isRoot ? ' json-root' : ''}`}
      title={`Copy path ${path}`}
      onClick={() => onKey(path)}
      data-path={path}
    >
      {typeof name === 'number' ? name : isRoot ? name : JSON.stringify(name)}
    </button>
  );

  if (!container) {
    return (
      <div className="json-row" role="treeitem" aria-selected={false} style={{ paddingLeft: depth * 16 + 18 }}>
        {key}
        <span className="json-colon">: </span>
        <Primitive value={value} />
        {comma}
      </div>
    );
  }

  const isArray = Array.isArray(value);
  const entries: [string | number, unknown][] = isArray
    ? (value as unknown[]).map((v, i) => [i, v])
    : Object.entries(value as Record<string, unknown>);
  const [openB, closeB] = isArray ? ['[', ']'] : ['{', '}'];
  const count = entries.length;
  const summary = isArray ? `${count} item${count === 1 ? '' : 's'}` : `${count} key${count === 1 ? '' : 's'}`;

  return (
    <div role="treeitem" aria-expanded={open} aria-selected={false}>
      <div className="json-row" style={{ paddingLeft: depth * 16 }}>
        <button
          type="button"
          className="json-toggle"
          aria-label={open ? `Fold ${path}` : `Unfold ${path}`}
          onClick={() => setOpen((o) => !o)}
          disabled={count === 0}
        >
          {count === 0 ? '' : open ? '▾' : '▸'}
        </button>
        {key}
        <span className="json-colon">: </span>
        {open && count > 0 ? (
          <span className="json-brace">{openB}</span>
        ) : (
          <button type="button" className="json-summary" onClick={() => count > 0 && setOpen(true)}>
            {openB}
            {count > 0 ? <span className="json-count"> {summary} </span> : ''}
            {closeB}
            {comma}
          </button>
        )}
      </div>
      {open && count > 0 && (
        <div role="group">
          {entries.slice(0, shown).map(([k, v], i) => (
            <JsonNode
              key={k}
              name={k}
              path={childPath(path, k)}
              value={v}
              depth={depth + 1}
              openDepth={openDepth}
              pageSize={pageSize}
              onKey={onKey}
              last={i === count - 1}
            />
          ))}
          {count > shown && (
            <div className="json-row" style={{ paddingLeft: (depth + 1) * 16 + 18 }}>
              <button type="button" className="json-more" data-testid="json-show-more" onClick={() => setShown((s) => s + pageSize)}>
                Show {Math.min(pageSize, count - shown)} more
              </button>
              <span className="muted"> ({count - shown} hidden) </span>
              {count - shown > pageSize && (
                <button type="button" className="json-more" onClick={() => setShown(count)}>
                  show all
                </button>
              )}
            </div>
          )}
          <div className="json-row" style={{ paddingLeft: depth * 16 + 18 }}>
            <span className="json-brace">{closeB}</span>
            {comma}
          </div>
        </div>
      )}
    </div>
  );
}

function Primitive({ value }: { value: unknown }) {
  if (typeof value === 'string') {
    const text = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    return (
      <span className="json-string" title={value.length > MAX_STRING ? `${value.length} characters` : undefined}>
        {JSON.stringify(text)}
      </span>
    );
  }
  if (typeof value === 'number') return <span className="json-number">{Number.isFinite(value) ? String(value) : 'null'}</span>;
  if (typeof value === 'boolean') return <span className="json-literal">{String(value)}</span>;
  if (value === null) return <span className="json-literal">null</span>;
  return <span className="muted">{String(value)}</span>;
}
