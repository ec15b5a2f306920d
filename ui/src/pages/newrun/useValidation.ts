// Validates a config text with the core, debounced: the report of the latest
// text wins, earlier answers arriving late are dropped.

import { useEffect, useRef, useState } from 'react';
import type { DeskError } from '../../bindings/DeskError';
import type { ValidationReport } from '../../bindings/ValidationReport';
import { toDeskError } from '../../api/backend';
import type { Backend } from '../../api/backend';

export const VALIDATE_DELAY_MS = 300;

export interface Validation {
  report: ValidationReport | null;
  /** The text `report` is about. */
  checkedText: string | null;
  /** A newer text is waiting for its report. */
  pending: boolean;
  error: DeskError | null;
}

export function useValidation(backend: Backend, text: string | null, delayMs = VALIDATE_DELAY_MS): Validation {
  const [state, setState] = useState<Omit<Validation, 'pending'>>({ report: null, checkedText: null, error: null });
  const seq = useRef(0);

  useEffect(() => {
    if (text === null) return;
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      backend.validateConfig(text).then(
        (report) => {
          if (mine === seq.current) setState({ report, checkedText: text, error: null });
        },
        (e: unknown) => {
          if (mine === seq.current) setState((s) => ({ ...s, checkedText: text, error: toDeskError(e) }));
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
  }, [backend, text, delayMs]);

  return { ...state, pending: text !== null && state.checkedText !== text };
}

/** "about 0.3 s", "about 4 s", "about 3 min", "about 1.5 h". */
export function formatEstimate(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown time';
  if (seconds < 0.95) return `about ${Math.max(0.1, seconds).toFixed(1)} s`;
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min`;
  const h = seconds / 3600;
  if (h < 48) return `about ${h < 10 ? h.toFixed(1).replace(/\.0$/, '') : Math.round(h)} h`;
  return `about ${Math.round(h / 24)} days`;
}
