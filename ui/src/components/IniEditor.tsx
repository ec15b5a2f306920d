// A config.ini text editor (CodeMirror 6, bundled): INI highlighting, line
// numbers, search, undo, and the backend's diagnostics shown inline.

import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Annotation, Compartment, EditorState, type Text } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { useDocumentTheme } from '../lib/chartTheme';
import './IniEditor.css';

export interface IniDiagnostic {
  /** 1-based line; null (or out of range) marks the first line. */
  line: number | null;
  message: string;
  severity: 'error' | 'warning';
}

export interface IniEditorHandle {
  focus(): void;
  /** Puts the cursor at the start of a 1-based line and scrolls it into view. */
  goToLine(line: number): void;
  /** The CodeMirror view, for what the props do not cover. */
  readonly view: EditorView | null;
}

export interface IniEditorProps {
  value: string;
  onChange(text: string): void;
  diagnostics?: readonly IniDiagnostic[];
  readOnly?: boolean;
  /** Accessible name of the text area. */
  ariaLabel?: string;
  /** CSS height of the editor (default 420px); it scrolls inside. */
  height?: string;
  ref?: Ref<IniEditorHandle>;
}

/** Marks changes that came from the `value` prop, so they are not reported back. */
const External = Annotation.define<boolean>();

const iniHighlight = HighlightStyle.define([
  { tag: tags.comment, color: 'var(--ini-comment)', fontStyle: 'italic' },
  { tag: tags.heading, color: 'var(--ini-section)', fontWeight: '600' },
  { tag: tags.definition(tags.variableName), color: 'var(--ini-key)' },
  { tag: tags.quote, color: 'var(--ini-value)' },
]);

const baseTheme = EditorView.theme({
  '&': {
    height: '100%',
    backgroundColor: 'var(--code-bg)',
    color: 'var(--text)',
    fontSize: '12.5px',
  },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.6' },
  '.cm-content': { caretColor: 'var(--accent)', padding: '6px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--accent)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--row-selected)',
  },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground': { backgroundColor: 'var(--accent-soft)' },
  '.cm-gutters': {
    backgroundColor: 'var(--code-bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--surface-hover)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--surface-hover)', color: 'var(--text)' },
  '.cm-lineNumbers .cm-gutterElement': { padding: '0 8px 0 10px' },
  '.cm-searchMatch': { backgroundColor: 'var(--mark-bg)', outline: '1px solid var(--warning-border)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'var(--mark-current-bg)' },
  '.cm-selectionMatch': { backgroundColor: 'var(--accent-soft)' },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-panel.cm-search input, .cm-panel.cm-search button, .cm-panel.cm-search label': { fontSize: '12px' },
  '.cm-textfield': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: '4px',
    minHeight: '0',
    width: 'auto',
    padding: '2px 6px',
  },
  '.cm-button': {
    backgroundImage: 'none',
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: '4px',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: '6px',
    boxShadow: 'var(--shadow)',
  },
  '.cm-diagnostic': { fontFamily: 'var(--font)', fontSize: '12px', padding: '4px 8px' },
  '.cm-diagnostic-error': { borderLeft: '3px solid var(--danger)' },
  '.cm-diagnostic-warning': { borderLeft: '3px solid var(--warning)' },
  '.cm-gutter-lint': { width: '14px' },
});

/** CodeMirror diagnostics for the text: whole lines, clamped to the document. */
export function toCmDiagnostics(doc: Text, diagnostics: readonly IniDiagnostic[]): CmDiagnostic[] {
  return diagnostics.map((d) => {
    const n = d.line !== null && d.line >= 1 && d.line <= doc.lines ? d.line : 1;
    const line = doc.line(n);
    // Underline the text of the line, without its indentation.
    const indent = /^\s*/.exec(line.text)?.[0].length ?? 0;
    const from = line.text.trim() === '' ? line.from : line.from + indent;
    return { from, to: line.to, severity: d.severity, message: d.message };
  });
}

/** The smallest single change that turns `a` into `b` (common prefix and suffix kept). */
export function minimalChange(a: string, b: string): { from: number; to: number; insert: string } | null {
  if (a === b) return null;
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { from: start, to: endA, insert: b.slice(start, endB) };
}

export function IniEditor({ value, onChange, diagnostics = [], readOnly = false, ariaLabel = 'config.ini', height = '420px', ref }: IniEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const readOnlyConf = useRef(new Compartment());
  const themeConf = useRef(new Compartment());
  const labelConf = useRef(new Compartment());
  const theme = useDocumentTheme();
  const initial = useRef({ value, readOnly, theme, ariaLabel });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const init = initial.current;
    const v = new EditorView({
      parent: el,
      state: EditorState.create({
        doc: init.value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          drawSelection(),
          bracketMatching(),
          search({ top: false }),
          highlightSelectionMatches(),
          keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
          StreamLanguage.define(properties),
          syntaxHighlighting(iniHighlight),
          lintGutter(),
          baseTheme,
          themeConf.current.of(EditorView.theme({}, { dark: init.theme === 'dark' })),
          readOnlyConf.current.of(readOnlyExtensions(init.readOnly)),
          labelConf.current.of(EditorView.contentAttributes.of({ 'aria-label': init.ariaLabel })),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            if (u.transactions.some((t) => t.annotation(External))) return;
            onChangeRef.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // Outside edits (the form changed a key): apply only what differs, so the cursor stays put.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const change = minimalChange(v.state.doc.toString(), value);
    if (change) v.dispatch({ changes: change, annotations: External.of(true) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, toCmDiagnostics(v.state.doc, diagnostics)));
  }, [diagnostics, value]);

  useEffect(() => {
    view.current?.dispatch({ effects: readOnlyConf.current.reconfigure(readOnlyExtensions(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({ effects: themeConf.current.reconfigure(EditorView.theme({}, { dark: theme === 'dark' })) });
  }, [theme]);

  useEffect(() => {
    view.current?.dispatch({ effects: labelConf.current.reconfigure(EditorView.contentAttributes.of({ 'aria-label': ariaLabel })) });
  }, [ariaLabel]);

  useImperativeHandle(
    ref,
    () => ({
      focus: () => view.current?.focus(),
      goToLine: (line: number) => {
        const v = view.current;
        if (!v) return;
        const n = Math.min(Math.max(1, Math.floor(line)), v.state.doc.lines);
        const pos = v.state.doc.line(n).from;
        v.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
        v.focus();
      },
      get view() {
        return view.current;
      },
    }),
    [],
  );

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  // Errors first, then by line: every problem listed at once under the
  // text, not one hover at a time.
  const listed = [...diagnostics].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || (a.line ?? 0) - (b.line ?? 0));
  const goTo = (line: number | null) => {
    const v = view.current;
    if (!v) return;
    const n = line !== null && line >= 1 && line <= v.state.doc.lines ? line : 1;
    const at = v.state.doc.line(n).from;
    v.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    v.focus();
  };
  return (
    <>
      <div className={`ini-editor${readOnly ? ' ini-editor-readonly' : ''}`} data-testid="ini-editor" style={{ height }}>
        <div ref={host} className="ini-editor-host" />
        {diagnostics.length > 0 && (
          <div className="ini-editor-status" data-testid="ini-editor-status">
            {errors > 0 && <span className="text-danger">{errors === 1 ? '1 error' : `${errors} errors`}</span>}
            {warnings > 0 && <span className="ini-editor-warn">{warnings === 1 ? '1 warning' : `${warnings} warnings`}</span>}
          </div>
        )}
      </div>
      {listed.length > 0 && (
        <ul className="ini-editor-problems" data-testid="ini-editor-problems">
          {listed.map((d, i) => (
            <li key={i} className={d.severity === 'error' ? 'text-danger' : 'ini-editor-warn'}>
              <button type="button" className="link-btn mono" onClick={() => goTo(d.line)} title="Show the line">
                {d.line !== null ? `line ${d.line}` : 'top'}
              </button>{' '}
              <span className="ini-editor-problem-text">{d.message}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function readOnlyExtensions(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}
