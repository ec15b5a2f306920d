import { useMemo, useState } from 'react';
import type { FigureOptions } from '../../bindings/FigureOptions';
import type { PlotRequest } from '../../bindings/PlotRequest';
import type { Run } from '../../bindings/Run';
import type { Sweep } from '../../bindings/Sweep';
import { useBackend } from '../../api/backend';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FigureDialog, PAPER_COLUMN, svgSource } from '../../components/FigureDialog';
import { useDebounced } from '../../lib/hooks';
import { useAsync } from '../../lib/useAsync';
import { sweepRunLabel } from './runLabel';
import './SweepPlot.css';

/** The sweep's plot on screen: larger than a paper column, same renderer. */
const SCREEN: FigureOptions = { ...PAPER_COLUMN, width: 16, height: 9.5, font_size_pt: 9, line_width_pt: 1.2 };
/** One small multiple: a run's blocking against load. */
const SMALL: FigureOptions = { ...PAPER_COLUMN, width: 7, height: 5, font_size_pt: 7, line_width_pt: 1, legend: 'none' };
/** Most small multiples drawn at once (each is one call into the core). */
export const MAX_MULTIPLES = 24;

type YChoice = 'mean_blocking' | 'blocking_at' | 'bit_rate_blocking' | 'highest_blocking';

const Y_CHOICES: { value: YChoice; label: string }[] = [
  { value: 'mean_blocking', label: 'Mean blocking' },
  { value: 'blocking_at', label: 'Blocking at a load' },
  { value: 'highest_blocking', label: 'Blocking at the highest load' },
  { value: 'bit_rate_blocking', label: 'Bit-rate blocking' },
];

/** The request for a metric against a varied key (`null`: not yet a valid choice). */
export function sweepPlotRequest(sweepId: string, x: string, y: YChoice, load: string, by: string): PlotRequest | null {
  if (!x) return null;
  let metric: string = y;
  if (y === 'blocking_at') {
    const e = Number(load);
    if (load.trim() === '' || !Number.isFinite(e) || e < 0) return null;
    metric = `blocking@${e}`;
  }
  return { runs: [], sweep: sweepId, x, y: metric, ...(by ? { by } : {}) };
}

/** The core's figure of `request`, drawn again when `refresh` changes (the runs' results grew). */
function useFigure(request: PlotRequest | null, options: FigureOptions, refresh: number) {
  const backend = useBackend();
  const key = request ? JSON.stringify(request) : '';
  const drawn = useAsync(() => (key ? backend.figurePreview(JSON.parse(key) as PlotRequest, options) : null), [backend, key, options, refresh]);
  // A failed drawing shows its error, not the figure before it.
  const error = drawn.error;
  const figure = error ? null : (drawn.value ?? null);
  return { figure, error };
}

/**
 * A sweep plotted against what it varied: a metric against one varied key,
 * one line per value of a second, with confidence intervals where the
 * metric has them; and every run's curve against load as small multiples.
 * Both are the core's figures, so what is seen is what the dialog saves.
 */
export function SweepPlot({ sweep, runs }: { sweep: Sweep; runs: Run[] }) {
  const keys = sweep.axes.map((a) => `${a.section}.${a.key}`);
  const [x, setX] = useState(keys[0] ?? '');
  const [by, setBy] = useState(keys[1] ?? '');
  const [y, setY] = useState<YChoice>('mean_blocking');
  const [loadText, setLoadText] = useState('');
  const [log, setLog] = useState(false);
  const [dialog, setDialog] = useState<PlotRequest | null>(null);
  const load = useDebounced(loadText, 300);
  const request = useMemo(() => sweepPlotRequest(sweep.id, x, y, load, by === x ? '' : by), [sweep.id, x, y, load, by]);
  const options = useMemo<FigureOptions>(() => ({ ...SCREEN, y_scale: log ? 'log' : 'linear' }), [log]);
  const finished = runs.filter((r) => r.metrics != null && r.metrics.loads > 0);
  // Drawn again when a run's results arrive or grow, not on every run event.
  const refresh = finished.reduce((n, r) => n + (r.metrics?.loads ?? 0) + (r.status === 'COMPLETED' ? 1 : 0), 0);
  const { figure, error } = useFigure(request, options, refresh);

  if (keys.length === 0) return null;
  return (
    <section className="card sweep-plot" data-testid="sweep-plot">
      <div className="card-header">
        <h2>Plot against what the sweep varied</h2>
        <div className="card-header-actions">
          <button type="button" className="btn btn-sm" disabled={!request || !figure} onClick={() => request && setDialog(request)} data-testid="sweep-plot-figure">
            Figure for a paper…
          </button>
        </div>
      </div>
      <div className="sweep-plot-controls">
        <label>
          Against
          <select
            className="input"
            value={x}
            data-testid="sweep-plot-x"
            onChange={(e) => {
              const next = e.target.value;
              // Plotting against the key that split the lines swaps the two.
              if (next === by) setBy(x);
              setX(next);
            }}
          >
            {keys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Metric
          <select className="input" value={y} onChange={(e) => setY(e.target.value as YChoice)} data-testid="sweep-plot-y">
            {Y_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {y === 'blocking_at' && (
          <label>
            Load (Erlang)
            <input type="number" min={0} className="input input-narrow" value={loadText} onChange={(e) => setLoadText(e.target.value)} data-testid="sweep-plot-load" />
          </label>
        )}
        <label>
          One line per
          <select className="input" value={by === x ? '' : by} onChange={(e) => setBy(e.target.value)} data-testid="sweep-plot-by">
            <option value="">(one line)</option>
            {keys
              .filter((k) => k !== x)
              .map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="sweep-plot-log" />
          Log y axis
        </label>
      </div>
      {!request && y === 'blocking_at' && <p className="muted">Enter the load whose blocking to plot.</p>}
      {error && <ErrorAlert error={error} testId="sweep-plot-error" />}
      {figure && (
        <div className="sweep-plot-main">
          <img src={svgSource(figure.svg)} alt={`${figure.file_stem}: ${y} against ${x}`} data-testid="sweep-plot-image" />
          {figure.notes.length > 0 && (
            <ul className="figure-notes small" data-testid="sweep-plot-notes">
              {figure.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <h3 className="sweep-multiples-title">Every run against load</h3>
      {finished.length === 0 ? (
        <p className="muted" data-testid="sweep-multiples-empty">
          No run has results yet.
        </p>
      ) : (
        <>
          <div className="sweep-multiples" data-testid="sweep-multiples">
            {finished.slice(0, MAX_MULTIPLES).map((r) => (
              <SmallMultiple key={r.id} run={r} label={sweepRunLabel(sweep.name, r.name)} log={log} onOpen={() => setDialog({ runs: [r.id] })} />
            ))}
          </div>
          {finished.length > MAX_MULTIPLES && (
            <p className="muted small">
              The first {MAX_MULTIPLES} of {finished.length} runs with results; compare or plot the rest from the run list.
            </p>
          )}
        </>
      )}
      {dialog && <FigureDialog request={dialog} initial={{ y_scale: log ? 'log' : 'linear' }} onClose={() => setDialog(null)} />}
    </section>
  );
}

function SmallMultiple({ run, label, log, onOpen }: { run: Run; label: string; log: boolean; onOpen: () => void }) {
  const request = useMemo<PlotRequest>(() => ({ runs: [run.id] }), [run.id]);
  const options = useMemo<FigureOptions>(() => ({ ...SMALL, y_scale: log ? 'log' : 'linear' }), [log]);
  const { figure, error } = useFigure(request, options, (run.metrics?.loads ?? 0) + (run.status === 'COMPLETED' ? 1 : 0));
  return (
    <figure data-testid={`sweep-multiple-${run.id}`}>
      {figure ? (
        <button type="button" className="btn-bare" onClick={onOpen} title="Make a figure of this run">
          <img src={svgSource(figure.svg)} alt={`${run.name}: blocking against load`} />
        </button>
      ) : error ? (
        <p className="muted small">{error.message}</p>
      ) : (
        <div className="loading small">Drawing…</div>
      )}
      <figcaption title={run.name} data-testid={`sweep-multiple-label-${run.id}`}>
        {label}
      </figcaption>
    </figure>
  );
}
