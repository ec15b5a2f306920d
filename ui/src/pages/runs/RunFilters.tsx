import type { RunFacets } from '../../bindings/RunFacets';
import type { RunStatus } from '../../bindings/RunStatus';
import { useBackend } from '../../api/backend';
import { Icon } from '../../components/Icon';
import { useRunEvents } from '../../lib/hooks';
import { STATUSES } from '../../lib/runs';
import { useAsync } from '../../lib/useAsync';
import './RunFilters.css';

export type StatusFilter = 'ALL' | RunStatus;

export type Filters = {
  status: StatusFilter;
  template: string;
  network: string;
  tag: string;
  /** `YYYY-MM-DD` or empty. */
  after: string;
  before: string;
  search: string;
};

export const EMPTY_FILTERS: Filters = { status: 'ALL', template: '', network: '', tag: '', after: '', before: '', search: '' };

export function filtersActive(f: Filters): boolean {
  return f.status !== 'ALL' || !!(f.template || f.network || f.tag || f.after || f.before || f.search.trim());
}

const NO_FACETS: RunFacets = { templates: [], networks: [], tags: [] };

const STATUS_LABELS: Record<StatusFilter, string> = {
  ALL: 'All',
  PENDING: 'Pending',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};

/** The list's filters: status, template, network, tag, creation dates and the text search. */
export function RunFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const backend = useBackend();
  const { value: facets = NO_FACETS, reload } = useAsync(() => backend.runFacets(), [backend]);
  // New templates, networks and tags appear with new runs and edits.
  useRunEvents((e) => {
    if (e.type !== 'run_updated') reload();
    else if (e.run.tags.some((t) => !facets.tags.includes(t)) || !facets.templates.includes(e.run.template)) reload();
  });
  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch });
  const select = (key: 'template' | 'network' | 'tag', label: string, options: string[]) => (
    <label className="filter-select">
      <span className="sr-only">{label}</span>
      <select value={value[key]} onChange={(e) => set({ [key]: e.target.value })} data-testid={`filter-${key}`} aria-label={`Filter by ${label.toLowerCase()}`}>
        <option value="">{`Any ${label.toLowerCase()}`}</option>
        {/* A remembered choice stays selectable even if no run uses it any more. */}
        {[...new Set([...(value[key] ? [value[key]] : []), ...options])].map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="run-filters">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Filter by status">
          {(['ALL', ...STATUSES] as StatusFilter[]).map((f) => (
            <button
              key={f}
              type="button"
              className={`segmented-btn${value.status === f ? ' active' : ''}`}
              aria-pressed={value.status === f}
              data-testid={`filter-${f}`}
              onClick={() => set({ status: f })}
            >
              {f !== 'ALL' && <span className={`dot dot-${f.toLowerCase()}`} aria-hidden="true" />}
              {STATUS_LABELS[f]}
            </button>
          ))}
        </div>
        <label className="search">
          <Icon name="search" />
          <input
            type="search"
            placeholder="Search name, note, tag, id"
            aria-label="Search runs by name, note, tag or id"
            value={value.search}
            onChange={(e) => set({ search: e.target.value })}
            data-testid="runs-search"
            spellCheck={false}
          />
        </label>
      </div>
      <div className="toolbar toolbar-secondary">
        {select('template', 'Template', facets.templates)}
        {select('network', 'Network', facets.networks)}
        {select('tag', 'Tag', facets.tags)}
        <label className="filter-date">
          <span className="muted">From</span>
          <DateField value={value.after} max={value.before} onChange={(after) => set({ after })} testId="filter-after" />
        </label>
        <label className="filter-date">
          <span className="muted">to</span>
          <DateField value={value.before} min={value.after} onChange={(before) => set({ before })} testId="filter-before" />
        </label>
        {filtersActive(value) && (
          <button type="button" className="btn btn-sm btn-ghost" data-testid="filters-clear" onClick={() => onChange(EMPTY_FILTERS)}>
            <Icon name="x" />
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}

/** A date input that reads "Any date" while empty: WebKit draws an empty date
 * input with today's date greyed out, which looks like a chosen date. The
 * placeholder gives way to the input's own fields while it has the focus. */
function DateField({ value, min, max, onChange, testId }: { value: string; min?: string; max?: string; onChange: (v: string) => void; testId: string }) {
  return (
    <span className="date-field" data-empty={value ? undefined : ''}>
      <input type="date" value={value} min={min || undefined} max={max || undefined} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
      {!value && (
        <span className="date-field-placeholder" aria-hidden="true" data-testid={`${testId}-placeholder`}>
          Any date
        </span>
      )}
    </span>
  );
}
