import { useMemo, useState } from 'react';
import { useBackend } from '../api/backend';
import './TopologyPage.css';
import { ErrorAlert } from '../components/ErrorAlert';
import { useAsync } from '../lib/useAsync';
import { TopologyView, formatKm, type TopologyLink, type TopologyNode } from '../components/TopologyView';

const PREFERRED_NETWORK = 'NSFNet';

export function TopologyPage() {
  const backend = useBackend();
  const list = useAsync(() => backend.networks(), [backend]);
  const networks = list.value ?? null;
  const [chosen, setChosen] = useState('');
  const name = chosen || (networks?.find((x) => x.name === PREFERRED_NETWORK) ?? networks?.[0])?.name || '';
  // Each network shows nothing until its own view arrives.
  const drawn = useAsync(() => (name ? backend.network(name) : null), [backend, name]);
  const view = drawn.loading ? null : (drawn.value ?? null);
  const [selected, setSelected] = useState<string | null>(null);
  const error = list.error ?? drawn.error;
  const choose = (next: string) => {
    setChosen(next);
    if (next !== name) setSelected(null);
  };

  const nodes = useMemo<TopologyNode[]>(() => view?.nodes.map((n) => ({ id: n.id, x: n.x, y: n.y, degree: n.degree })) ?? [], [view]);
  const links = useMemo<TopologyLink[]>(
    () =>
      view?.links.map((l) => ({
        source: l.source,
        target: l.target,
        lengthKm: l.asymmetric && l.forward_km !== null ? l.forward_km : l.length_km,
        lengthKmReverse: l.asymmetric ? l.backward_km : null,
      })) ?? [],
    [view],
  );
  const summary = networks?.find((n) => n.name === name);
  const node = view?.nodes.find((n) => n.id === selected) ?? null;
  const nodeLinks = useMemo(
    () =>
      view && selected !== null
        ? view.links
            .filter((l) => l.source === selected || l.target === selected)
            .map((l) => ({ link: l, other: l.source === selected ? l.target : l.source }))
            .sort((a, b) => a.link.length_km - b.link.length_km)
        : [],
    [view, selected],
  );
  const totalKm = view?.links.reduce((s, l) => s + l.length_km, 0) ?? 0;

  return (
    <div className="page page-wide" data-testid="page-topology">
      <header className="page-header">
        <div>
          <h1>Topology</h1>
          <p className="page-subtitle">The networks bundled with FUSION: the names to use in topology_settings.network.</p>
        </div>
      </header>

      {error && <ErrorAlert error={error} />}

      <div className="topology-grid">
        <div className="card topology-card">
          <div className="topology-head">
            <div className="field">
              <label htmlFor="topology-network">Network</label>
              <select
                id="topology-network"
                data-testid="topology-network"
                value={name}
                onChange={(e) => choose(e.target.value)}
                disabled={networks === null}
              >
                {networks === null && <option value="">Loading networks…</option>}
                {networks?.map((n) => (
                  <option key={n.name} value={n.name}>
                    {n.name} · {n.node_count} nodes, {n.link_count} links
                  </option>
                ))}
              </select>
            </div>
            {summary && (
              <div className="topology-counts" data-testid="topology-counts">
                <span>
                  <strong>{summary.node_count}</strong> nodes
                </span>
                <span>
                  <strong>{summary.link_count}</strong> links
                </span>
                {summary.core_node_count > 0 && (
                  <span>
                    <strong>{summary.core_node_count}</strong> core nodes
                  </span>
                )}
                <span className="muted mono">{summary.file}</span>
              </div>
            )}
          </div>
          {view ? (
            <TopologyView
              nodes={nodes}
              links={links}
              height="560px"
              selectedNode={selected}
              onNodeClick={(id) => setSelected((s) => (s === id ? null : id))}
              ariaLabel={`${view.name} topology`}
            />
          ) : (
            <div className="loading topology-loading">{name ? `Loading ${name}…` : 'Loading…'}</div>
          )}
        </div>

        <aside className="card topology-side" data-testid="topology-node-panel">
          {node ? (
            <>
              <h3>
                Node <span className="mono">{node.id}</span>
                {node.core && <span className="badge-user">core</span>}
              </h3>
              <dl className="key-help-facts">
                <dt>Degree</dt>
                <dd data-testid="topology-node-degree">{node.degree}</dd>
                <dt>Links</dt>
                <dd>{nodeLinks.length}</dd>
              </dl>
              <ul className="node-links" data-testid="topology-node-links">
                {nodeLinks.map(({ link, other }) => (
                  <li key={`${link.source}-${link.target}`}>
                    <button type="button" className="link-btn" onClick={() => setSelected(other)}>
                      → {other}
                    </button>
                    <span className="mono">
                      {link.asymmetric && link.forward_km !== null && link.backward_km !== null
                        ? `${formatKm(link.source === node.id ? link.forward_km : link.backward_km)} / ${formatKm(
                            link.source === node.id ? link.backward_km : link.forward_km,
                          )}`
                        : formatKm(link.length_km)}
                    </span>
                    {link.asymmetric && <span className="hint">asymmetric</span>}
                  </li>
                ))}
              </ul>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => setSelected(null)}>
                Clear selection
              </button>
            </>
          ) : (
            <>
              <h3>{view?.name ?? name}</h3>
              {view && (
                <dl className="key-help-facts">
                  <dt>Nodes</dt>
                  <dd>{view.node_count}</dd>
                  <dt>Links</dt>
                  <dd>{view.link_count}</dd>
                  <dt>Total length</dt>
                  <dd>{formatKm(totalKm)}</dd>
                  <dt>Mean degree</dt>
                  <dd>{view.node_count ? ((2 * view.link_count) / view.node_count).toFixed(2) : '—'}</dd>
                  {view.links.some((l) => l.asymmetric) && (
                    <>
                      <dt>Asymmetric</dt>
                      <dd>{view.links.filter((l) => l.asymmetric).length} links</dd>
                    </>
                  )}
                </dl>
              )}
              <p className="hint">Click a node to see its degree and links. Drag to pan, scroll to zoom, hover for lengths.</p>
            </>
          )}
        </aside>
      </div>
    </div>
  );
}
