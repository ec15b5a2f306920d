import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeskError } from '../bindings/DeskError';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunPage } from '../bindings/RunPage';
import type { RunProgress } from '../bindings/RunProgress';
import type { RunStatus } from '../bindings/RunStatus';
import { toDeskError, useBackend, type Backend } from '../api/backend';
import { ErrorAlert } from '../components/ErrorAlert';
import { ProgressBar } from '../components/ProgressBar';
import { Icon } from '../components/Icon';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { useDebounced, useNow, useRunEvents } from '../lib/hooks';
import { href, navigate } from '../lib/router';
import { runDuration, STATUSES } from '../lib/runs';
import { markFirstListPaint } from '../lib/startup';
import { formatEta } from '../lib/units';
import { mergeProgress, progressLabel } from './run/progress';

export const PAGE_SIZE = 50;
const SEARCH_DEBOUNCE_MS = 250;
const REFETCH_COALESCE_MS = 120;

type Filter = 'ALL' | RunStatus;
type View = { filter: Filter; search: string; offset: number };

const FILTER_LABELS: Record<Filter, string> = {
  ALL: 'All',
  PENDING: 'Pending',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

// The list keeps its filter, search and page when the user opens a run and
// comes back (one memory per backend, so separate app instances never mix).
const remembered = new WeakMap<Backend, View>();

function matchesSearch(run: Run, search: string): boolean {
  const s = search.trim().toLowerCase();
  return !s || run.name.toLowerCase().includes(s) || run.id.includes(s);
}

export function RunsPage() {
  const backend = useBackend();
  const initial = remembered.get(backend) ?? { filter: 'ALL', search: '', offset: 0 };
  const [filter, setFilter] = useState<Filter>(initial.filter);
  const [searchInput, setSearchInput] = useState(initial.search);
  const search = useDebounced(searchInput, SEARCH_DEBOUNCE_MS);
  const [offset, setOffset] = useState(initial.offset);
  const [page, setPage] = useState<RunPage | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const [reload, setReload] = useState(0);
  const request = useRef(0);

  useEffect(() => {
    remembered.set(backend, { filter, search: searchInput, offset });
  }, [backend, filter, searchInput, offset]);

  useEffect(() => {
    if (page) markFirstListPaint();
  }, [page]);

  useEffect(() => {
    const n = ++request.current;
    const trimmed = search.trim();
    backend
      .listRuns({
        ...(filter === 'ALL' ? {} : { status: filter }),
        ...(trimmed ? { search: trimmed } : {}),
        offset,
        limit: PAGE_SIZE,
      })
      .then(
        (p) => {
          if (n !== request.current) return;
          // Runs deleted elsewhere can leave us past the end: step back.
          if (p.runs.length === 0 && offset > 0 && p.total > 0) {
            setOffset(Math.max(0, Math.floor((p.total - 1) / PAGE_SIZE) * PAGE_SIZE));
            return;
          }
          setPage(p);
          setError(null);
        },
        (e: unknown) => {
          if (n === request.current) setError(toDeskError(e));
        },
      );
  }, [backend, filter, search, offset, reload]);

  // Several events in a burst cause one fetch.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleRefetch = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      setReload((r) => r + 1);
    }, REFETCH_COALESCE_MS);
  }, []);
  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );

  useRunEvents((event: RunEvent) => {
    switch (event.type) {
      case 'run_updated': {
        const run = event.run;
        const shown = page?.runs.some((r) => r.id === run.id) ?? false;
        if (shown) {
          setPage((p) => p && { ...p, runs: p.runs.map((r) => (r.id === run.id ? run : r)) });
          // It may have left the filtered set; the next fetch sorts that out.
          if (filter !== 'ALL' && run.status !== filter) scheduleRefetch();
        } else if ((filter === 'ALL' || run.status === filter) && matchesSearch(run, search)) {
          // New, or newly matching: it belongs somewhere in this list.
          scheduleRefetch();
        }
        break;
      }
      case 'run_deleted':
        if (page?.runs.some((r) => r.id === event.id)) {
          setPage((p) => p && { ...p, runs: p.runs.filter((r) => r.id !== event.id), total: Math.max(0, p.total - 1) });
        }
        scheduleRefetch();
        break;
      case 'runs_changed':
        scheduleRefetch();
        break;
    }
  });

  // Progress of the running runs shown: the core's cache at once, then each row follows its own stream.
  const runningKey = (page?.runs ?? [])
    .filter((r) => r.status === 'RUNNING')
    .map((r) => r.id)
    .join(',');
  const [cached, setCached] = useState<Record<string, RunProgress>>({});
  useEffect(() => {
    if (!runningKey) return;
    let alive = true;
    backend.runProgressMany(runningKey.split(',')).then(
      (m) => alive && setCached((c) => ({ ...c, ...m })),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [backend, runningKey]);

  const hasRunning = page?.runs.some((r) => r.status === 'RUNNING') ?? false;
  const now = useNow(hasRunning);

  const changeFilter = (f: Filter) => {
    setFilter(f);
    setOffset(0);
  };
  const changeSearch = (s: string) => {
    setSearchInput(s);
    setOffset(0);
  };
  const filtered = filter !== 'ALL' || search.trim() !== '';

  return (
    <div className="page" data-testid="page-runs">
      <header className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="page-subtitle">Simulation history, newest first. Updates live.</p>
        </div>
        <a className="btn btn-primary" href={href({ page: 'new' })}>
          <Icon name="plus" />
          New run
        </a>
      </header>

      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Filter by status">
          {(['ALL', ...STATUSES] as Filter[]).map((f) => (
            <button
              key={f}
              type="button"
              className={`segmented-btn${filter === f ? ' active' : ''}`}
              aria-pressed={filter === f}
              data-testid={`filter-${f}`}
              onClick={() => changeFilter(f)}
            >
              {f !== 'ALL' && <span className={`dot dot-${f.toLowerCase()}`} aria-hidden="true" />}
              {FILTER_LABELS[f]}
            </button>
          ))}
        </div>
        <label className="search">
          <Icon name="search" />
          <input
            type="search"
            placeholder="Search name or id"
            aria-label="Search runs by name or id"
            value={searchInput}
            onChange={(e) => changeSearch(e.target.value)}
            data-testid="runs-search"
            spellCheck={false}
          />
        </label>
      </div>

      {error && (
        <ErrorAlert
          error={error}
          testId="runs-error"
          action={
            <button type="button" className="btn btn-sm" onClick={() => setReload((r) => r + 1)}>
              Retry
            </button>
          }
        />
      )}

      {page === null && !error && <div className="loading">Loading runs…</div>}

      {page !== null && page.total === 0 && (
        <div className="empty" data-testid="runs-empty">
          {filtered ? (
            <>
              <div className="empty-title">No runs match</div>
              <p className="muted">
                Nothing {filter !== 'ALL' ? <>with status {FILTER_LABELS[filter].toLowerCase()} </> : null}
                {search.trim() ? <>matching “{search.trim()}”</> : null}.
              </p>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  changeFilter('ALL');
                  changeSearch('');
                }}
              >
                Clear filters
              </button>
            </>
          ) : (
            <>
              <div className="empty-title">No runs yet</div>
              <p className="muted">Start a simulation from a template; its results and logs land in its own folder.</p>
              <a className="btn btn-primary" href={href({ page: 'new' })}>
                <Icon name="plus" />
                Create your first run
              </a>
            </>
          )}
        </div>
      )}

      {page !== null && page.total > 0 && (
        <>
          <div className="table-wrap">
            <table className="table runs-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>ID</th>
                  <th>Status</th>
                  <th className="col-progress">Progress</th>
                  <th>Template</th>
                  <th>Created</th>
                  <th>Started</th>
                  <th className="num">Duration</th>
                  <th>Completed</th>
                </tr>
              </thead>
              <tbody>
                {page.runs.map((run) => (
                  <RunRow key={run.id} run={run} now={now} cached={cached[run.id] ?? null} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <span className="pager-info" data-testid="page-info">
              {page.runs.length === 0 ? '0' : `${page.offset + 1}–${page.offset + page.runs.length}`} of {page.total}
            </span>
            <button
              type="button"
              className="btn btn-sm"
              data-testid="page-prev"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              <Icon name="chevronLeft" />
              Prev
            </button>
            <button
              type="button"
              className="btn btn-sm"
              data-testid="page-next"
              disabled={offset + PAGE_SIZE >= page.total}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              Next
              <Icon name="chevronRight" />
            </button>
          </div>
        </>
      )}
    </div>
  );
}

function RunRow({ run, now, cached }: { run: Run; now: number; cached: RunProgress | null }) {
  const open = () => navigate({ page: 'run', id: run.id });
  const duration = runDuration(run, now);
  return (
    <tr
      className="clickable"
      data-testid={`run-row-${run.id}`}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
      }}
      tabIndex={0}
    >
      <td className="cell-name">
        <a href={href({ page: 'run', id: run.id })} onClick={(e) => e.stopPropagation()} tabIndex={-1} title={run.name}>
          {run.name}
        </a>
      </td>
      <td className="mono cell-id" title={run.id}>
        {run.id}
      </td>
      <td>
        <StatusBadge status={run.status} testId={`run-status-${run.id}`} cancelling={run.cancel_requested_at !== null && run.status === 'RUNNING'} />
      </td>
      <td className="cell-progress">{run.status === 'RUNNING' && <RowProgress id={run.id} cached={cached} />}</td>
      <td className="cell-template" title={run.template}>
        {run.template}
      </td>
      <td className="cell-time">
        <Time value={run.created_at} />
      </td>
      <td className="cell-time">
        <Time value={run.started_at} />
      </td>
      <td className={`num mono${duration?.live ? ' live' : ''}`}>
        {duration ? duration.text : <span className="muted">{run.status === 'PENDING' ? 'queued' : '—'}</span>}
      </td>
      <td className="cell-time">
        <Time value={run.completed_at} />
      </td>
    </tr>
  );
}

/** A running run's progress in its row, following the run's progress stream while the row is shown. */
function RowProgress({ id, cached }: { id: string; cached: RunProgress | null }) {
  const backend = useBackend();
  const [streamed, setStreamed] = useState<RunProgress | null>(null);
  useEffect(() => {
    let closed = false;
    let stream: number | null = null;
    backend
      .streamProgress(id, null, (m) => {
        if (!closed && m.type === 'update') setStreamed((p) => mergeProgress(p, m));
      })
      .then(
        (sid) => {
          if (closed) void backend.closeStream(sid).catch(() => undefined);
          else stream = sid;
        },
        () => undefined,
      );
    return () => {
      closed = true;
      if (stream !== null) void backend.closeStream(stream).catch(() => undefined);
    };
  }, [backend, id]);
  const p = streamed ?? cached;
  const eta = formatEta(p?.eta_seconds);
  return (
    <div className="row-progress" title={p ? progressLabel(p) : undefined}>
      <ProgressBar percent={p?.percent ?? null} etaSeconds={p?.eta_seconds} compact testId={`run-progress-${id}`} ariaLabel="Run progress" />
      {eta && <span className="row-eta muted">{eta.replace(/ left$/, '')}</span>}
    </div>
  );
}
