import { useEffect, useMemo, useState } from 'react';
import type { DeskError } from '../bindings/DeskError';
import type { FigureOptions } from '../bindings/FigureOptions';
import type { PlotRequest } from '../bindings/PlotRequest';
import { toDeskError, useBackend, type FigureFormat } from '../api/backend';
import { useDebounced } from '../lib/hooks';
import { useAsync } from '../lib/useAsync';
import { ErrorAlert } from './ErrorAlert';
import { Modal } from './Modal';
import './FigureDialog.css';

/** One column of a two-column paper, as `fdesk plot` draws it by default. */
export const PAPER_COLUMN: FigureOptions = {
  width: 8.5,
  height: 6,
  unit: 'cm',
  font: 'sans',
  font_size_pt: 8,
  line_width_pt: 1,
  legend: 'best',
  x_scale: 'linear',
  y_scale: 'linear',
  grid: true,
  dpi: 300,
};

const FORMATS: { format: FigureFormat; label: string }[] = [
  { format: 'pdf', label: 'PDF (vector, fonts embedded)' },
  { format: 'svg', label: 'SVG' },
  { format: 'png', label: 'PNG' },
  { format: 'csv', label: 'CSV of the plotted data' },
  { format: 'py', label: 'Python script (matplotlib) + CSV' },
];

const LEGENDS = ['best', 'top-left', 'top-right', 'bottom-left', 'bottom-right', 'none'];

/** The same length in the other unit, to two decimals. */
function convert(value: number, from: string, to: string): number {
  if (from === to) return value;
  const cm = from === 'in' ? value * 2.54 : value;
  return Math.round((to === 'in' ? cm / 2.54 : cm) * 100) / 100;
}

/** An SVG document as an image source: shown as a picture, never run as a page. */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

type Props = {
  request: PlotRequest;
  /** Starting axis scales (the chart's own log toggle, for instance). */
  initial?: Partial<FigureOptions>;
  onClose: () => void;
};

/**
 * A publication figure of runs or a sweep: size, fonts, lines, legend, axis
 * labels and scales, and the file format. The preview is the SVG the core
 * draws, the same one every saved format is made from.
 */
export function FigureDialog({ request, initial, onClose }: Props) {
  const backend = useBackend();
  const [options, setOptions] = useState<FigureOptions>({ ...PAPER_COLUMN, ...initial });
  const [format, setFormat] = useState<FigureFormat>('pdf');
  const [saveError, setSaveError] = useState<DeskError | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const shown = useDebounced(options, 250);
  const requestKey = JSON.stringify(request);
  const stableRequest = useMemo(() => JSON.parse(requestKey) as PlotRequest, [requestKey]);

  const drawn = useAsync(() => backend.figurePreview(stableRequest, shown), [backend, stableRequest, shown]);
  const preview = drawn.value ?? null;
  // A new preview supersedes what the last save said, as a new save does.
  useEffect(() => setSaveError(null), [preview]);
  const error = saveError ?? drawn.error;

  const set = <K extends keyof FigureOptions>(key: K, value: FigureOptions[K]) => setOptions((o) => ({ ...o, [key]: value }));
  const number = (key: 'width' | 'height' | 'font_size_pt' | 'line_width_pt' | 'dpi', text: string) => set(key, Number(text));

  const save = () => {
    setSaving(true);
    setSaved(null);
    setSaveError(null);
    backend.saveFigure(stableRequest, options, format).then(
      (path) => {
        setSaving(false);
        if (path) setSaved(path);
      },
      (e: unknown) => {
        setSaving(false);
        setSaveError(toDeskError(e));
      },
    );
  };

  const ext = format === 'py' ? 'py' : format;
  return (
    <Modal
      title="Figure for a paper"
      testId="figure-dialog"
      wide
      onDismiss={saving ? undefined : onClose}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={saving} data-testid="figure-close">
            {saved ? 'Done' : 'Cancel'}
          </button>
          <button type="button" className="btn btn-primary" onClick={save} disabled={saving || preview === null} data-testid="figure-save">
            {saving ? 'Saving…' : `Save as ${ext.toUpperCase()}…`}
          </button>
        </>
      }
    >
      <div className="figure-dialog">
        <div className="figure-preview" data-testid="figure-preview">
          {preview ? (
            <img
              src={svgSource(preview.svg)}
              alt={`Preview of ${preview.file_stem}`}
              style={{ aspectRatio: `${preview.width_pt} / ${preview.height_pt}` }}
              data-testid="figure-preview-image"
            />
          ) : (
            !error && <div className="loading">Drawing…</div>
          )}
          {preview && (
            <p className="muted small mono" data-testid="figure-file-name">
              {preview.file_stem}.{ext}
            </p>
          )}
          {preview && preview.notes.length > 0 && (
            <ul className="figure-notes small" data-testid="figure-notes">
              {preview.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </div>
        <div className="form-grid figure-form">
          <fieldset>
            <legend>Size</legend>
            <label>
              Width
              <input type="number" className="input input-narrow" min={0.5} step={0.1} value={options.width} onChange={(e) => number('width', e.target.value)} data-testid="figure-width" data-autofocus />
            </label>
            <label>
              Height
              <input type="number" className="input input-narrow" min={0.5} step={0.1} value={options.height} onChange={(e) => number('height', e.target.value)} data-testid="figure-height" />
            </label>
            <label>
              Unit
              <select
                className="input"
                value={options.unit}
                data-testid="figure-unit"
                onChange={(e) => {
                  const unit = e.target.value;
                  setOptions((o) => ({ ...o, unit, width: convert(o.width, o.unit, unit), height: convert(o.height, o.unit, unit) }));
                }}
              >
                <option value="cm">cm</option>
                <option value="in">inches</option>
              </select>
            </label>
          </fieldset>
          <fieldset>
            <legend>Text and lines</legend>
            <label>
              Font
              <select className="input" value={options.font} onChange={(e) => set('font', e.target.value)} data-testid="figure-font">
                <option value="sans">DejaVu Sans</option>
                <option value="serif">DejaVu Serif</option>
              </select>
            </label>
            <label>
              Font size (pt)
              <input type="number" className="input input-narrow" min={3} max={72} step={0.5} value={options.font_size_pt} onChange={(e) => number('font_size_pt', e.target.value)} data-testid="figure-font-size" />
            </label>
            <label>
              Line width (pt)
              <input type="number" className="input input-narrow" min={0.1} max={10} step={0.1} value={options.line_width_pt} onChange={(e) => number('line_width_pt', e.target.value)} data-testid="figure-line-width" />
            </label>
            <p className="muted small">Colours: Okabe–Ito (colour-blind safe); every line also has its own marker and dash, so it reads in greyscale.</p>
          </fieldset>
          <fieldset>
            <legend>Axes and legend</legend>
            <label>
              X label
              <input type="text" className="input" placeholder={preview ? 'as plotted' : ''} value={options.x_label ?? ''} onChange={(e) => set('x_label', e.target.value)} data-testid="figure-x-label" />
            </label>
            <label>
              Y label
              <input type="text" className="input" placeholder={preview ? 'as plotted' : ''} value={options.y_label ?? ''} onChange={(e) => set('y_label', e.target.value)} data-testid="figure-y-label" />
            </label>
            <label>
              X axis
              <select className="input" value={options.x_scale} onChange={(e) => set('x_scale', e.target.value)} data-testid="figure-x-scale">
                <option value="linear">linear</option>
                <option value="log">log</option>
              </select>
            </label>
            <label>
              Y axis
              <select className="input" value={options.y_scale} onChange={(e) => set('y_scale', e.target.value)} data-testid="figure-y-scale">
                <option value="linear">linear</option>
                <option value="log">log</option>
              </select>
            </label>
            <label>
              Legend
              <select className="input" value={options.legend} onChange={(e) => set('legend', e.target.value)} data-testid="figure-legend">
                {LEGENDS.map((l) => (
                  <option key={l} value={l}>
                    {l.replace('-', ' ')}
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={options.grid} onChange={(e) => set('grid', e.target.checked)} data-testid="figure-grid" />
              Grid lines
            </label>
          </fieldset>
          <fieldset>
            <legend>File</legend>
            <label>
              Format
              <select className="input" value={format} onChange={(e) => setFormat(e.target.value as FigureFormat)} data-testid="figure-format">
                {FORMATS.map((f) => (
                  <option key={f.format} value={f.format}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            {format === 'png' && (
              <label>
                Resolution (DPI)
                <input type="number" className="input input-narrow" min={30} max={2400} step={50} value={options.dpi} onChange={(e) => number('dpi', e.target.value)} data-testid="figure-dpi" />
              </label>
            )}
          </fieldset>
        </div>
      </div>
      {saved && (
        <p className="alert alert-info" data-testid="figure-saved" role="status">
          Saved to {saved}
          {format === 'py' ? ' (its CSV beside it)' : ''}
        </p>
      )}
      {error && <ErrorAlert error={error} testId="figure-error" />}
    </Modal>
  );
}
