import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BulkItem } from '../bindings/BulkItem';
import type { DeskError } from '../bindings/DeskError';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunProgress } from '../bindings/RunProgress';
import { toDeskError, useBackend, type Backend } from '../api/backend';
import { CleanupDialog } from '../components/CleanupDialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { ProgressBar } from '../components/ProgressBar';
import { Icon } from '../components/Icon';
import { ConfirmModal } from '../components/Modal';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { useDebounced, useNow, useRunEvents } from '../lib/hooks';
import { href, navigate } from '../lib/router';
import { LIST_MOVE_EVENT, setListOrder } from '../lib/runOrder';
import { runDuration } from '../lib/runs';
import { markFirstListPaint } from '../lib/startup';
import { useAsync } from '../lib/useAsync';
import { useStream } from '../lib/useStream';
import { formatBytes, formatCount, formatEta, formatProbability } from '../lib/units';
import { mergeProgress, progressLabel } from './run/progress';
import { EMPTY_FILTERS, filtersActive, RunFilters, type Filters } from './runs/RunFilters';
import { useRunWindow } from './runs/useRunWindow';
import './RunsPage.css';

const SEARCH_DEBOUNCE_MS = 250;
const REFETCH_COALESCE_MS = 120;
/** Row height in px: fixed, so the window of rows on screen is arithmetic. */
export const ROW_HEIGHT = 40;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 8;
/** Viewport assumed before layout (and in tests, which have none). */
const FALLBACK_VIEWPORT = 800;
/** Most runs the comparison overlays. */
const MAX_COMPARED = 100;

// The list keeps its filters when the user opens a run and comes back (one
// memory per backend, so separate app instances never mix).
const remembered = new WeakMap<Backend, Filters>();

function toQuery(f: Filters, search: string): Omit<ListQuery, 'offset' | 'limit'> {
  const q: Omit<ListQuery, 'offset' | 'limit'> = {};
  if (f.status !== 'ALL') q.status = f.status;
  if (f.template) q.template = f.template;
  if (f.network) q.network = f.network;
  if (f.tag) q.tag = f.tag;
  if (f.after) q.created_after = f.after;
  if (f.before) q.created_before = f.before;
  if (search.trim()) q.search = search.trim();
  return q;
}

/** The list's order by a column of the results cache (null: newest first). */
export type ResultSort = { key: 'mean_blocking' | 'highest_blocking'; desc: boolean } | null;

/** The results part of the query: the order and the metric condition. */
function resultsQuery(sort: ResultSort, condition: string): Pick<ListQuery, 'sort' | 'descending' | 'metric_filters'> {
  const q: Pick<ListQuery, 'sort' | 'descending' | 'metric_filters'> = {};
  if (sort) {
    q.sort = sort.key;
    q.descending = sort.desc;
  }
  if (condition.trim()) q.metric_filters = [condition.trim()];
  return q;
}

/** Whether a shown run still passes the filters a field of `run_updated` can change. */
function stillMatches(run: Run, f: Filters): boolean {
  return (f.status === 'ALL' || run.status === f.status) && (!f.tag || run.tags.includes(f.tag)) && !f.search.trim();
}

type Notice = { tone: 'info' | 'warning'; text: string; failures: BulkItem[] };

export function RunsPage() {
  const backend = useBackend();
  const [filters, setFilters] = useState<Filters>(() => remembered.get(backend) ?? EMPTY_FILTERS);
  const search = useDebounced(filters.search, SEARCH_DEBOUNCE_MS);
  const [sort, setSort] = useState<ResultSort>(null);
  const [condition, setCondition] = useState('');
  const debouncedCondition = useDebounced(condition, SEARCH_DEBOUNCE_MS);
  const query = useMemo(
    () => ({ ...toQuery(filters, search), ...resultsQuery(sort, debouncedCondition) }),
    [filters, search, sort, debouncedCondition],
  );
  const byResults = sort !== null || debouncedCondition.trim() !== '';
  const list = useRunWindow(backend, query);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const lastClicked = useRef<number | null>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState<'delete' | 'export' | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [actionError, setActionError] = useState<DeskError | null>(null);
  const [cleanupOpen, setCleanupOpen] = useState(false);

  useEffect(() => {
    remembered.set(backend, filters);
  }, [backend, filters]);

  useEffect(() => {
    if (list.total !== null) markFirstListPaint();
  }, [list.total]);

  // ---- the window of rows on screen ----
  const scroller = useRef<HTMLDivElement>(null);
  const hasRows = list.total !== null && list.total > 0;
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || FALLBACK_VIEWPORT));
    ro.observe(el);
    return () => ro.disconnect();
    // Observed again only when the scroller is mounted anew, not on every new total.
  }, [hasRows]);
  const total = list.total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const { ensure, refresh } = list;
  useEffect(() => {
    if (last > first) ensure(first, last);
  }, [ensure, first, last]);

  // Filters changed: back to the top, nothing selected.
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    // Unchanged state is kept as is, so a filter change costs no extra render.
    setSelected((s) => (s.size ? new Set() : s));
    setCursor(null);
    setScrollTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [queryKey]);

  const loaded = list.loadedIds();
  const loadedKey = loaded.join(',');
  useEffect(() => {
    setListOrder(loadedKey ? loadedKey.split(',') : []);
  }, [loadedKey]);

  // ---- live updates: several events in a burst cause one refresh ----
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const windowRef = useRef({ first, last });
  windowRef.current = { first, last };
  const scheduleRefetch = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      const w = windowRef.current;
      refresh(w.first, Math.max(w.last, w.first + 1));
    }, REFETCH_COALESCE_MS);
  }, [refresh]);
  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );
  useRunEvents((event: RunEvent) => {
    switch (event.type) {
      case 'run_updated': {
        // A shown row changes in place; it is fetched again only when it may
        // have left the filtered set. A run not shown may be new or newly
        // matching: the refresh puts it where it belongs.
        const run = event.run;
        // A run's results may move it in an order or a condition by them.
        if (!list.replaceRun(run) || !stillMatches(run, filters) || byResults) scheduleRefetch();
        break;
      }
      case 'run_deleted':
        setSelected((s) => {
          if (!s.has(event.id)) return s;
          const n = new Set(s);
          n.delete(event.id);
          return n;
        });
        scheduleRefetch();
        break;
      case 'runs_changed':
        scheduleRefetch();
        break;
    }
  });

  // ---- progress of the running runs on screen ----
  const shown: Run[] = [];
  for (let i = first; i < last; i++) {
    const r = list.rowAt(i);
    if (r) shown.push(r);
  }
  const runningKey = shown
    .filter((r) => r.status === 'RUNNING')
    .map((r) => r.id)
    .join(',');
  const fetchedProgress = useAsync(() => (runningKey ? backend.runProgressMany(runningKey.split(',')) : null), [backend, runningKey]).value;
  // Kept across windows: a row scrolled back into view has its bar at once.
  const [cached, setCached] = useState<Record<string, RunProgress>>({});
  useEffect(() => {
    if (fetchedProgress) setCached((c) => ({ ...c, ...fetchedProgress }));
  }, [fetchedProgress]);
  const now = useNow(runningKey !== '');

  // ---- keyboard cursor (j / k) ----
  useEffect(() => {
    const onMove = (e: Event) => {
      const delta = (e as CustomEvent<number>).detail;
      setCursor((c) => {
        const next = Math.max(0, Math.min(total - 1, c === null ? 0 : c + delta));
        const el = scroller.current;
        if (el) {
          const top = next * ROW_HEIGHT;
          if (top < el.scrollTop) el.scrollTop = top;
          else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight - ROW_HEIGHT) el.scrollTop = top - el.clientHeight + 2 * ROW_HEIGHT;
        }
        return total === 0 ? null : next;
      });
    };
    window.addEventListener(LIST_MOVE_EVENT, onMove);
    return () => window.removeEventListener(LIST_MOVE_EVENT, onMove);
  }, [total]);
  useEffect(() => {
    if (cursor === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const run = list.rowAt(cursor);
      if (run && !document.querySelector('.modal-backdrop')) navigate({ page: 'run', id: run.id });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cursor, list]);

  // ---- selection ----
  // Stable across renders, so rows that did not change are not rendered again.
  const listRef = useRef(list);
  listRef.current = list;
  const toggle = useCallback((index: number, id: string, shift: boolean) => {
    const list = listRef.current;
    // Read the anchor now: the updater may run after it is moved below.
    const anchor = lastClicked.current;
    setSelected((s) => {
      const n = new Set(s);
      const on = !s.has(id);
      if (shift && anchor !== null) {
        const [a, b] = [Math.min(anchor, index), Math.max(anchor, index)];
        for (let i = a; i <= b; i++) {
          const r = list.rowAt(i);
          if (r) {
            if (on) n.add(r.id);
            else n.delete(r.id);
          }
        }
      } else if (on) n.add(id);
      else n.delete(id);
      return n;
    });
    lastClicked.current = index;
  }, []);
  const allLoadedSelected = loaded.length > 0 && loaded.every((id) => selected.has(id));
  const toggleAll = () => setSelected(allLoadedSelected ? new Set() : new Set(loaded));
  const selectedIds = loaded.filter((id) => selected.has(id)).concat([...selected].filter((id) => !loaded.includes(id)));

  // ---- bulk actions ----
  const summarise = (items: BulkItem[], verb: string): Notice => {
    const ok = items.filter((i) => i.ok).length;
    const failures = items.filter((i) => !i.ok);
    const text = `${verb} ${formatCount(ok)} run${ok === 1 ? '' : 's'}${failures.length ? `; ${failures.length} not ${verb.toLowerCase()}:` : '.'}`;
    return { tone: failures.length ? 'warning' : 'info', text, failures };
  };
  const doDelete = () => {
    setBusy('delete');
    backend.deleteRuns(selectedIds).then(
      (items) => {
        setBusy(null);
        setConfirmDelete(false);
        setNotice(summarise(items, 'Deleted'));
        setSelected(new Set(items.filter((i) => !i.ok).map((i) => i.id)));
        scheduleRefetch();
      },
      (e: unknown) => {
        setBusy(null);
        setConfirmDelete(false);
        setActionError(toDeskError(e));
      },
    );
  };
  const doExport = () => {
    setBusy('export');
    backend.exportRuns(selectedIds).then(
      (items) => {
        setBusy(null);
        if (!items) return;
        const n = summarise(items, 'Exported');
        const dest = items.find((i) => i.destination)?.destination;
        if (dest) n.text += ` Into ${dest.slice(0, dest.lastIndexOf('/')) || '/'}.`;
        setNotice(n);
      },
      (e: unknown) => {
        setBusy(null);
        setActionError(toDeskError(e));
      },
    );
  };

  const filtered = filtersActive(filters);
  const clearFilters = () => setFilters(EMPTY_FILTERS);

  const rows = [];
  for (let i = first; i < last; i++) {
    const run = list.rowAt(i);
    rows.push(
      run ? (
        <RunRow
          key={run.id}
          index={i}
          run={run}
          now={run.status === 'RUNNING' ? now : 0}
          cached={cached[run.id] ?? null}
          selected={selected.has(run.id)}
          cursor={cursor === i}
          onToggle={toggle}
        />
      ) : (
        <tr key={`loading-${i}`} className="row-loading" style={{ height: ROW_HEIGHT }}>
          <td colSpan={12}>
            <span className="skeleton" />
          </td>
        </tr>
      ),
    );
  }

  return (
    <div className="page page-runs" data-testid="page-runs">
      <header className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="page-subtitle">Simulation history, newest first. Updates live. Press ? for shortcuts.</p>
        </div>
        <div className="actions">
          <button type="button" className="btn" data-testid="open-cleanup" onClick={() => setCleanupOpen(true)}>
            <Icon name="trash" />
            Clean up…
          </button>
          <a className="btn btn-primary" href={href({ page: 'new' })}>
            <Icon name="plus" />
            New run
          </a>
        </div>
      </header>

      <RunFilters value={filters} onChange={setFilters} />
      <div className="results-filter">
        <label>
          Results
          <input
            type="text"
            value={condition}
            placeholder="e.g. blocking@900<1% or mean_blocking<=0.01"
            aria-label="Condition on results"
            spellCheck={false}
            onChange={(e) => setCondition(e.target.value)}
            data-testid="runs-metric-filter"
          />
        </label>
      </div>

      {selected.size > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label="Selected runs" data-testid="bulk-bar">
          <span className="bulk-count" data-testid="bulk-count">
            {formatCount(selected.size)} selected
          </span>
          <button
            type="button"
            className="btn btn-sm"
            data-testid="bulk-compare"
            disabled={selected.size > MAX_COMPARED}
            title={selected.size > MAX_COMPARED ? `At most ${MAX_COMPARED} runs can be compared` : 'Overlay their blocking curves'}
            onClick={() => navigate({ page: 'compare', ids: selectedIds })}
          >
            Compare
          </button>
          <button type="button" className="btn btn-sm" data-testid="bulk-export" disabled={busy !== null} onClick={doExport}>
            <Icon name="download" />
            {busy === 'export' ? 'Exporting…' : 'Export…'}
          </button>
          <button type="button" className="btn btn-sm btn-danger-outline" data-testid="bulk-delete" disabled={busy !== null} onClick={() => setConfirmDelete(true)}>
            <Icon name="trash" />
            Delete…
          </button>
          <button type="button" className="btn btn-sm btn-ghost" data-testid="bulk-clear" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}

      {notice && (
        <div className={`alert alert-${notice.tone}`} role="status" data-testid="bulk-notice">
          <div>
            {notice.text}
            {notice.failures.length > 0 && (
              <ul className="bulk-failures">
                {notice.failures.slice(0, 20).map((f) => (
                  <li key={f.id}>
                    <span className="mono">{f.id}</span>: {f.message}
                  </li>
                ))}
                {notice.failures.length > 20 && <li>… and {notice.failures.length - 20} more</li>}
              </ul>
            )}
          </div>
          <button type="button" className="btn btn-xs btn-ghost" onClick={() => setNotice(null)} aria-label="Dismiss">
            <Icon name="x" />
          </button>
        </div>
      )}
      {actionError && <ErrorAlert error={actionError} testId="bulk-error" onDismiss={() => setActionError(null)} />}

      {list.error && (
        <ErrorAlert
          error={list.error}
          testId="runs-error"
          action={
            <button type="button" className="btn btn-sm" onClick={() => refresh(first, Math.max(last, 1))}>
              Retry
            </button>
          }
        />
      )}

      {list.total === null && !list.error && <div className="loading">Loading runs…</div>}

      {list.total === 0 && (
        <div className="empty" data-testid="runs-empty">
          {filtered ? (
            <>
              <div className="empty-title">No runs match</div>
              <p className="muted">Nothing matches these filters{search.trim() ? <> and “{search.trim()}”</> : null}.</p>
              <button type="button" className="btn" onClick={clearFilters}>
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

      {list.total !== null && list.total > 0 && (
        <>
          {/* The frame draws the rounded card; the scroller inside it has square
              corners: a rounded clip on a scrolling box is repainted with a mask
              on every frame in WebKitGTK, which made each filter cost ~5x. */}
          <div className="table-wrap runs-frame">
            <div className="runs-scroll" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="runs-scroll">
              <table className="table runs-table runs-virtual">
                <thead>
                  <tr>
                    <th className="col-check">
                      <input type="checkbox" aria-label="Select all loaded runs" checked={allLoadedSelected} onChange={toggleAll} data-testid="select-all" />
                    </th>
                    <th className="col-name">Name</th>
                    <th className="col-id">ID</th>
                    <th className="col-status">Status</th>
                    <th className="col-progress">Progress</th>
                    <th className="col-template">Template</th>
                    <th className="col-network">Network</th>
                    <SortHeader label="Mean blocking" column="mean_blocking" sort={sort} onSort={setSort} />
                    <SortHeader label="Blocking, top load" column="highest_blocking" sort={sort} onSort={setSort} />
                    <th className="col-created">Created</th>
                    <th className="num col-duration">Duration</th>
                    <th className="num col-disk">Disk</th>
                  </tr>
                </thead>
                <tbody>
                  {first > 0 && <tr className="spacer" style={{ height: first * ROW_HEIGHT }} aria-hidden="true" />}
                  {rows}
                  {last < total && <tr className="spacer" style={{ height: (total - last) * ROW_HEIGHT }} aria-hidden="true" />}
                </tbody>
              </table>
            </div>
          </div>
          <div className="pager">
            <span className="pager-info" data-testid="page-info">
              {formatCount(total)} run{total === 1 ? '' : 's'}
              {filtered ? ' match' : ''}
            </span>
          </div>
        </>
      )}

      {confirmDelete && (
        <ConfirmModal
          title={`Delete ${formatCount(selected.size)} run${selected.size === 1 ? '' : 's'}?`}
          confirmLabel={busy === 'delete' ? 'Deleting…' : 'Delete'}
          busy={busy === 'delete'}
          onConfirm={doDelete}
          onDismiss={() => setConfirmDelete(false)}
        >
          <p>Their rows and folders (config, logs, results) are removed for good. Runs still pending or running are kept and reported.</p>
        </ConfirmModal>
      )}
      {cleanupOpen && <CleanupDialog onClose={() => setCleanupOpen(false)} />}
    </div>
  );
}

type RowProps = {
  index: number;
  run: Run;
  now: number;
  cached: RunProgress | null;
  selected: boolean;
  cursor: boolean;
  onToggle: (index: number, id: string, shift: boolean) => void;
};

/** Memoised: a filter click or a keystroke re-renders the page, not the rows
 * on screen (React re-sets every input's attributes it renders, which WebKit
 * then restyles). */
const RunRow = memo(function RunRow({ index, run, now, cached, selected, cursor, onToggle }: RowProps) {
  const open = () => navigate({ page: 'run', id: run.id });
  const duration = runDuration(run, now);
  return (
    <tr
      className={`clickable${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      data-testid={`run-row-${run.id}`}
      aria-selected={selected}
      style={{ height: ROW_HEIGHT }}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
      }}
      tabIndex={0}
    >
      <td className="col-check" onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          aria-label={`Select ${run.name}`}
          checked={selected}
          data-testid={`select-${run.id}`}
          onChange={() => undefined}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(index, run.id, e.shiftKey);
          }}
        />
      </td>
      <td className="cell-name">
        <a href={href({ page: 'run', id: run.id })} onClick={(e) => e.stopPropagation()} tabIndex={-1} title={run.note ? `${run.name}\n\n${run.note}` : run.name}>
          {run.name}
        </a>
        {run.tags.map((t) => (
          <span key={t} className="tag-chip tag-chip-sm">
            {t}
          </span>
        ))}
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
      <td className="cell-template" title={run.network ?? undefined}>
        {run.network ?? <span className="muted">—</span>}
      </td>
      <td className="num mono" data-testid={`run-mean-blocking-${run.id}`}>
        {formatProbability(run.metrics?.mean_blocking) ?? <span className="muted">—</span>}
      </td>
      <td
        className="num mono"
        data-testid={`run-highest-blocking-${run.id}`}
        title={run.metrics?.highest_erlang != null ? `at ${run.metrics.highest_erlang} Erlang` : undefined}
      >
        {formatProbability(run.metrics?.highest_blocking) ?? <span className="muted">—</span>}
      </td>
      <td className="cell-time">
        <Time value={run.created_at} />
      </td>
      <td className={`num mono${duration?.live ? ' live' : ''}`}>
        {duration ? duration.text : <span className="muted">{run.status === 'PENDING' ? 'queued' : '—'}</span>}
      </td>
      <td className="num mono" data-testid={`run-disk-${run.id}`}>
        {run.disk_bytes === null ? <span className="muted">—</span> : formatBytes(run.disk_bytes)}
      </td>
    </tr>
  );
});

/** A column header that orders the list by a result: ascending, then descending, then newest first again. */
function SortHeader({ label, column, sort, onSort }: { label: string; column: NonNullable<ResultSort>['key']; sort: ResultSort; onSort: (s: ResultSort) => void }) {
  const active = sort?.key === column;
  const next: ResultSort = !active ? { key: column, desc: false } : !sort.desc ? { key: column, desc: true } : null;
  return (
    <th className="num col-metric" aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="th-sort" onClick={() => onSort(next)} data-testid={`sort-${column}`}>
        {label}
        {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}

/** A running run's progress in its row, following the run's progress stream while the row is shown. */
function RowProgress({ id, cached }: { id: string; cached: RunProgress | null }) {
  const backend = useBackend();
  const [streamed, setStreamed] = useState<RunProgress | null>(null);
  useStream(
    (ifOpen) =>
      backend
        .streamProgress(
          id,
          null,
          ifOpen((m) => {
            if (m.type === 'update') setStreamed((p) => mergeProgress(p, m));
          }),
        )
        .then((sid) => () => backend.closeStream(sid)),
    [backend, id],
  );
  const p = streamed ?? cached;
  const eta = formatEta(p?.eta_seconds);
  return (
    <div className="row-progress" title={p ? progressLabel(p) : undefined}>
      <ProgressBar percent={p?.percent ?? null} etaSeconds={p?.eta_seconds} compact testId={`run-progress-${id}`} ariaLabel="Run progress" />
      {eta && <span className="row-eta muted">{eta.replace(/ left$/, '')}</span>}
    </div>
  );
}
