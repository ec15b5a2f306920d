import { useBackend } from '../api/backend';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icon';
import { Time } from '../components/Time';
import { href, navigate } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { SweepProgress } from './sweeps/SweepProgress';
import { useSweepRefresh } from './sweeps/useSweepRefresh';

/** Every sweep, newest first, with its group progress. */
export function SweepsPage() {
  const backend = useBackend();
  const tick = useSweepRefresh((e) => e.type !== 'run_updated' || e.run.sweep_id !== null);
  const listed = useAsync(() => backend.listSweeps(), [backend, tick]);
  const sweeps = listed.value ?? null;
  const error = listed.error;

  return (
    <div className="page" data-testid="page-sweeps">
      <header className="page-header">
        <div>
          <h1>Sweeps</h1>
          <p className="page-subtitle">Runs created together from one config, varying keys over values. Create one from the new-run page (“Vary”).</p>
        </div>
        <div className="actions">
          <a className="btn btn-primary" href={href({ page: 'new' })}>
            <Icon name="plus" />
            New sweep
          </a>
        </div>
      </header>
      {error && <ErrorAlert error={error} />}
      {sweeps === null && !error && <div className="loading">Loading sweeps…</div>}
      {sweeps !== null && sweeps.length === 0 && (
        <div className="empty">
          <div className="empty-title">No sweeps yet</div>
          <p className="muted">On the new-run page, add a key to vary (for example routing_settings.k_paths over 1..4): every combination becomes a run.</p>
        </div>
      )}
      {sweeps !== null && sweeps.length > 0 && (
        <div className="table-wrap">
          <table className="table sweeps-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Varies</th>
                <th className="col-progress">Progress</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {sweeps.map((s) => (
                <tr
                  key={s.id}
                  className="clickable"
                  data-testid={`sweep-row-${s.id}`}
                  tabIndex={0}
                  onClick={() => navigate({ page: 'sweep', id: s.id })}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') navigate({ page: 'sweep', id: s.id });
                  }}
                >
                  <td className="cell-name">
                    <a href={href({ page: 'sweep', id: s.id })} onClick={(e) => e.stopPropagation()} tabIndex={-1} title={s.name}>
                      {s.name}
                    </a>
                  </td>
                  <td className="mono small">{s.axes.map((a) => `${a.key} (${a.values.length})`).join(' × ')}</td>
                  <td className="col-progress">
                    <SweepProgress counts={s.counts} testId={`sweep-progress-${s.id}`} />
                  </td>
                  <td>
                    <Time value={s.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
