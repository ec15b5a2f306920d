// Compare runs: their blocking-probability curves overlaid with confidence
// bands, a legend naming what differs, the config keys that differ, the
// final metrics per run; exports as CSV, PNG and SVG.

import { useEffect, useMemo, useRef, useState } from 'react';
import { toDeskError, useBackend, type PlotFormat } from '../api/backend';
import type { BlockingVsLoadHandle, LoadSeries } from '../components/charts/BlockingVsLoadChart';
import { ChartCard, chartImage } from '../components/charts/ChartCard';
import { ErrorAlert } from '../components/ErrorAlert';
import { FigureDialog } from '../components/FigureDialog';
import { Icon } from '../components/Icon';
import { StatusBadge } from '../components/StatusBadge';
import { formatProbability, isPartial } from '../lib/chartData';
import { href } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { formatCount } from '../lib/units';
import './ComparePage.css';

function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function ComparePage({ ids }: { ids: string[] }) {
  const backend = useBackend();
  const [logScale, setLogScale] = useState(true);
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [figure, setFigure] = useState(false);
  const chart = useRef<BlockingVsLoadHandle>(null);
  const key = ids.join(',');

  const compared = useAsync(() => (key ? backend.compareRuns(key.split(',')) : null), [backend, key]);
  const cmp = compared.value ?? null;
  const error = compared.error;

  // A log axis cannot show a blocking probability of 0: start linear when any point is 0.
  useEffect(() => {
    if (cmp) setLogScale(cmp.runs.every((r) => r.points.every((p) => p.mean === null || p.mean > 0)));
  }, [cmp]);

  const series = useMemo<LoadSeries[]>(
    () =>
      (cmp?.runs ?? [])
        .filter((r) => r.points.some((p) => p.mean !== null))
        .map((r) => ({
          label: r.label,
          points: r.points.map((p) => ({ load: p.erlang, mean: p.mean, ciLow: p.ci_low, ciHigh: p.ci_high, partial: isPartial(p) })),
        })),
    [cmp],
  );

  const act = (name: string, fn: () => Promise<string | null>) => {
    setBusy(name);
    setNote(null);
    fn().then(
      (path) => {
        setBusy(null);
        if (path) setNote({ ok: true, text: `Saved to ${path}` });
      },
      (e: unknown) => {
        setBusy(null);
        setNote({ ok: false, text: toDeskError(e).message });
      },
    );
  };
  const savePlot = (format: PlotFormat) =>
    act(format, async () => backend.saveComparisonPlot(format, chartImage(chart.current, format, { title: 'Blocking probability vs load', logScale })));

  if (ids.length === 0) {
    return (
      <div className="page" data-testid="page-compare">
        <div className="empty">
          <div className="empty-title">No runs to compare</div>
          <p className="muted">Select runs in the list (tick their boxes) and press Compare.</p>
          <a className="btn" href={href({ page: 'runs' })}>
            Go to runs
          </a>
        </div>
      </div>
    );
  }

  return (
    <div className="page" data-testid="page-compare">
      <a className="back-link" href={href({ page: 'runs' })}>
        <Icon name="back" />
        Runs
      </a>
      <header className="page-header">
        <div>
          <h1>Compare {formatCount(ids.length)} runs</h1>
          <p className="page-subtitle">Blocking probability against load; the legend names what differs between the runs.</p>
        </div>
        <div className="actions">
          <button type="button" className="btn btn-sm" data-testid="compare-csv" disabled={!cmp || busy !== null} onClick={() => act('csv', () => backend.exportComparisonCsv(ids))}>
            <Icon name="download" />
            Export CSV
          </button>
          <button type="button" className="btn btn-sm" data-testid="compare-png" disabled={series.length === 0 || busy !== null} onClick={() => savePlot('png')}>
            Save chart as PNG
          </button>
          <button type="button" className="btn btn-sm" data-testid="compare-svg" disabled={series.length === 0 || busy !== null} onClick={() => savePlot('svg')}>
            Save chart as SVG
          </button>
          <button type="button" className="btn btn-sm" data-testid="compare-figure" disabled={series.length === 0} onClick={() => setFigure(true)}>
            Figure for a paper…
          </button>
        </div>
      </header>

      {note && (
        <div className={`artifact-note${note.ok ? ' artifact-note-ok' : ''}`} data-testid="compare-note" role="status">
          {note.ok && <Icon name="check" size={14} />}
          <span className="wrap">{note.text}</span>
        </div>
      )}
      {error && <ErrorAlert error={error} testId="compare-error" />}
      {!cmp && !error && <div className="loading">Comparing…</div>}

      {cmp && (
        <>
          {cmp.runs.some((r) => r.problem) && (
            <div className="alert alert-warning" data-testid="compare-problems" role="status">
              <div className="alert-body">
                <div className="alert-title">Not every run has a curve</div>
                <ul className="problems">
                  {cmp.runs
                    .filter((r) => r.problem)
                    .map((r) => (
                      <li key={r.id}>
                        <a href={href({ page: 'run', id: r.id })}>{r.name}</a>: {r.problem}
                      </li>
                    ))}
                </ul>
              </div>
            </div>
          )}

          <ChartCard
            title="Blocking probability vs load"
            series={series}
            logScale={logScale}
            onLogScaleChange={setLogScale}
            testId="compare"
            chartRef={chart}
            height={340}
            ciStyle="bands"
          />

          <section className="card">
            <div className="card-header">
              <h2>Final metrics</h2>
            </div>
            <div className="table-wrap">
              <table className="table compare-metrics" data-testid="compare-metrics">
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Differs by</th>
                    <th>Status</th>
                    <th className="num">Max load</th>
                    <th className="num">BP at max</th>
                    <th className="num">Mean BP</th>
                    <th className="num">Loads</th>
                    <th className="num" title="Requests per iteration">Req./iter.</th>
                    <th className="num">Iter.</th>
                    <th className="num">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {cmp.runs.map((r, i) => (
                    <tr key={r.id} data-testid={`compare-run-${r.id}`}>
                      <td className="cell-name">
                        <span className="legend-swatch" style={{ background: `var(--chart-${(series.findIndex((s) => s.label === r.label) % 8) + 1})` }} aria-hidden="true" />
                        <a href={href({ page: 'run', id: r.id })} title={r.id}>
                          {r.name}
                        </a>
                      </td>
                      <td className="mono small" data-testid={`compare-label-${i}`}>
                        {r.label}
                      </td>
                      <td>
                        <StatusBadge status={r.status} />
                      </td>
                      <td className="num mono">{r.metrics.highest_erlang ?? '—'}</td>
                      <td className="num mono">{formatProbability(r.metrics.highest_blocking)}</td>
                      <td className="num mono">{formatProbability(r.metrics.mean_blocking)}</td>
                      <td className="num mono">
                        {r.metrics.loads}
                        {r.points.some((p) => p.partial) && (
                          <>
                            {' '}
                            <span
                              className="tag tag-interrupted"
                              title={`Cut short at ${r.points.filter((p) => p.partial).map((p) => `${p.erlang} Erlang`).join(', ')}: those points cover only the iterations that ran`}
                              data-testid={`compare-partial-${r.id}`}
                            >
                              {r.points.filter((p) => p.partial).length} partial
                            </span>
                          </>
                        )}
                      </td>
                      <td className="num mono">{r.metrics.requests_per_iteration === null ? '—' : formatCount(r.metrics.requests_per_iteration)}</td>
                      <td className="num mono">{r.metrics.iterations}</td>
                      <td className="num mono">{formatSeconds(r.metrics.duration_seconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section className="card">
            <div className="card-header">
              <h2>Config differences</h2>
            </div>
            {cmp.diff.length === 0 ? (
              <p className="muted" data-testid="compare-diff-empty">
                The runs' configs are identical.
              </p>
            ) : (
              <div className="table-wrap">
                <table className="table compare-diff" data-testid="compare-diff">
                  <thead>
                    <tr>
                      <th>Key</th>
                      {cmp.runs.map((r) => (
                        <th key={r.id} title={r.id}>
                          {r.name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {cmp.diff.map((d) => {
                      const counts = new Map<string, number>();
                      for (const v of d.values) counts.set(v ?? '\u0000', (counts.get(v ?? '\u0000') ?? 0) + 1);
                      const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
                      return (
                        <tr key={d.key}>
                          <td className="mono small">{d.key}</td>
                          {d.values.map((v, i) => (
                            <td key={i} className={`mono small diff-cell${(v ?? '\u0000') !== common || counts.size === d.values.length ? ' diff-changed' : ''}`}>
                              {v === null ? <span className="muted">none</span> : v}
                            </td>
                          ))}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
      {figure && <FigureDialog request={{ runs: ids }} initial={{ y_scale: logScale ? 'log' : 'linear' }} onClose={() => setFigure(false)} />}
    </div>
  );
}
