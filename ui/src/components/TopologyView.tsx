// A network drawing: nodes at normalised coordinates, links coloured by usage.
// Drag to pan, wheel to zoom about the cursor, hover for details.

import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Icon } from './Icon';
import './TopologyView.css';

export interface TopologyNode {
  id: string;
  /** 0…1, left to right. */
  x: number;
  /** 0…1, top to bottom. */
  y: number;
  degree?: number;
}

export interface TopologyLink {
  source: string;
  target: string;
  /** Length source → target (or of the link), km. */
  lengthKm: number;
  /** Length target → source when it differs. */
  lengthKmReverse?: number | null;
  /** Usage on the scale of `usageScale`. */
  usage?: number | null;
}

export interface UsageScale {
  min: number;
  max: number;
  /** What usage means, e.g. "Lightpaths". */
  label: string;
}

export interface TopologyViewProps {
  nodes: readonly TopologyNode[];
  links: readonly TopologyLink[];
  /** Colours links by `usage` and shows a legend. */
  usageScale?: UsageScale | null;
  /** Width / height of the space the coordinates were normalised in (default 1: square). */
  aspect?: number;
  /** CSS height (default 420px). */
  height?: string;
  selectedNode?: string | null;
  onNodeClick?(id: string): void;
  ariaLabel?: string;
}

/**
 * Sequential ramp, low → high usage: viridis (perceptually uniform, readable
 * with the common colour-vision deficiencies and in greyscale), sampled at
 * nine even steps.
 */
export const USAGE_RAMP = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#fde725'];

function hexToRgb(h: string): [number, number, number] {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colour of `t` in 0…1 along the ramp. */
export function rampColor(t: number): string {
  if (!Number.isFinite(t)) t = 0;
  const x = Math.min(1, Math.max(0, t)) * (USAGE_RAMP.length - 1);
  const i = Math.min(USAGE_RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(USAGE_RAMP[i]);
  const b = hexToRgb(USAGE_RAMP[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function formatKm(km: number): string {
  if (!Number.isFinite(km)) return '—';
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km)} km`;
}

interface View {
  k: number;
  tx: number;
  ty: number;
}

const PAD = 36;
const MIN_K_FACTOR = 0.2;
const MAX_K_FACTOR = 40;

type Hover = { kind: 'node'; id: string; x: number; y: number } | { kind: 'link'; index: number; x: number; y: number } | null;

/** The view that fits all nodes in a w × h box. */
export function fitView(nodes: readonly TopologyNode[], w: number, h: number): View {
  if (nodes.length === 0 || w <= 0 || h <= 0) return { k: Math.max(1, Math.min(w, h)), tx: 0, ty: 0 };
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    x0 = Math.min(x0, n.x);
    x1 = Math.max(x1, n.x);
    y0 = Math.min(y0, n.y);
    y1 = Math.max(y1, n.y);
  }
  const bw = Math.max(x1 - x0, 1e-6);
  const bh = Math.max(y1 - y0, 1e-6);
  const k = Math.min((w - 2 * PAD) / bw, (h - 2 * PAD) / bh);
  const kk = Number.isFinite(k) && k > 0 ? k : 1;
  return { k: kk, tx: (w - bw * kk) / 2 - x0 * kk, ty: (h - bh * kk) / 2 - y0 * kk };
}

export function TopologyView({
  nodes,
  links,
  usageScale,
  aspect = 1,
  height = '420px',
  selectedNode = null,
  onNodeClick,
  ariaLabel = 'Network topology',
}: TopologyViewProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [view, setView] = useState<View | null>(null);
  const fitted = useRef(true);
  const [hover, setHover] = useState<Hover>(null);
  const drag = useRef<{ id: number; x: number; y: number; moved: boolean } | null>(null);
  const fitK = useRef(1);

  // Coordinates in a space of the given aspect ratio.
  const placed = useMemo(
    () => nodes.map((n) => ({ ...n, x: n.x * (aspect > 0 && Number.isFinite(aspect) ? aspect : 1) })),
    [nodes, aspect],
  );
  const byId = useMemo(() => new Map(placed.map((n) => [n.id, n])), [placed]);

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const measure = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const w = size.w || 640;
  const h = size.h || 420;

  const fit = useCallback(() => {
    const v = fitView(placed, w, h);
    fitK.current = v.k;
    fitted.current = true;
    setView(v);
  }, [placed, w, h]);

  // Fit at first, and again on resize or new data until the user moves the view.
  useLayoutEffect(() => {
    if (fitted.current || !view) fit();
  }, [fit]);

  const v = view ?? fitView(placed, w, h);

  const zoomAt = useCallback((sx: number, sy: number, factor: number) => {
    setView((cur) => {
      if (!cur) return cur;
      const k = Math.min(fitK.current * MAX_K_FACTOR, Math.max(fitK.current * MIN_K_FACTOR, cur.k * factor));
      const f = k / cur.k;
      fitted.current = false;
      return { k, tx: sx - (sx - cur.tx) * f, ty: sy - (sy - cur.ty) * f };
    });
  }, []);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(-delta * 0.0015));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomAt]);

  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false };
  };
  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 3) return;
    if (!d.moved) {
      d.moved = true;
      svg.current?.setPointerCapture?.(e.pointerId);
      setHover(null);
    }
    d.x = e.clientX;
    d.y = e.clientY;
    fitted.current = false;
    setView((cur) => (cur ? { ...cur, tx: cur.tx + dx, ty: cur.ty + dy } : cur));
  };
  const onPointerUp = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (d && d.id === e.pointerId) {
      if (d.moved) svg.current?.releasePointerCapture?.(e.pointerId);
      drag.current = null;
    }
  };
  const dragging = () => !!drag.current?.moved;

  const local = (e: { clientX: number; clientY: number }) => {
    const r = wrap.current?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  };

  const px = (n: TopologyNode) => n.x * v.k + v.tx;
  const py = (n: TopologyNode) => n.y * v.k + v.ty;
  const scale = usageScale && usageScale.max > usageScale.min ? usageScale : usageScale ? { ...usageScale, max: usageScale.min + 1 } : null;
  const linkColor = (l: TopologyLink) => {
    if (!scale) return 'var(--topo-link)';
    if (l.usage === null || l.usage === undefined || !Number.isFinite(l.usage)) return 'var(--topo-link-none)';
    return rampColor((l.usage - scale.min) / (scale.max - scale.min));
  };

  const hoveredLink = hover?.kind === 'link' ? links[hover.index] : null;
  const hoveredNode = hover?.kind === 'node' ? byId.get(hover.id) : null;
  // Dense networks (GEANT: 39 nodes, 121 links) cross links whatever the
  // layout: the hovered, else the selected, node keeps its links and
  // neighbours in full and fades the rest so its links can be followed.
  const focus = hover?.kind === 'node' ? hover.id : selectedNode;
  const neighbours = new Set<string>();
  if (focus !== null) {
    for (const l of links) {
      if (l.source === focus) neighbours.add(l.target);
      if (l.target === focus) neighbours.add(l.source);
    }
  }

  return (
    <div className="topology" data-testid="topology-view" style={{ height }} ref={wrap}>
      <svg
        ref={svg}
        className="topology-svg"
        width={w}
        height={h}
        role="img"
        aria-label={ariaLabel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onPointerLeave={() => !dragging() && setHover(null)}
      >
        <g className="topology-links">
          {links.map((l, i) => {
            const a = byId.get(l.source);
            const b = byId.get(l.target);
            if (!a || !b) return null;
            const color = linkColor(l);
            const on = hover?.kind === 'link' && hover.index === i;
            const nearNode = focus !== null && (focus === l.source || focus === l.target);
            const faded = focus !== null && !nearNode;
            return (
              <g
                key={`${l.source}-${l.target}-${i}`}
                data-testid={`topology-link-${l.source}-${l.target}`}
                className={`topology-link${on ? ' hover' : ''}${nearNode ? ' near' : ''}${faded ? ' faded' : ''}`}
                onPointerMove={(e) => !dragging() && setHover({ kind: 'link', index: i, ...local(e) })}
                onPointerLeave={() => !dragging() && setHover(null)}
              >
                <line x1={px(a)} y1={py(a)} x2={px(b)} y2={py(b)} className="topology-link-hit" />
                <line x1={px(a)} y1={py(a)} x2={px(b)} y2={py(b)} className="topology-link-line" style={{ stroke: color }} />
              </g>
            );
          })}
        </g>
        <g className="topology-nodes">
          {placed.map((n) => (
            <g
              key={n.id}
              data-testid={`topology-node-${n.id}`}
              className={`topology-node${selectedNode === n.id ? ' selected' : ''}${hover?.kind === 'node' && hover.id === n.id ? ' hover' : ''}${focus !== null && focus !== n.id && !neighbours.has(n.id) ? ' faded' : ''}`}
              transform={`translate(${px(n)} ${py(n)})`}
              tabIndex={0}
              role="button"
              aria-label={`Node ${n.id}${n.degree !== undefined ? `, degree ${n.degree}` : ''}`}
              onPointerMove={(e) => !dragging() && setHover({ kind: 'node', id: n.id, ...local(e) })}
              onPointerLeave={() => !dragging() && setHover(null)}
              onFocus={() => setHover({ kind: 'node', id: n.id, x: px(n) + 14, y: py(n) })}
              onBlur={() => setHover(null)}
              onClick={() => !dragging() && onNodeClick?.(n.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onNodeClick?.(n.id);
                }
              }}
            >
              <circle r={n.id.length > 2 ? 13 : 11} />
              <text textAnchor="middle" dominantBaseline="central">
                {n.id}
              </text>
            </g>
          ))}
        </g>
      </svg>

      <div className="topology-tools">
        <button type="button" className="btn btn-xs" title="Zoom in" aria-label="Zoom in" onClick={() => zoomAt(w / 2, h / 2, 1.3)}>
          <Icon name="zoomIn" size={14} />
        </button>
        <button type="button" className="btn btn-xs" title="Zoom out" aria-label="Zoom out" onClick={() => zoomAt(w / 2, h / 2, 1 / 1.3)}>
          <Icon name="zoomOut" size={14} />
        </button>
        <button type="button" className="btn btn-xs" data-testid="topology-fit" title="Fit to view" onClick={fit}>
          <Icon name="maximize" size={14} />
          Fit
        </button>
      </div>

      {scale && (
        <div className="topology-legend" data-testid="topology-legend">
          <div className="topology-legend-label">{scale.label}</div>
          <div className="topology-ramp" style={{ background: `linear-gradient(to right, ${USAGE_RAMP.join(', ')})` }} />
          <div className="topology-legend-ends">
            <span>{formatUsage(scale.min)}</span>
            <span>{formatUsage(usageScale!.max)}</span>
          </div>
          {links.some((l) => l.usage === null || l.usage === undefined) && <div className="topology-legend-none">not used</div>}
        </div>
      )}

      {hover && (hoveredNode || hoveredLink) && (
        <div
          className="topology-tip"
          data-testid="topology-tooltip"
          style={{ left: Math.min(hover.x + 14, w - 220), top: Math.max(4, hover.y + 14 > h - 90 ? hover.y - 84 : hover.y + 14) }}
        >
          {hoveredNode && (
            <>
              <div className="topology-tip-title">Node {hoveredNode.id}</div>
              {hoveredNode.degree !== undefined && <div>Degree {hoveredNode.degree}</div>}
            </>
          )}
          {hoveredLink && <LinkTip link={hoveredLink} scale={usageScale ?? null} />}
        </div>
      )}
    </div>
  );
}

function formatUsage(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return Math.abs(v) >= 100 || Number.isInteger(v) ? new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(v) : String(Number(v.toPrecision(3)));
}

function LinkTip({ link, scale }: { link: TopologyLink; scale: UsageScale | null }) {
  const rev = link.lengthKmReverse;
  const differs = rev !== null && rev !== undefined && Math.abs(rev - link.lengthKm) > 1e-9;
  return (
    <>
      <div className="topology-tip-title">
        {link.source} — {link.target}
      </div>
      {differs ? (
        <>
          <div>
            {link.source} → {link.target}: {formatKm(link.lengthKm)}
          </div>
          <div>
            {link.target} → {link.source}: {formatKm(rev)}
          </div>
        </>
      ) : (
        <div>{formatKm(link.lengthKm)}</div>
      )}
      {scale && (
        <div>
          {scale.label}: {link.usage === null || link.usage === undefined ? 'not used' : formatUsage(link.usage)}
        </div>
      )}
    </>
  );
}
