// The run's own network, links coloured by how much they carried at a load.

import { useMemo, useState } from 'react';
import { useBackend } from '../../api/backend';
import type { DeskError } from '../../bindings/DeskError';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TopologyView, type TopologyLink, type TopologyNode } from '../../components/TopologyView';
import { useShownKey } from '../../lib/hooks';
import { useAsync, useOnChange } from '../../lib/useAsync';
import { formatErlang } from './progress';
import './TopologyTab.css';

export function TopologyTab({ runId, active, refreshKey }: { runId: string; active: boolean; refreshKey: string }) {
  const backend = useBackend();
  const [erlang, setErlang] = useState<number | null>(null);
  const want = `${refreshKey}|${erlang}`;

  const asked = useShownKey(active, want);
  const read = useAsync(() => (asked === null ? null : backend.runTopology(runId, erlang)), [backend, runId, asked]);
  const topo = read.value ?? null;
  const loading = read.loading;
  // Dismissable; a later answer clears it.
  const [error, setError] = useState<DeskError | null>(null);
  useOnChange(read.error, setError);
  useOnChange(read.value, () => setError(null));

  const nodes = useMemo<TopologyNode[]>(() => (topo ? topo.view.nodes.map((n) => ({ id: n.id, x: n.x, y: n.y, degree: n.degree })) : []), [topo]);
  const links = useMemo<TopologyLink[]>(
    () =>
      topo
        ? topo.view.links.map((l, i) => ({
            source: l.source,
            target: l.target,
            lengthKm: l.forward_km ?? l.length_km,
            lengthKmReverse: l.backward_km,
            usage: topo.usage.length ? (topo.usage[i]?.usage_count ?? null) : null,
          }))
        : [],
    [topo],
  );

  if (error && !topo) return <ErrorAlert error={error} />;
  if (!topo) return <div className="loading">Loading the network…</div>;

  const hasUsage = topo.usage.length > 0 && topo.erlang !== null;
  return (
    <section className="card run-topology" data-testid="run-topology">
      <div className="card-header">
        <h2>
          {topo.network}{' '}
          <span className="muted small">
            {topo.view.node_count} nodes · {topo.view.link_count} links
          </span>
        </h2>
        <div className="card-header-actions">
          {topo.erlangs.length > 0 && (
            <label className="inline-field small">
              Link usage at
              <select
                data-testid="topology-erlang"
                value={topo.erlang ?? ''}
                onChange={(e) => setErlang(Number(e.target.value))}
                disabled={loading}
              >
                {topo.erlangs.map((e) => (
                  <option key={e} value={e}>
                    {formatErlang(e)} Erlang
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      </div>
      {error && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      {!hasUsage && <p className="muted small">No results yet: links are drawn without usage.</p>}
      <TopologyView
        nodes={nodes}
        links={links}
        usageScale={hasUsage ? { min: topo.min_usage, max: topo.max_usage, label: `Lightpaths at ${formatErlang(topo.erlang!)} Erlang` } : null}
        height="480px"
        ariaLabel={`${topo.network} network`}
      />
      <p className="muted small topology-foot">
        {topo.results_file ? (
          <>
            Usage from <code className="mono">{topo.results_file}</code>, last saved iteration. Both directions of a link share one counter.
          </>
        ) : (
          'The network of the run’s frozen config.'
        )}
        {topo.unmatched.length > 0 && <> {topo.unmatched.length} results entries match no link of the network.</>}
      </p>
    </section>
  );
}
