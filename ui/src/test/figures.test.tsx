import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import type { FigureOptions } from '../bindings/FigureOptions';
import type { PlotRequest } from '../bindings/PlotRequest';
import type { RunMetrics } from '../bindings/RunMetrics';
import { FigureDialog, svgSource } from '../components/FigureDialog';
import { SweepDetailPage } from '../pages/SweepDetailPage';
import { sweepPlotRequest } from '../pages/sweeps/SweepPlot';
import { renderWith } from './render';
import { fakeSweep, withRuns } from './support/sweeps';

let backend: MemoryBackend;
afterEach(() => {
  backend?.dispose();
  window.location.hash = '';
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="240pt" height="170pt" viewBox="0 0 240 170"><title>k sweep</title><text>k_paths &amp; "cores"</text></svg>';

function lastPreview(): [PlotRequest, FigureOptions] {
  const calls = backend.callsOf('figurePreview');
  return calls[calls.length - 1] as [PlotRequest, FigureOptions];
}

describe('the figure dialog', () => {
  function open(request: PlotRequest = { runs: ['0123456789ab'] }) {
    backend = new MemoryBackend({});
    backend.answer('figurePreview', () => ({ svg: SVG, width_pt: 240, height_pt: 170, file_stem: 'k-sweep_mean_blocking-vs-k_paths', series: 2, notes: ['run x has no results yet'] }));
    backend.answer('saveFigure', (_request, _options, format) => `/home/researcher/Documents/k-sweep_mean_blocking-vs-k_paths.${format}`);
    let closed = 0;
    renderWith(backend, <FigureDialog request={request} initial={{ y_scale: 'log' }} onClose={() => closed++} />);
    return { closed: () => closed };
  }

  it('shows the SVG the core drew as an image, with the file name it will take and the notes', async () => {
    open();
    const img = await screen.findByTestId('figure-preview-image');
    expect(img).toHaveAttribute('src', svgSource(SVG));
    // The data URL decodes back to the very SVG (quotes and ampersands survive).
    expect(decodeURIComponent(img.getAttribute('src')!.split(',')[1])).toBe(SVG);
    expect(screen.getByTestId('figure-file-name')).toHaveTextContent('k-sweep_mean_blocking-vs-k_paths.pdf');
    expect(screen.getByTestId('figure-notes')).toHaveTextContent('run x has no results yet');
    const [request, options] = lastPreview();
    expect(request).toEqual({ runs: ['0123456789ab'] });
    expect(options).toMatchObject({ width: 8.5, height: 6, unit: 'cm', font: 'sans', y_scale: 'log', dpi: 300 });
  });

  it('converts the size between cm and inches and sends every option to the core', async () => {
    open();
    await screen.findByTestId('figure-preview-image');
    await userEvent.selectOptions(screen.getByTestId('figure-unit'), 'in');
    expect(screen.getByTestId('figure-width')).toHaveValue(3.35);
    expect(screen.getByTestId('figure-height')).toHaveValue(2.36);
    await userEvent.selectOptions(screen.getByTestId('figure-font'), 'serif');
    fireEvent.change(screen.getByTestId('figure-font-size'), { target: { value: '9.5' } });
    fireEvent.change(screen.getByTestId('figure-line-width'), { target: { value: '0.8' } });
    await userEvent.selectOptions(screen.getByTestId('figure-legend'), 'bottom-right');
    await userEvent.selectOptions(screen.getByTestId('figure-x-scale'), 'log');
    await userEvent.type(screen.getByTestId('figure-y-label'), 'Blocking');
    await userEvent.click(screen.getByTestId('figure-grid'));
    await waitFor(() =>
      expect(lastPreview()[1]).toMatchObject({
        unit: 'in',
        width: 3.35,
        font: 'serif',
        font_size_pt: 9.5,
        line_width_pt: 0.8,
        legend: 'bottom-right',
        x_scale: 'log',
        y_label: 'Blocking',
        grid: false,
      }),
    );
  });

  it('saves in the chosen format with the chosen DPI, says where, and says nothing when the dialog is cancelled', async () => {
    open({ runs: [], sweep: 'abcdefabcdef', x: 'k_paths' });
    await screen.findByTestId('figure-preview-image');
    expect(screen.queryByTestId('figure-dpi')).toBeNull();
    await userEvent.selectOptions(screen.getByTestId('figure-format'), 'png');
    fireEvent.change(screen.getByTestId('figure-dpi'), { target: { value: '600' } });
    expect(screen.getByTestId('figure-save')).toHaveTextContent('Save as PNG');
    await userEvent.click(screen.getByTestId('figure-save'));
    expect(await screen.findByTestId('figure-saved')).toHaveTextContent('k-sweep_mean_blocking-vs-k_paths.png');
    const [request, options, format] = backend.callsOf('saveFigure')[0] as [PlotRequest, FigureOptions, string];
    expect(request).toEqual({ runs: [], sweep: 'abcdefabcdef', x: 'k_paths' });
    expect(options.dpi).toBe(600);
    expect(format).toBe('png');

    await userEvent.selectOptions(screen.getByTestId('figure-format'), 'py');
    backend.answerNext('saveFigure', () => null);
    await userEvent.click(screen.getByTestId('figure-save'));
    await waitFor(() => expect(backend.callsOf('saveFigure')).toHaveLength(2));
    expect(screen.queryByTestId('figure-saved')).toBeNull();
    expect(screen.queryByTestId('figure-error')).toBeNull();
  });

  it("shows the core's refusal of an option and draws again once it is fixed", async () => {
    open();
    await screen.findByTestId('figure-preview-image');
    backend.failNext('figurePreview', { code: 'invalid_input', message: "a figure's sides must be between 5 mm and 1 m" });
    fireEvent.change(screen.getByTestId('figure-width'), { target: { value: '0.1' } });
    expect(await screen.findByTestId('figure-error')).toHaveTextContent('between 5 mm and 1 m');
    fireEvent.change(screen.getByTestId('figure-width'), { target: { value: '12' } });
    await waitFor(() => expect(screen.queryByTestId('figure-error')).toBeNull());
    expect(lastPreview()[1].width).toBe(12);
  });

  it('closes on Cancel', async () => {
    const { closed } = open();
    await userEvent.click(screen.getByTestId('figure-close'));
    expect(closed()).toBe(1);
  });
});

describe('the sweep plot', () => {
  it('builds the request of a metric against a varied key', () => {
    expect(sweepPlotRequest('s', 'routing_settings.k_paths', 'mean_blocking', '', '')).toEqual({ runs: [], sweep: 's', x: 'routing_settings.k_paths', y: 'mean_blocking' });
    expect(sweepPlotRequest('s', 'a.k', 'blocking_at', '900', 'a.c')).toEqual({ runs: [], sweep: 's', x: 'a.k', y: 'blocking@900', by: 'a.c' });
    expect(sweepPlotRequest('s', 'a.k', 'blocking_at', '', '')).toBeNull();
    expect(sweepPlotRequest('s', 'a.k', 'blocking_at', '-3', '')).toBeNull();
    expect(sweepPlotRequest('s', '', 'mean_blocking', '', '')).toBeNull();
  });

  function metrics(blocking: number | null): RunMetrics {
    return {
      mean_blocking: blocking,
      highest_erlang: 900,
      highest_blocking: blocking,
      bit_rate_blocking: blocking,
      loads: 3,
      iterations: 2,
      duration_seconds: 4,
      per_load: [],
    };
  }

  async function sweepPage() {
    const detail = fakeSweep('5eeb00000002', 'k sweep', [
      ['routing_settings.k_paths', ['1', '2']],
      ['topology_settings.cores_per_link', ['1', '3']],
    ]);
    backend = new MemoryBackend({ runs: detail.runs, sweeps: [detail] });
    backend.answer('figurePreview', () => ({ svg: SVG, width_pt: 453, height_pt: 269, file_stem: 'k-sweep_mean_blocking-vs-k_paths', series: 2, notes: [] }));
    renderWith(backend, <SweepDetailPage id={detail.sweep.id} />);
    await screen.findByTestId('sweep-plot');
    return detail;
  }

  it('plots a metric against the first varied key, one line per value of the second, and changes with the choices', async () => {
    const { sweep } = await sweepPage();
    await screen.findByTestId('sweep-plot-image');
    expect(lastPreview()[0]).toEqual({ runs: [], sweep: sweep.id, x: 'routing_settings.k_paths', y: 'mean_blocking', by: 'topology_settings.cores_per_link' });
    await userEvent.selectOptions(screen.getByTestId('sweep-plot-x'), 'topology_settings.cores_per_link');
    await waitFor(() => expect(lastPreview()[0]).toMatchObject({ x: 'topology_settings.cores_per_link', by: 'routing_settings.k_paths' }));
    await userEvent.selectOptions(screen.getByTestId('sweep-plot-y'), 'blocking_at');
    await userEvent.type(screen.getByTestId('sweep-plot-load'), '900');
    await waitFor(() => expect(lastPreview()[0]).toMatchObject({ y: 'blocking@900' }));
    await userEvent.selectOptions(screen.getByTestId('sweep-plot-by'), '');
    await waitFor(() => expect(lastPreview()[0]).not.toHaveProperty('by'));
    await userEvent.click(screen.getByTestId('sweep-plot-log'));
    await waitFor(() => expect(lastPreview()[1].y_scale).toBe('log'));
  });

  it("shows the core's reason when the plot cannot be drawn", async () => {
    const detail = fakeSweep('5eeb00000003', 'k sweep', [['routing_settings.k_paths', ['1', '2']]]);
    backend = new MemoryBackend({ runs: detail.runs, sweeps: [detail] });
    // No run has results, so the plot against the key is the only figure asked for.
    backend.failNext('figurePreview', { code: 'invalid_input', message: 'nothing to plot: no run has results' });
    renderWith(backend, <SweepDetailPage id={detail.sweep.id} />);
    expect(await screen.findByTestId('sweep-plot-error')).toHaveTextContent('nothing to plot');
    expect(screen.getByTestId('sweep-multiples-empty')).toBeInTheDocument();
  });

  it("draws every run with results against load as small multiples and opens a run's figure from one", async () => {
    const detail = await sweepPage();
    const { runs } = detail;
    expect(screen.getByTestId('sweep-multiples-empty')).toBeInTheDocument();
    act(() => {
      const ended = [
        { ...runs[0], status: 'COMPLETED' as const, metrics: metrics(0) },
        runs[1],
        { ...runs[2], status: 'CANCELLED' as const, metrics: metrics(0.012) },
        runs[3],
      ];
      backend.putSweep(withRuns(detail, ended));
      // Zero blocking at every load is a result too.
      backend.update(runs[0].id, { status: 'COMPLETED', metrics: metrics(0) });
      backend.update(runs[2].id, { status: 'CANCELLED', metrics: metrics(0.012) });
    });
    const multiples = await screen.findByTestId('sweep-multiples');
    await waitFor(() => expect(multiples.querySelectorAll('img')).toHaveLength(2));
    expect(screen.getByTestId(`sweep-multiple-${runs[0].id}`)).toBeInTheDocument();
    expect(screen.getByTestId(`sweep-multiple-${runs[2].id}`)).toBeInTheDocument();
    expect(screen.queryByTestId(`sweep-multiple-${runs[1].id}`)).toBeNull();
    const perRun = backend.callsOf('figurePreview').filter(([r]) => (r as PlotRequest).runs.length === 1);
    expect(perRun.map(([r]) => (r as PlotRequest).runs[0]).sort()).toEqual([runs[0].id, runs[2].id].sort());
    expect((perRun[0][1] as FigureOptions).legend).toBe('none');

    await userEvent.click(screen.getByTestId(`sweep-multiple-${runs[0].id}`).querySelector('button')!);
    const dialog = await screen.findByTestId('figure-dialog');
    expect(dialog).toBeInTheDocument();
    await waitFor(() => expect(lastPreview()[0]).toEqual({ runs: [runs[0].id] }));
  });

  it('opens the figure dialog with the plotted request', async () => {
    const { sweep } = await sweepPage();
    await screen.findByTestId('sweep-plot-image');
    await userEvent.click(screen.getByTestId('sweep-plot-figure'));
    await screen.findByTestId('figure-dialog');
    await waitFor(() => expect(lastPreview()[1].width).toBe(8.5));
    expect(lastPreview()[0]).toEqual({ runs: [], sweep: sweep.id, x: 'routing_settings.k_paths', y: 'mean_blocking', by: 'topology_settings.cores_per_link' });
  });
});
