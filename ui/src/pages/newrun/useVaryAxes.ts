// "Vary": the keys of the config that take several values, and the core's
// preview of the sweep they make (how many runs, about how long), asked for
// once the axes have stopped changing.

import { useCallback, useMemo, useState } from 'react';
import type { AxisSpec } from '../../bindings/AxisSpec';
import type { ConfigKey } from '../../bindings/ConfigKey';
import type { DeskError } from '../../bindings/DeskError';
import type { SweepPreview } from '../../bindings/SweepPreview';
import type { SweepRequest } from '../../bindings/SweepRequest';
import { useBackend } from '../../api/backend';
import { useDebounced } from '../../lib/hooks';
import { useAsync } from '../../lib/useAsync';

export type SweepBase = Omit<SweepRequest, 'axes'>;

const PREVIEW_DELAY_MS = 300;

export interface SweepCheck {
  /** The preview of the latest complete axes (null: none, or they are invalid). */
  preview: SweepPreview | null;
  error: DeskError | null;
  /** Every axis has a key and values. */
  complete: boolean;
  /** The preview shown is not yet about the axes as they are. */
  stale: boolean;
}

export interface VaryAxes {
  axes: AxisSpec[];
  setAxes(axes: AxisSpec[]): void;
  /** Values by `section.key` of the keys being varied. */
  varied: Map<string, string>;
  /** Starts varying a key from its current value (no-op when it is varied already). */
  vary(section: string, key: string, current: string | undefined): void;
  check: SweepCheck;
}

/** `base`: the request without its axes (template, config text, overrides); null while it is not valid. */
export function useVaryAxes(schema: ConfigKey[] | null, base: SweepBase | null): VaryAxes {
  const backend = useBackend();
  const [axes, setAxes] = useState<AxisSpec[]>([]);

  // Keys being varied, by section.key (a bare key is completed with its
  // section when the schema has it in one place, as the core does).
  const varied = useMemo(() => {
    const m = new Map<string, string>();
    for (const a of axes) {
      let key = a.key.trim();
      if (!key) continue;
      if (!key.includes('.') && schema) {
        const found = schema.filter((k) => k.key === key.toLowerCase() && k.usage !== 'ignored');
        if (found.length === 1) key = `${found[0].section}.${found[0].key}`;
      }
      m.set(key, a.values);
    }
    return m;
  }, [axes, schema]);

  const vary = useCallback(
    (section: string, key: string, current: string | undefined) => {
      const path = `${section}.${key}`;
      if (varied.has(path)) return;
      setAxes((list) => [...list.filter((a) => a.key.trim() !== ''), { key: path, values: current?.trim() ?? '' }]);
    },
    [varied],
  );

  const complete = axes.length > 0 && axes.every((a) => a.key.trim() && a.values.trim());
  const request = useMemo(() => (base && complete ? JSON.stringify({ ...base, axes }) : null), [base, axes, complete]);
  const debounced = useDebounced(request, PREVIEW_DELAY_MS);
  const previewed = useAsync(() => (debounced ? backend.previewSweep(JSON.parse(debounced) as SweepRequest) : null), [backend, debounced]);
  // A failed check shows its error, not the preview before it.
  const error = previewed.error;
  const preview = error ? null : (previewed.value ?? null);

  return {
    axes,
    setAxes,
    varied,
    vary,
    check: { preview, error, complete, stale: request !== debounced || previewed.loading },
  };
}
