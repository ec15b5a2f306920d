// Lines selected by clicking their numbers (shift-click extends), and
// copying them, or the lines in view when none are selected.

import { useCallback, useEffect, useState, type RefObject } from 'react';

/** Most lines one copy of a selection takes. */
export const MAX_COPY_LINES = 100_000;

type CopyState = 'idle' | 'busy' | 'copied' | 'failed';

export interface LineSelectionInputs {
  getLines: RefObject<(first: number, count: number) => Promise<string[]>>;
  onCopyAll: (() => void | Promise<void>) | undefined;
  sourceKey: string | undefined;
  lineCount: number;
  /** The lines in view: `first … lastVisible`. */
  first: number;
  lastVisible: number;
}

export function useLineSelection({ getLines, onCopyAll, sourceKey, lineCount, first, lastVisible }: LineSelectionInputs) {
  const [selection, setSelection] = useState<{ anchor: number; focus: number } | null>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');

  // A selection in another log does not apply.
  useEffect(() => setSelection(null), [sourceKey]);

  const onGutter = useCallback((line: number, extend: boolean) => {
    setSelection((sel) => {
      if (extend && sel) return { anchor: sel.anchor, focus: line };
      if (sel && sel.anchor === line && sel.focus === line) return null;
      return { anchor: line, focus: line };
    });
  }, []);

  const selFirst = selection ? Math.min(selection.anchor, selection.focus) : -1;
  const selLast = selection ? Math.max(selection.anchor, selection.focus) : -2;
  const selCount = selection ? selLast - selFirst + 1 : 0;

  useEffect(() => {
    if (copyState === 'idle' || copyState === 'busy') return;
    const t = setTimeout(() => setCopyState('idle'), 1500);
    return () => clearTimeout(t);
  }, [copyState]);

  const copy = async () => {
    const clip = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (!clip) {
      setCopyState('failed');
      return;
    }
    const from = selection ? selFirst : first;
    const count = selection ? Math.min(selCount, MAX_COPY_LINES) : Math.max(0, Math.min(lineCount, lastVisible + 1) - first);
    if (count <= 0) return;
    setCopyState('busy');
    try {
      const lines = await getLines.current(from, count);
      await clip.writeText(lines.join('\n'));
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };

  const copyAll = async () => {
    if (!onCopyAll) return;
    try {
      await onCopyAll();
    } catch {
      setCopyState('failed');
    }
  };

  return {
    hasSelection: selection !== null,
    clearSelection: () => setSelection(null),
    onGutter,
    selFirst,
    selLast,
    selCount,
    copyState,
    copy,
    copyAll,
  };
}

export type LineSelection = ReturnType<typeof useLineSelection>;
