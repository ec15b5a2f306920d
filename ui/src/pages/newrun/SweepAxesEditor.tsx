import { useMemo } from 'react';
import './SweepAxesEditor.css';
import type { AxisSpec } from '../../bindings/AxisSpec';
import type { ConfigKey } from '../../bindings/ConfigKey';
import type { SweepPreview } from '../../bindings/SweepPreview';
import { Icon } from '../../components/Icon';
import { formatEstimate } from './useValidation';
import type { SweepCheck } from './useVaryAxes';

export interface SweepAxesEditorProps {
  schema: ConfigKey[] | null;
  axes: AxisSpec[];
  onAxes(axes: AxisSpec[]): void;
  /** What the core says of the sweep the axes make. */
  check: SweepCheck;
}

/** The error's `section.key` when it names one of the axes. */
function axisOfError(message: string, axes: AxisSpec[]): number {
  return axes.findIndex((a) => {
    const key = a.key.trim();
    return key !== '' && (message.startsWith(`${key}:`) || message.startsWith(`${key}=`) || message.includes(`"${key}"`) || message.startsWith(`${key} `));
  });
}

/**
 * "Vary": keys of the config that take several values, each run being one
 * combination. Shows how many runs that makes and how long they should take.
 */
export function SweepAxesEditor({ schema, axes, onAxes, check }: SweepAxesEditorProps) {
  const { preview, error, complete, stale } = check;
  const keys = useMemo(() => (schema ?? []).filter((k) => k.usage !== 'ignored').map((k) => `${k.section}.${k.key}`), [schema]);
  const set = (i: number, patch: Partial<AxisSpec>) => onAxes(axes.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const errorAxis = error ? axisOfError(error.message, axes) : -1;

  return (
    <div className="sweep-axes" data-testid="sweep-axes">
      <div className="sweep-axes-head">
        <label>
          Vary <span className="optional">optional: one run per combination of the values</span>
        </label>
        <button type="button" className="btn btn-sm" data-testid="sweep-add-axis" onClick={() => onAxes([...axes, { key: '', values: '' }])}>
          <Icon name="plus" />
          Add a key to vary
        </button>
      </div>
      {axes.length === 0 ? (
        <div className="hint">
          No key varies: one run is created. Vary keys to create a sweep, e.g. <code>routing_settings.k_paths</code> over <code>1..4</code>.
        </div>
      ) : (
        <>
          <datalist id="sweep-keys">
            {keys.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
          <ul className="sweep-axis-list">
            {axes.map((a, i) => (
              <li key={i} className="sweep-axis" data-testid="sweep-axis">
                <input
                  type="text"
                  className={`mono${errorAxis === i ? ' invalid' : ''}`}
                  list="sweep-keys"
                  aria-label={`Key ${i + 1}`}
                  data-testid="sweep-axis-key"
                  placeholder="section.key"
                  value={a.key}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => set(i, { key: e.target.value })}
                />
                <span className="sweep-axis-in">in</span>
                <input
                  type="text"
                  className={`mono${errorAxis === i ? ' invalid' : ''}`}
                  aria-label={`Values of key ${i + 1}`}
                  data-testid="sweep-axis-values"
                  placeholder="1,3,7 or 1..4 or 0.1..0.5:0.1"
                  value={a.values}
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={errorAxis === i}
                  onChange={(e) => set(i, { values: e.target.value })}
                />
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  aria-label={`Stop varying ${a.key || `key ${i + 1}`}`}
                  data-testid="sweep-axis-remove"
                  onClick={() => onAxes(axes.filter((_, j) => j !== i))}
                >
                  <Icon name="x" />
                </button>
                {errorAxis === i && error && (
                  <div className="sweep-axis-error text-danger" role="alert" data-testid="sweep-axis-error">
                    {error.message}
                  </div>
                )}
              </li>
            ))}
          </ul>
          <div className="hint">
            Values: a list <code>1,3,7</code>, a range <code>1..4</code> (both ends included), a range with a step <code>100..500:100</code> or{' '}
            <code>0.1..0.5:0.1</code>, or a mix <code>1..3,10</code>.
          </div>
          {error && errorAxis < 0 && (
            <div className="sweep-error text-danger" role="alert" data-testid="sweep-error">
              {error.message}
            </div>
          )}
          {preview && !error && (
            <div className="sweep-summary" data-testid="sweep-summary" title={preview.estimate?.basis ?? 'No basis for a time estimate yet.'}>
              <strong>
                {preview.count} run{preview.count === 1 ? '' : 's'} will be created
              </strong>
              {' · '}
              {preview.estimate ? formatEstimate(preview.estimate.total_seconds) : 'time unknown'}
              {stale && <span className="checking"> · checking…</span>}
              {preview.warnings.map((w) => (
                <div key={w} className="hint sweep-warning" data-testid="sweep-warning">
                  {w}
                </div>
              ))}
            </div>
          )}
          {!preview && !error && complete && <div className="hint">Checking the sweep…</div>}
        </>
      )}
    </div>
  );
}

/** The sweep's size beside the Create button, where the eye is before launching. */
export function SweepSideSummary({ preview }: { preview: SweepPreview | null }) {
  return (
    <div className="sweep-side-summary" data-testid="sweep-side-summary" title={preview?.estimate?.basis}>
      {preview ? (
        <>
          Sweep: <strong>{preview.count} runs</strong> · {preview.estimate ? formatEstimate(preview.estimate.total_seconds) : 'time unknown'} in all
        </>
      ) : (
        'Sweep: no run count until every key under “Vary” has valid values.'
      )}
    </div>
  );
}
