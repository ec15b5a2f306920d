// "Left on the cluster": result files too large to come back with the rest
// of a cluster run, each fetched into the run folder when the user asks.
// Nothing at all for a run that left nothing there.

import type { ClusterResult } from '../../bindings/ClusterResult';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icon';
import { formatLong } from '../../lib/format';
import { formatBytes, formatCount } from '../../lib/units';
import type { ResultsLeft } from './useResultsLeft';
import './LeftOnCluster.css';

/** The cluster's modification time (seconds since the epoch) in local time. */
function modifiedText(seconds: number): string {
  return Number.isFinite(seconds) ? formatLong(new Date(seconds * 1000).toISOString()) : '—';
}

export function LeftOnCluster({ state }: { state: ResultsLeft }) {
  const { left, listError, fetching, outcome, fetch } = state;
  const fetched = outcome && outcome.error === null ? outcome.path : null;
  if (!listError && (left === null || left.length === 0) && fetched === null) return null;
  const byPath = new Map((left ?? []).map((r): [string, ClusterResult] => [r.path, r]));
  const pending = fetching !== null ? byPath.get(fetching) : undefined;

  return (
    <section className="card left-on-cluster" data-testid="left-on-cluster" aria-label="Left on the cluster">
      <div className="card-header">
        <h2>Left on the cluster</h2>
        {left !== null && left.length > 0 && (
          <span className="muted small">
            {formatCount(left.length)} {left.length === 1 ? 'file' : 'files'} too large to come back with the rest; each is fetched when you ask.
          </span>
        )}
      </div>
      {listError && <ErrorAlert error={listError} testId="left-on-cluster-error" />}
      {left !== null && left.length > 0 && (
        <div className="table-wrap left-on-cluster-table">
          <table className="table">
            <thead>
              <tr>
                <th>Path</th>
                <th className="num">Size</th>
                <th>Modified</th>
                <th aria-label="Action" />
              </tr>
            </thead>
            <tbody>
              {left.map((r) => {
                const busy = fetching === r.path;
                return (
                  <tr key={r.path} data-testid={`left-${r.path}`}>
                    <td className="mono left-path" title={`output/${r.path}`}>
                      {r.path}
                    </td>
                    <td className="num" title={`${formatCount(r.size)} bytes`}>
                      {formatBytes(r.size)}
                    </td>
                    <td>{modifiedText(r.modified)}</td>
                    <td className="num">
                      <button
                        type="button"
                        className="btn btn-xs"
                        data-testid={`fetch-${r.path}`}
                        disabled={fetching !== null}
                        aria-busy={busy}
                        title={fetching !== null && !busy ? 'One file is fetched at a time' : `Copy it into the run's output/ folder`}
                        onClick={() => fetch(r.path)}
                      >
                        <Icon name={busy ? 'repeat' : 'download'} size={13} />
                        {busy ? 'Fetching…' : 'Fetch'}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {fetching !== null && (
        <div className="left-on-cluster-note" role="status" data-testid="left-on-cluster-fetching">
          Fetching <span className="mono">{fetching}</span>
          {pending ? ` (${formatBytes(pending.size)})` : ''} from the cluster. A large file takes a while; the rest of the app stays usable.
        </div>
      )}
      {fetching === null && outcome?.error && (
        <ErrorAlert
          error={{ ...outcome.error, message: `Could not fetch ${outcome.path}: ${outcome.error.message}` }}
          testId="left-on-cluster-fetch-error"
        />
      )}
      {fetching === null && fetched !== null && (
        <div className="left-on-cluster-note left-on-cluster-ok" role="status" data-testid="left-on-cluster-fetched">
          <Icon name="check" size={14} />
          <span>
            Fetched <span className="mono">output/{fetched}</span>: it is in the run folder now.
          </span>
        </div>
      )}
    </section>
  );
}
