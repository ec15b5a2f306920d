// A run's progress in detail: the overall bar, a table per load, and the
// blocking charts, all updating as the stream reports iterations.

import { useMemo, useState } from 'react';
import { useBackend } from '../../api/backend';
import type { LoadProgress } from '../../bindings/LoadProgress';
import type { RunStatus } from '../../bindings/RunStatus';
import type { IterationSeries } from '../../components/charts/BlockingIterationsChart';
import type { LoadSeries } from '../../components/charts/BlockingVsLoadChart';
import { ChartSlot } from '../../components/ChartBoundary';
import { LazyBlockingIterationsChart, LazyBlockingVsLoadChart } from '../../components/lazy';
import { ProgressBar } from '../../components/ProgressBar';
import { formatProbability } from '../../lib/chartData';
import { formatDuration } from '../../lib/format';
import { formatCount } from '../../lib/units';
import { useShownKey } from '../../lib/hooks';
import { useAsync } from '../../lib/useAsync';
import { endedLabel, formatErlang, loadState, progressLabel, progressTone, runningLoads, useSteadyEta, type LiveProgress } from './progress';
import './ProgressTab.css';

const NO_ITERATIONS: ReadonlyMap<number, readonly (number | null)[]> = new Map();

export function ProgressTab({ runId, status, live, active }: { runId: string; status: RunStatus; live: LiveProgress; active: boolean }) {
  const backend = useBackend();
  const { progress } = live;
  const [logScale, setLogScale] = useState(false);
  const running = status === 'RUNNING';
  const eta = useSteadyEta(running ? (progress?.eta_seconds ?? null) : null, running);
  // Iterations before this page was opened come from the results files.
  // Read once while the run goes on, and once more when it has ended.
  const phase = status === 'PENDING' ? null : status === 'RUNNING' ? 'live' : 'final';
  const asked = useShownKey(active && phase !== null, phase);
  const saved =
    useAsync(
      () => (asked === null ? null : backend.results(runId).then((t) => new Map(t.rows.map((r) => [r.erlang, r.sim_block_list])))),
      [backend, runId, asked],
    ).value ?? NO_ITERATIONS;

  const iterations = useMemo<IterationSeries[]>(() => {
    const loads = new Set<number>([...saved.keys(), ...live.history.keys(), ...(progress?.loads.map((l) => l.erlang) ?? [])]);
    return [...loads]
      .sort((a, b) => a - b)
      .map((load) => {
        const a = saved.get(load) ?? [];
        const b = live.history.get(load) ?? [];
        const n = Math.max(a.length, b.length);
        return { load, values: Array.from({ length: n }, (_, k) => b[k] ?? a[k] ?? null) };
      })
      .filter((s) => s.values.length > 0);
  }, [saved, live.history, progress]);

  const vsLoad = useMemo<LoadSeries[]>(() => {
    const points = (progress?.loads ?? [])
      .filter((l) => l.mean_blocking !== null)
      .map((l) => ({ load: l.erlang, mean: l.mean_blocking, ciLow: l.ci_lower, ciHigh: l.ci_upper }));
    return points.length ? [{ label: 'Running mean', points }] : [];
  }, [progress]);

  if (!live.loaded) return <div className="loading">Loading progress…</div>;
  if (!progress) {
    return (
      <div className="empty" data-testid="progress-empty">
        <div className="empty-title">{status === 'PENDING' ? 'Waiting for a free slot' : 'No progress reported'}</div>
        <p className="muted">
          {status === 'PENDING'
            ? 'Progress appears here as soon as the simulator starts.'
            : 'The simulator wrote no progress file and no iteration lines the log could be read for.'}
        </p>
      </div>
    );
  }

  const facts: [string, string][] = [
    ['Iterations finished', `${formatCount(progress.finished_iterations)}${progress.total_iterations !== null && progress.total_erlangs !== null ? ` of ${formatCount(progress.total_iterations * progress.total_erlangs)}` : ''}`],
    ['Loads complete', `${progress.loads_complete}${progress.total_erlangs !== null ? ` of ${progress.total_erlangs}` : ''}`],
  ];
  if (running) facts.push(['Loads running', String(runningLoads(progress).length)]);
  if (progress.loads_interrupted > 0) facts.push(['Loads interrupted', String(progress.loads_interrupted)]);
  // Measured between the simulator's first and latest events: wall-clock
  // time, not time inside the simulation.
  facts.push(['Elapsed (wall clock)', progress.elapsed_seconds !== null ? formatDuration(progress.elapsed_seconds * 1000) : '—']);
  facts.push(['Source', progress.source === 'progress_file' ? 'progress.jsonl' : 'simulator log']);
  if (progress.total_time_seconds !== null) facts.push(['Total time', formatDuration(progress.total_time_seconds * 1000)]);
  if (progress.exit_code !== null) facts.push(['Exit code', String(progress.exit_code)]);

  return (
    <div className="run-progress">
      <section className="card">
        <ProgressBar
          percent={progress.percent}
          etaSeconds={eta}
          label={running || status === 'PENDING' ? progressLabel(progress) : endedLabel(progress)}
          tone={progressTone(status)}
          testId="progress-overall"
        />
        <dl className="progress-facts">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
        {progress.error && (
          <div className="alert alert-danger progress-error" role="alert">
            <div className="alert-body">{progress.error}</div>
          </div>
        )}
      </section>

      <section className="card">
        <div className="card-header">
          <h2>Loads</h2>
        </div>
        <div className="table-wrap">
          <table className="table loads-table" data-testid="loads-table">
            <thead>
              <tr>
                <th className="num">Erlang</th>
                <th className="num">Iterations</th>
                <th className="num">Latest blocking</th>
                <th className="num">Running mean</th>
                <th className="num">95 % CI</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {progress.loads.map((l) => (
                <LoadRow key={l.erlang} load={l} running={running || status === 'PENDING'} />
              ))}
            </tbody>
          </table>
          {progress.loads.length === 0 && <div className="loading">No load started yet.</div>}
        </div>
      </section>

      <section className="card">
        <div className="card-header">
          <h2>Blocking probability</h2>
          <label className="check small">
            <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> Log scale
          </label>
        </div>
        <div className="chart-grid">
          <div>
            <h3 className="chart-title">Per iteration</h3>
            <ChartSlot>
              <LazyBlockingIterationsChart series={iterations} logScale={logScale} height={260} />
            </ChartSlot>
          </div>
          <div>
            <h3 className="chart-title">Mean vs load</h3>
            <ChartSlot>
              <LazyBlockingVsLoadChart series={vsLoad} logScale={logScale} height={260} />
            </ChartSlot>
          </div>
        </div>
      </section>
    </div>
  );
}

const BADGES = {
  done: { className: 'tag tag-done', text: 'done', title: 'Every planned iteration ran' },
  early: { className: 'tag tag-early', text: 'early stop', title: 'The confidence rule stopped this load: its interval reached the target before the last iteration' },
  interrupted: { className: 'tag tag-interrupted', text: 'interrupted', title: 'A cancel or an error cut this load short: its statistics cover only the iterations that ran' },
  // A load is listed once it has started, and loads may run in parallel
  // (the embedded engine runs one per core).
  running: { className: 'tag tag-running', text: 'running', title: 'Being simulated now' },
  stopped: { className: 'tag', text: 'stopped', title: '' },
} as const;

export function LoadBadge({ load, runActive }: { load: LoadProgress; runActive: boolean }) {
  const b = BADGES[loadState(load, runActive)];
  return (
    <span className={b.className} title={b.title || undefined} data-testid={`load-state-${load.erlang}`}>
      {b.text}
    </span>
  );
}

function LoadRow({ load: l, running }: { load: LoadProgress; running: boolean }) {
  const ci =
    l.ci_lower !== null && l.ci_upper !== null
      ? `[${formatProbability(l.ci_lower)}, ${formatProbability(l.ci_upper)}]${l.ci_percent !== null ? ` ±${l.ci_percent.toFixed(1)} %` : ''}`
      : l.ci_percent !== null
        ? `±${l.ci_percent.toFixed(1)} %`
        : '—';
  const current = running && loadState(l, true) === 'running';
  return (
    <tr className={current ? 'row-current' : undefined} data-testid={`load-row-${l.erlang}`}>
      <td className="num mono">{formatErlang(l.erlang)}</td>
      <td className="num mono">
        {l.iteration}
        {l.total_iterations !== null ? ` / ${l.total_iterations}` : ''}
      </td>
      <td className="num mono">{formatProbability(l.latest_blocking)}</td>
      <td className="num mono">{formatProbability(l.mean_blocking)}</td>
      <td className="num mono">{ci}</td>
      <td>
        <LoadBadge load={l} runActive={running} />
      </td>
    </tr>
  );
}
