import { useMemo, useState } from 'react';
import './SweepDetailPage.css';
import type { DeskError } from '../bindings/DeskError';
import type { Run } from '../bindings/Run';
import type { SweepDetail } from '../bindings/SweepDetail';
import { toDeskError, useBackend } from '../api/backend';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icon';
import { ConfirmModal } from '../components/Modal';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { href, navigate } from '../lib/router';
import { useAsync, useOnChange } from '../lib/useAsync';
import { formatProbability } from '../lib/units';
import { SweepPlot } from './sweeps/SweepPlot';
import { SweepProgress } from './sweeps/SweepProgress';
import { sweepRunLabel } from './sweeps/runLabel';
import { useSweepRefresh } from './sweeps/useSweepRefresh';

/** Where the comparison of the sweep's runs lives. */
export function compareHref(runIds: string[]): string {
  return href({ page: 'compare', ids: runIds });
}

type ResultColumn = 'mean_blocking' | 'highest_blocking' | 'loads';
type ResultOrder = { column: ResultColumn; desc: boolean } | null;

const RESULT_COLUMNS: { column: ResultColumn; label: string }[] = [
  { column: 'mean_blocking', label: 'Mean blocking' },
  { column: 'highest_blocking', label: 'Blocking, top load' },
  { column: 'loads', label: 'Loads' },
];

/** The sweep's runs in queue order, or by a result (runs without it last, ties in queue order). */
export function orderRuns(runs: Run[], order: ResultOrder): Run[] {
  if (!order) return runs;
  const value = (r: Run) => r.metrics?.[order.column] ?? null;
  return [...runs].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return order.desc ? y - x : x - y;
  });
}

/** One sweep: its group progress, its runs, and what can be done to all of them. */
export function SweepDetailPage({ id }: { id: string }) {
  const backend = useBackend();
  const [detail, setDetail] = useState<SweepDetail | null>(null);
  const [actionError, setActionError] = useState<DeskError | null>(null);
  const [busy, setBusy] = useState<'cancel' | 'rerun' | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [order, setOrder] = useState<ResultOrder>(null);
  const ordered = useMemo(() => (detail ? orderRuns(detail.runs, order) : []), [detail, order]);
  const tick = useSweepRefresh((e) => e.type !== 'run_updated' || e.run.sweep_id === id);

  // What an action answers replaces the fetched detail until the next refresh.
  const fetched = useAsync(() => backend.getSweep(id), [backend, id, tick]);
  useOnChange(fetched.value, setDetail);
  const error = fetched.error;

  const act = (kind: 'cancel' | 'rerun', call: () => Promise<SweepDetail>) => {
    setBusy(kind);
    setActionError(null);
    call().then(
      (d) => {
        setBusy(null);
        setDetail(d);
      },
      (e: unknown) => {
        setBusy(null);
        setActionError(toDeskError(e));
      },
    );
  };

  if (error) {
    return (
      <div className="page">
        <ErrorAlert error={error} />
        <a className="btn" href={href({ page: 'sweeps' })}>
          Back to sweeps
        </a>
      </div>
    );
  }
  if (!detail) return <div className="page loading">Loading the sweep…</div>;

  const { sweep, runs } = detail;
  const active = sweep.counts.pending + sweep.counts.running;
  return (
    <div className="page" data-testid="page-sweep">
      <header className="page-header detail-header">
        <div className="detail-title">
          <a className="back-link" href={href({ page: 'sweeps' })}>
            <Icon name="back" /> Sweeps
          </a>
          <h1 title={sweep.name} data-testid="sweep-name">
            {sweep.name}
          </h1>
          <div className="detail-meta">
            <span className="muted">ID</span> <span className="mono">{sweep.id}</span>
            <span className="muted"> · template </span>
            <span className="mono">{sweep.template}</span>
            <span className="muted"> · created </span>
            <Time value={sweep.created_at} />
          </div>
        </div>
        <div className="actions">
          <a
            className={`btn${runs.length === 0 ? ' disabled' : ''}`}
            data-testid="sweep-compare"
            href={compareHref(runs.map((r) => r.id))}
            aria-disabled={runs.length === 0}
            title="Compare the runs of this sweep"
          >
            Compare
          </a>
          {sweep.counts.failed > 0 && (
            <button type="button" className="btn" data-testid="sweep-rerun-failed" disabled={busy !== null} onClick={() => act('rerun', () => backend.rerunFailed(id))}>
              <Icon name="repeat" />
              {busy === 'rerun' ? 'Creating…' : `Re-run ${sweep.counts.failed} failed`}
            </button>
          )}
          {active > 0 && (
            <button type="button" className="btn btn-warning" data-testid="sweep-cancel" disabled={busy !== null} onClick={() => setConfirm(true)}>
              <Icon name="stop" />
              {busy === 'cancel' ? 'Cancelling…' : 'Cancel sweep'}
            </button>
          )}
        </div>
      </header>

      {actionError && <ErrorAlert error={actionError} onDismiss={() => setActionError(null)} />}

      <section className="card sweep-overview">
        <SweepProgress counts={sweep.counts} />
        <ul className="sweep-axes-summary">
          {sweep.axes.map((a) => (
            <li key={`${a.section}.${a.key}`}>
              <code>
                {a.section}.{a.key}
              </code>{' '}
              in {a.values.join(', ')}
            </li>
          ))}
          {sweep.overrides.length > 0 && (
            <li className="muted">
              shared overrides: <code>{sweep.overrides.join(', ')}</code>
            </li>
          )}
        </ul>
      </section>

      <SweepPlot sweep={sweep} runs={runs} />

      <div className="table-wrap">
        <table className="table sweep-runs-table" data-testid="sweep-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Started</th>
              <th>Completed</th>
              {RESULT_COLUMNS.map(({ column, label }) => {
                const active = order?.column === column;
                const next: ResultOrder = !active ? { column, desc: false } : !order.desc ? { column, desc: true } : null;
                return (
                  <th key={column} className="num" aria-sort={active ? (order.desc ? 'descending' : 'ascending') : 'none'}>
                    <button type="button" className="th-sort" onClick={() => setOrder(next)} data-testid={`sweep-sort-${column}`}>
                      {label}
                      {active ? (order.desc ? ' ▼' : ' ▲') : ''}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {ordered.map((r) => (
              <tr
                key={r.id}
                className="clickable"
                data-testid={`sweep-run-${r.id}`}
                tabIndex={0}
                onClick={() => navigate({ page: 'run', id: r.id })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') navigate({ page: 'run', id: r.id });
                }}
              >
                <td className="cell-name">
                  <a href={href({ page: 'run', id: r.id })} onClick={(e) => e.stopPropagation()} tabIndex={-1} title={r.name} data-testid={`sweep-run-label-${r.id}`}>
                    {sweepRunLabel(sweep.name, r.name)}
                  </a>
                  {r.rerun_of && <span className="muted small"> (re-run)</span>}
                </td>
                <td>
                  <StatusBadge status={r.status} cancelling={r.status === 'RUNNING' && r.cancel_requested_at !== null} />
                </td>
                <td>
                  <Time value={r.started_at} />
                </td>
                <td>
                  <Time value={r.completed_at} />
                </td>
                <td className="num mono" data-testid={`sweep-mean-blocking-${r.id}`}>
                  {formatProbability(r.metrics?.mean_blocking) ?? <span className="muted">—</span>}
                </td>
                <td className="num mono">{formatProbability(r.metrics?.highest_blocking) ?? <span className="muted">—</span>}</td>
                <td className="num mono">{r.metrics ? r.metrics.loads : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {confirm && (
        <ConfirmModal
          title="Cancel the whole sweep?"
          tone="warning"
          confirmLabel="Cancel sweep"
          dismissLabel="Keep it running"
          onConfirm={() => {
            setConfirm(false);
            act('cancel', () => backend.cancelSweep(id));
          }}
          onDismiss={() => setConfirm(false)}
        >
          <p>
            {sweep.counts.pending} queued run{sweep.counts.pending === 1 ? '' : 's'} will be cancelled at once, {sweep.counts.running} running run
            {sweep.counts.running === 1 ? '' : 's'} stopped. Finished runs and their results are kept.
          </p>
        </ConfirmModal>
      )}
    </div>
  );
}
