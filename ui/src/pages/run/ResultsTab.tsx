// The run's results, one row per load, with the blocking-vs-load chart and
// exports (CSV of the table, the plot as PNG or SVG).

import { useMemo, useRef, useState } from 'react';
import { toDeskError, useBackend, type PlotFormat } from '../../api/backend';
import type { ErlangResult } from '../../bindings/ErlangResult';
import type { BlockingVsLoadHandle, LoadSeries } from '../../components/charts/BlockingVsLoadChart';
import { ChartCard, chartImage } from '../../components/charts/ChartCard';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FigureDialog } from '../../components/FigureDialog';
import { Icon } from '../../components/Icon';
import { formatProbability, isPartial } from '../../lib/chartData';
import { formatCount } from '../../lib/units';
import { useShownKey } from '../../lib/hooks';
import { useAsync } from '../../lib/useAsync';
import { formatErlang } from './progress';
import './ResultsTab.css';

function num(v: number | null, digits = 2): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function withCi(mean: number | null, ci: number | null, percent: number | null): string {
  if (mean === null) return '—';
  if (ci === null) return formatProbability(mean);
  return `${formatProbability(mean)} ± ${formatProbability(ci)}${percent !== null ? ` (${percent.toFixed(1)} %)` : ''}`;
}

export function ResultsTab({ runId, runName, active, refreshKey }: { runId: string; runName: string; active: boolean; refreshKey: string }) {
  const backend = useBackend();
  const [logScale, setLogScale] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [figure, setFigure] = useState(false);
  const chart = useRef<BlockingVsLoadHandle>(null);
  const asked = useShownKey(active, refreshKey);
  const read = useAsync(() => (asked === null ? null : backend.results(runId)), [backend, runId, asked]);
  const table = read.value ?? null;
  const error = read.error;

  const series = useMemo<LoadSeries[]>(() => {
    // FUSION's interval is mean ± ci_rate_block, symmetric: near zero blocking
    // it reaches below zero, and the chart decides how to draw that.
    const points = (table?.rows ?? [])
      .filter((r) => r.blocking_mean !== null)
      .map((r) => ({
        load: r.erlang,
        mean: r.blocking_mean,
        ciLow: r.ci_rate_block !== null && r.blocking_mean !== null ? r.blocking_mean - r.ci_rate_block : null,
        ciHigh: r.ci_rate_block !== null && r.blocking_mean !== null ? r.blocking_mean + r.ci_rate_block : null,
        partial: isPartial(r),
      }));
    return points.length ? [{ label: runName, points }] : [];
  }, [table, runName]);

  const run = (name: string, fn: () => Promise<string | null>) => {
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
    run(format, async () => backend.saveResultsPlot(runId, format, chartImage(chart.current, format, { title: `${runName}: blocking probability vs load`, logScale })));

  if (error) return <ErrorAlert error={error} />;
  if (!table) return <div className="loading">Loading results…</div>;

  const rows = table.rows;
  const training = rows.length > 0 && rows.every((r) => r.is_training);
  const partial = rows.filter((r) => r.partial);
  return (
    <div className="run-results">
      {table.problems.length > 0 && (
        <div className="alert alert-warning" data-testid="results-problems" role="alert">
          <div className="alert-body">
            <div className="alert-title">Some result files could not be read</div>
            <ul className="problems">
              {table.problems.map((p, i) => (
                <li key={i} className="mono small">
                  {p}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}

      <section className="card">
        <div className="card-header">
          <h2>Results per load</h2>
          <div className="card-header-actions">
            <button type="button" className="btn btn-sm" data-testid="results-csv" disabled={busy !== null || rows.length === 0} onClick={() => run('csv', () => backend.exportResultsCsv(runId))}>
              Export CSV
            </button>
            <button type="button" className="btn btn-sm" data-testid="results-figure" disabled={series.length === 0} onClick={() => setFigure(true)}>
              Figure for a paper…
            </button>
          </div>
        </div>
        {note && (
          <div className={`artifact-note${note.ok ? ' artifact-note-ok' : ''}`} data-testid="results-note" role="status">
            {note.ok && <Icon name="check" size={14} />}
            <span className="wrap">{note.text}</span>
          </div>
        )}
        {training && (
          <p className="muted small" data-testid="results-training">
            A run in FUSION's RL training mode (is_training = True): FUSION computes no confidence interval and writes no blocking statistics, so
            there is no blocking curve. Per-iteration blocking, where the files have it, is still shown.
          </p>
        )}
        {partial.length > 0 && (
          <div className="alert alert-warning" data-testid="results-partial" role="status">
            <div className="alert-body">
              {partial.length === 1 ? 'One load was' : `${partial.length} loads were`} cut short ({partial.map((r) => `${formatErlang(r.erlang)} Erlang`).join(', ')}): their
              statistics cover only the iterations that ran.
            </div>
          </div>
        )}
        {rows.length === 0 ? (
          <div className="empty" data-testid="results-empty">
            <div className="empty-title">No results yet</div>
            <p className="muted">Results appear when the simulator writes its first output/&lt;Erlang&gt;_erlang.json file.</p>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table results-table" data-testid="results-table">
              <thead>
                <tr>
                  <th className="num">Erlang</th>
                  <th className="num">Iterations</th>
                  <th className="num">Blocking (mean ± CI)</th>
                  <th className="num">Bit-rate blocking</th>
                  <th className="num">Hops</th>
                  <th className="num">Path length (km)</th>
                  <th className="num">Transponders</th>
                  <th>Blocked per bandwidth</th>
                  <th>Modulation use</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <ResultRow key={r.erlang} row={r} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ChartCard
        title="Blocking probability vs load"
        series={series}
        logScale={logScale}
        onLogScaleChange={setLogScale}
        testId="results"
        chartRef={chart}
        height={320}
        actions={
          <>
            <button type="button" className="btn btn-sm" data-testid="results-png" disabled={busy !== null || series.length === 0} onClick={() => savePlot('png')}>
              Save plot as PNG
            </button>
            <button type="button" className="btn btn-sm" data-testid="results-svg" disabled={busy !== null || series.length === 0} onClick={() => savePlot('svg')}>
              SVG
            </button>
          </>
        }
      />
      {figure && <FigureDialog request={{ runs: [runId] }} initial={{ y_scale: logScale ? 'log' : 'linear' }} onClose={() => setFigure(false)} />}
    </div>
  );
}

function ResultRow({ row: r }: { row: ErlangResult }) {
  // Modulations summed over bandwidths, most used first; the breakdown is in the tooltip.
  const byMod = new Map<string, number>();
  for (const m of r.modulations) byMod.set(m.modulation, (byMod.get(m.modulation) ?? 0) + m.count);
  const mods = [...byMod.entries()].sort((a, b) => b[1] - a[1]);
  const modDetail = r.modulations.map((m) => `${m.bandwidth}G ${m.modulation}: ${formatCount(m.count)}`).join('\n');
  const blocked = r.blocked_per_bandwidth.filter((b) => b.count > 0);
  return (
    <tr data-testid={`result-row-${r.erlang}`}>
      <td className="num mono" title={r.path}>
        {formatErlang(r.erlang)}
      </td>
      <td className="num mono">
        {r.iterations}
        {r.partial && (
          <>
            {' '}
            <span className="tag tag-interrupted" title="A cancel or an error cut this load short: its statistics cover only the iterations that ran" data-testid={`result-partial-${r.erlang}`}>
              partial
            </span>
          </>
        )}
      </td>
      <td className="num mono">{r.is_training ? <span className="muted">training</span> : withCi(r.blocking_mean, r.ci_rate_block, r.ci_percent_block)}</td>
      <td className="num mono">{withCi(r.bit_rate_blocking_mean, r.ci_rate_bit_rate_block, null)}</td>
      <td className="num mono">{num(r.hops_mean)}</td>
      <td className="num mono">{num(r.lengths_mean, 0)}</td>
      <td className="num mono">{num(r.trans_mean)}</td>
      <td className="cell-list" title={r.blocked_per_bandwidth.map((b) => `${b.bandwidth}G: ${formatCount(b.count)}`).join('\n') || undefined}>
        {r.blocked_per_bandwidth.length === 0 ? (
          <span className="muted">—</span>
        ) : blocked.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          blocked.map((b) => (
            <span key={b.bandwidth} className="kv mono">
              {b.bandwidth}G: {formatCount(b.count)}
            </span>
          ))
        )}
      </td>
      <td className="cell-list" title={modDetail || undefined}>
        {mods.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          mods.map(([m, n]) => (
            <span key={m} className="kv mono">
              {m}: {formatCount(n)}
            </span>
          ))
        )}
      </td>
    </tr>
  );
}
