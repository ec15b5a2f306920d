// Development-only page that renders every generic component with realistic
// fake data: `npm run dev`, then open /showcase.html (?c=<section>&theme=dark).

// The shared styles first: each component's own CSS, imported with the
// component, then follows them in the cascade.
import './styles.css';
import { StrictMode, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { LogViewer } from './components/LogViewer';
import { BlockingIterationsChart, type IterationSeries } from './components/charts/BlockingIterationsChart';
import { BlockingVsLoadChart, type BlockingVsLoadHandle, type LoadSeries } from './components/charts/BlockingVsLoadChart';
import { ProgressBar } from './components/ProgressBar';
import { CsvTable } from './components/CsvTable';
import { FileTree, type FileTreeEntry } from './components/FileTree';
import { IniEditor, type IniDiagnostic } from './components/IniEditor';
import { JsonTree } from './components/JsonTree';
import { TopologyView } from './components/TopologyView';
import { getKey, setKey } from './lib/ini';
import { CSV_HEADER, CSV_ROWS, ERLANG_JSON, FILE_ROOTS, FUSION_INI, NSF_LINKS, NSF_NODES, fakeLoadChildren } from './showcase/fakeData';
import { applyTheme, currentTheme, type Theme } from './lib/theme';
import { fakeGetLines, fakeSearch } from './showcase/fakeLog';
import './showcase/showcase.css';

const params = new URLSearchParams(window.location.search);
const only = params.get('c');
const initialTheme = (params.get('theme') as Theme | null) ?? currentTheme();
applyTheme(initialTheme);

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  if (only && only !== id) return null;
  return (
    <section className="card showcase-section" id={id}>
      <div className="card-header">
        <h2>{title}</h2>
      </div>
      {children}
    </section>
  );
}

function LogDemo() {
  const [count, setCount] = useState(1_000_000);
  const [live, setLive] = useState(params.get('live') !== '0');
  const countRef = useRef(count);
  countRef.current = count;
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setCount((c) => c + 3), 700);
    return () => clearInterval(t);
  }, [live]);
  const getLines = useMemo(() => fakeGetLines(() => countRef.current), [countRef]);
  const search = useMemo(() => fakeSearch(() => countRef.current), [countRef]);
  const [mount, setMount] = useState(0);
  return (
    <>
      <div className="showcase-row">
        <label className="showcase-check">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Log grows (3 lines / 0.7 s)
        </label>
        <button
          type="button"
          className="btn btn-sm"
          data-testid="showcase-remount"
          onClick={() => {
            performance.mark('log-mount');
            setMount((m) => m + 1);
          }}
        >
          Remount
        </button>
      </div>
      <div className="showcase-log">
        <LogViewer
          key={mount}
          lineCount={count}
          getLines={getLines}
          search={search}
          follow={params.get('follow') !== '0'}
          defaultWrap={params.get('wrap') === '1'}
          onCopyAll={() => undefined}
        />
      </div>
    </>
  );
}

function ProgressDemo() {
  return (
    <div className="showcase-grid">
      <ProgressBar percent={42} etaSeconds={185} label="Erlang 600 · iteration 9 of 20" />
      <ProgressBar percent={null} label="Starting the simulator…" />
      <ProgressBar percent={100} tone="completed" label="Completed" />
      <ProgressBar percent={63.4} etaSeconds={2 * 3600 + 700} tone="cancelled" label="Cancelling" />
      <table className="table">
        <tbody>
          <tr>
            <td>nsfnet-sweep</td>
            <td style={{ width: 180 }}>
              <ProgressBar percent={7} etaSeconds={4000} compact testId="progress-compact-1" />
            </td>
          </tr>
          <tr>
            <td>usnet-quick</td>
            <td>
              <ProgressBar percent={null} compact testId="progress-compact-2" />
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

const LOADS = [300, 600, 900];

/** Blocking after iteration k for a load: converges towards a mean with noise. */
function fakeBlocking(load: number, k: number): number {
  const mean = 0.0004 * Math.exp(load / 190);
  const noise = Math.sin(load * 0.7 + k * 1.9) * 0.35 + Math.cos(k * 0.77 + load) * 0.2;
  return Math.max(0, mean * (1 + noise / Math.sqrt(k + 1)));
}

function ChartsDemo() {
  const [iters, setIters] = useState(params.get('live') === '0' ? 20 : 8);
  const [log, setLog] = useState(params.get('log') === '1');
  const vsLoad = useRef<BlockingVsLoadHandle>(null);
  const [svgInfo, setSvgInfo] = useState('');
  useEffect(() => {
    if (iters >= 20) return;
    const t = setTimeout(() => setIters((n) => n + 1), 1000);
    return () => clearTimeout(t);
  }, [iters]);
  const series = useMemo<IterationSeries[]>(
    () => LOADS.map((load) => ({ load, values: Array.from({ length: iters }, (_, k) => fakeBlocking(load, k)) })),
    [iters],
  );
  const vs = useMemo<LoadSeries[]>(() => {
    const points = (scale: number) =>
      [300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200].map((load) => {
        const mean = 0.0004 * Math.exp(load / 190) * scale;
        const half = mean * (0.12 + 0.3 / Math.sqrt(iters));
        return { load, mean, ciLow: Math.max(0, mean - half), ciHigh: mean + half };
      });
    return [
      { label: 'NSFNet · k=3 · first fit', points: points(1) },
      { label: 'NSFNet · k=5 · best fit', points: points(0.7) },
    ];
  }, [iters]);
  return (
    <>
      <div className="showcase-row">
        <label className="showcase-check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="showcase-log" /> Log scale
        </label>
        <span className="muted">
          Iterations: {iters} / 20 {iters < 20 ? '(one more every second; zoom with a drag, double-click to reset)' : ''}
        </span>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => {
            const svg = vsLoad.current?.toSVG({ title: 'Blocking probability vs load' }) ?? '';
            const png = vsLoad.current?.toPNG() ?? '';
            setSvgInfo(`SVG ${svg.length} chars, PNG ${png.length} chars`);
          }}
        >
          Export SVG / PNG
        </button>
        <span className="muted">{svgInfo}</span>
      </div>
      <div className="showcase-grid">
        <div>
          <h3 className="showcase-h3">Blocking per iteration</h3>
          <BlockingIterationsChart series={series} logScale={log} />
        </div>
        <div>
          <h3 className="showcase-h3">Blocking vs load</h3>
          <BlockingVsLoadChart ref={vsLoad} series={vs} logScale={log} />
        </div>
      </div>
    </>
  );
}

function SvgExportDemo() {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    import('./lib/chartData').then(({ blockingVsLoadToSVG }) => {
      const pts = (s: number) =>
        [300, 500, 700, 900, 1100].map((load) => {
          const mean = 0.0004 * Math.exp(load / 190) * s;
          return { load, mean, ciLow: mean * 0.85, ciHigh: mean * 1.15 };
        });
      setSvg(
        blockingVsLoadToSVG(
          [
            { label: 'first fit', points: pts(1) },
            { label: 'best fit', points: pts(0.7) },
          ],
          { title: 'Exported SVG', logScale: params.get('log') === '1' },
        ),
      );
    });
  }, []);
  return svg ? (
    <div>
      <img alt="exported chart" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} />
    </div>
  ) : null;
}

function IniDemo() {
  const [text, setText] = useState(FUSION_INI);
  const [readOnly, setReadOnly] = useState(false);
  const diagnostics = useMemo<IniDiagnostic[]>(() => {
    const out: IniDiagnostic[] = [];
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      if (/^\s*max_iters\s*[=:]\s*(\S+)/.test(l) && !/^\s*max_iters\s*[=:]\s*\d+\s*$/.test(l)) {
        out.push({ line: i + 1, message: 'general_settings.max_iters must be a whole number', severity: 'error' });
      }
      if (/^\s*beta\s*=/.test(l)) out.push({ line: i + 1, message: 'snr_settings.beta is not read when snr_type = None', severity: 'warning' });
    });
    return out;
  }, [text]);
  const field = (section: string, key: string) => (
    <div className="field">
      <label htmlFor={`f-${key}`}>
        {section}.{key}
      </label>
      <input id={`f-${key}`} type="text" className="mono" value={getKey(text, section, key) ?? ''} onChange={(e) => setText((t) => setKey(t, section, key, e.target.value))} />
    </div>
  );
  return (
    <div className="showcase-grid showcase-ini">
      <div className="form">
        <p className="hint">The form and the text share one INI through getKey / setKey.</p>
        {field('general_settings', 'max_iters')}
        {field('general_settings', 'erlang_stop')}
        {field('topology_settings', 'network')}
        {field('routing_settings', 'k_paths')}
        <label className="showcase-check">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read only
        </label>
      </div>
      <IniEditor value={text} onChange={setText} diagnostics={diagnostics} readOnly={readOnly} height="440px" />
    </div>
  );
}

function FilesDemo() {
  const [selected, setSelected] = useState<FileTreeEntry | null>(null);
  return (
    <div className="showcase-grid">
      <FileTree entries={FILE_ROOTS} loadChildren={fakeLoadChildren} selected={selected?.path ?? null} onSelect={setSelected} />
      <div className="muted">Selected: {selected ? <code>{selected.path}</code> : 'nothing'}</div>
    </div>
  );
}

function Showcase() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <div className="showcase">
      <header className="page-header">
        <div>
          <h1>Components</h1>
          <p className="page-subtitle">Generic building blocks with fake data.</p>
        </div>
        <button type="button" className="btn" data-testid="showcase-theme" onClick={() => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <Section id="log" title="LogViewer · 1 000 000 lines">
        <LogDemo />
      </Section>
      <Section id="charts" title="Charts (uPlot)">
        <ChartsDemo />
      </Section>
      <Section id="svg" title="toSVG() output">
        <SvgExportDemo />
      </Section>
      <Section id="ini" title="IniEditor (CodeMirror) + lib/ini">
        <IniDemo />
      </Section>
      <Section id="topology" title="TopologyView · NSFNet-like, 14 nodes / 22 links">
        <TopologyView nodes={NSF_NODES} links={NSF_LINKS} usageScale={{ min: 0, max: 140, label: 'Lightpaths at 600 Erlang' }} aspect={1.6} height="460px" />
      </Section>
      <Section id="json" title="JsonTree">
        <JsonTree value={ERLANG_JSON} />
      </Section>
      <Section id="csv" title="CsvTable">
        <CsvTable header={CSV_HEADER} rows={CSV_ROWS.slice(0, 1000)} totalRows={52_310} maxHeight="360px" />
      </Section>
      <Section id="files" title="FileTree">
        <FilesDemo />
      </Section>
      <Section id="progress" title="ProgressBar">
        <ProgressDemo />
      </Section>
    </div>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <Showcase />
  </StrictMode>,
);
