import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createRef, useState } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EditorView } from '@codemirror/view';
import { CsvTable, numericColumns } from '../components/CsvTable';
import { FileTree, type FileTreeEntry } from '../components/FileTree';
import { IniEditor, minimalChange, type IniDiagnostic, type IniEditorHandle } from '../components/IniEditor';
import { JsonTree, childPath } from '../components/JsonTree';
import { ProgressBar } from '../components/ProgressBar';
import { TopologyView, fitView, rampColor, type TopologyLink, type TopologyNode } from '../components/TopologyView';
import { parseCsv } from '../lib/csv';
import { getKey, setKey } from '../lib/ini';
import { formatBytes, formatEta } from '../lib/units';

beforeAll(() => {
  // CodeMirror measures text with ranges; jsdom has no layout.
  const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) } as DOMRect;
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => rect;
});

describe('units', () => {
  it('formats sizes and remaining times', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(262_144_000)).toBe('250 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GiB');
    expect(formatBytes(null)).toBe('—');
    expect(formatEta(5)).toBe('a few seconds left');
    expect(formatEta(45)).toBe('less than a minute left');
    expect(formatEta(185)).toBe('about 3 min left');
    expect(formatEta(2 * 3600 + 700)).toBe('about 2 h 12 min left');
    expect(formatEta(3 * 86400 + 7200)).toBe('about 3 d 2 h left');
    expect(formatEta(null)).toBe('');
  });
});

describe('ProgressBar', () => {
  it('shows percent and time left', () => {
    render(<ProgressBar percent={41.6} etaSeconds={185} label="Erlang 600" />);
    expect(screen.getByTestId('progress-percent')).toHaveTextContent('42 %');
    expect(screen.getByTestId('progress-bar')).toHaveTextContent('about 3 min left');
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute('aria-valuenow', '42');
    expect(bar.querySelector('.progress-fill')).toHaveStyle({ width: '41.6%' });
  });

  it('has an indeterminate state and a compact variant', () => {
    const { rerender } = render(<ProgressBar percent={null} label="Starting" />);
    expect(screen.getByTestId('progress-bar')).toHaveClass('progress-indeterminate');
    expect(screen.queryByTestId('progress-percent')).not.toBeInTheDocument();
    expect(screen.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');
    rerender(<ProgressBar percent={99.7} etaSeconds={30} compact />);
    expect(screen.getByTestId('progress-bar')).toHaveClass('progress-compact');
    expect(screen.getByTestId('progress-percent')).toHaveTextContent('99 %');
    rerender(<ProgressBar percent={140} compact />);
    expect(screen.getByTestId('progress-percent')).toHaveTextContent('100 %');
  });
});

const INI = '[general_settings]\nmax_iters = 20\nerlang_stop = 1200\n\n[topology_settings]\nnetwork = NSFNet\n';

function viewOf(): EditorView {
  const content = screen.getByTestId('ini-editor').querySelector('.cm-content') as HTMLElement;
  const view = EditorView.findFromDOM(content);
  if (!view) throw new Error('no editor view');
  return view;
}

describe('IniEditor', () => {
  it('reports typing, and keeps the cursor when the value changes from outside', () => {
    const onChange = vi.fn();
    const { rerender } = render(<IniEditor value={INI} onChange={onChange} />);
    expect(screen.getByTestId('ini-editor').querySelector('.cm-content')).toHaveAttribute('contenteditable', 'true');
    const view = viewOf();
    expect(view.state.doc.toString()).toBe(INI);

    // The user types in the network line.
    const pos = INI.indexOf('NSFNet') + 'NSFNet'.length;
    act(() => view.dispatch({ changes: { from: pos, insert: '2' }, selection: { anchor: pos + 1 }, userEvent: 'input.type' }));
    expect(onChange).toHaveBeenLastCalledWith(INI.replace('NSFNet', 'NSFNet2'));
    const typed = INI.replace('NSFNet', 'NSFNet2');

    // The form edits max_iters (above the cursor): the document follows, the cursor stays after "NSFNet2".
    onChange.mockClear();
    const fromForm = setKey(typed, 'general_settings', 'max_iters', '5');
    rerender(<IniEditor value={fromForm} onChange={onChange} />);
    expect(view.state.doc.toString()).toBe(fromForm);
    expect(onChange).not.toHaveBeenCalled();
    expect(view.state.selection.main.head).toBe(fromForm.indexOf('NSFNet2') + 'NSFNet2'.length);
  });

  it('shows diagnostics in the gutter, on the line, and counts them', async () => {
    const diagnostics: IniDiagnostic[] = [
      { line: 2, message: 'max_iters must be a whole number', severity: 'error' },
      { line: 6, message: 'unknown network', severity: 'warning' },
      { line: 99, message: 'out of range goes to line 1', severity: 'warning' },
    ];
    const { rerender } = render(<IniEditor value={INI} onChange={() => undefined} diagnostics={diagnostics} />);
    expect(screen.getByTestId('ini-editor-status')).toHaveTextContent('1 error');
    expect(screen.getByTestId('ini-editor-status')).toHaveTextContent('2 warnings');
    await waitFor(() => expect(document.querySelectorAll('.cm-lint-marker').length).toBeGreaterThan(0));
    expect(document.querySelector('.cm-lintRange-error')).toHaveTextContent('max_iters = 20');
    expect(document.querySelector('.cm-lintRange-warning')).toBeInTheDocument();
    rerender(<IniEditor value={INI} onChange={() => undefined} diagnostics={[]} />);
    await waitFor(() => expect(document.querySelector('.cm-lintRange-error')).not.toBeInTheDocument());
    expect(screen.queryByTestId('ini-editor-status')).not.toBeInTheDocument();
  });

  it('can be read-only and exposes focus and goToLine', () => {
    const ref = createRef<IniEditorHandle>();
    const { rerender } = render(<IniEditor value={INI} onChange={() => undefined} readOnly ref={ref} />);
    const content = screen.getByTestId('ini-editor').querySelector('.cm-content')!;
    expect(content).toHaveAttribute('contenteditable', 'false');
    expect(viewOf().state.readOnly).toBe(true);
    rerender(<IniEditor value={INI} onChange={() => undefined} ref={ref} />);
    expect(content).toHaveAttribute('contenteditable', 'true');
    act(() => ref.current!.goToLine(5));
    expect(viewOf().state.selection.main.head).toBe(INI.indexOf('[topology_settings]'));
  });

  it('stays in sync with a form through lib/ini', () => {
    function Both() {
      const [text, setText] = useState(INI);
      return (
        <>
          <input
            aria-label="max_iters"
            value={getKey(text, 'general_settings', 'max_iters') ?? ''}
            onChange={(e) => setText((t) => setKey(t, 'general_settings', 'max_iters', e.target.value))}
          />
          <IniEditor value={text} onChange={setText} />
        </>
      );
    }
    render(<Both />);
    fireEvent.change(screen.getByLabelText('max_iters'), { target: { value: '7' } });
    expect(viewOf().state.doc.toString()).toBe(INI.replace('max_iters = 20', 'max_iters = 7'));
    const view = viewOf();
    const at = view.state.doc.toString().indexOf('7');
    act(() => view.dispatch({ changes: { from: at, to: at + 1, insert: '12' } }));
    expect(screen.getByLabelText('max_iters')).toHaveValue('12');
  });

  it('computes minimal changes', () => {
    expect(minimalChange('abc', 'abc')).toBeNull();
    expect(minimalChange('a = 20\nb', 'a = 5\nb')).toEqual({ from: 4, to: 6, insert: '5' });
    expect(minimalChange('', 'x')).toEqual({ from: 0, to: 0, insert: 'x' });
  });
});

describe('JsonTree', () => {
  const value = {
    blocking_mean: 0.0123,
    sim_params: { erlang: 600, network: 'NSFNet', 'spectral slots': 320, nested: { deep: { deeper: true } } },
    list: Array.from({ length: 250 }, (_, i) => i),
    empty: [],
    nothing: null,
  };

  it('opens the first levels, folds, and pages long arrays', () => {
    render(<JsonTree value={value} />);
    const tree = screen.getByTestId('json-tree');
    expect(tree).toHaveTextContent('"blocking_mean": 0.0123');
    expect(tree).toHaveTextContent('"network": "NSFNet"');
    // The third level is folded.
    expect(tree).toHaveTextContent('"nested": { 1 key }');
    expect(tree).not.toHaveTextContent('deep');
    fireEvent.click(screen.getByRole('button', { name: 'Unfold $.sim_params.nested' }));
    expect(tree).toHaveTextContent('"deep": { 1 key }');
    fireEvent.click(screen.getByRole('button', { name: 'Unfold $.sim_params.nested.deep' }));
    expect(tree).toHaveTextContent('"deeper": true');
    fireEvent.click(screen.getByRole('button', { name: 'Fold $.sim_params' }));
    expect(tree).not.toHaveTextContent('"network"');
    expect(tree).toHaveTextContent('"sim_params": { 4 keys }');

    // 250 items: 100 first.
    expect(within(tree).getByTitle('Copy path $.list[99]')).toBeInTheDocument();
    expect(within(tree).queryByTitle('Copy path $.list[100]')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('json-show-more'));
    expect(within(tree).getByTitle('Copy path $.list[199]')).toBeInTheDocument();
    expect(within(tree).queryByTitle('Copy path $.list[200]')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('json-show-more'));
    expect(within(tree).getByTitle('Copy path $.list[249]')).toBeInTheDocument();
    expect(screen.queryByTestId('json-show-more')).not.toBeInTheDocument();
    expect(tree).toHaveTextContent('"empty": []');
  });

  it('copies the path of a key', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const onCopyPath = vi.fn();
    render(<JsonTree value={value} onCopyPath={onCopyPath} />);
    fireEvent.click(screen.getByText('"spectral slots"'));
    await waitFor(() => expect(onCopyPath).toHaveBeenCalledWith('$.sim_params["spectral slots"]'));
    expect(writeText).toHaveBeenCalledWith('$.sim_params["spectral slots"]');
    expect(childPath('$.list', 3)).toBe('$.list[3]');
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
  });
});

describe('CsvTable and parseCsv', () => {
  it('parses quoted fields and line endings, and caps rows', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y",3\n2,"say ""hi""","multi\nline"\n\n3,,\n';
    const p = parseCsv(text);
    expect(p.header).toEqual(['a', 'b', 'c']);
    expect(p.rows).toEqual([
      ['1', 'x, y', '3'],
      ['2', 'say "hi"', 'multi\nline'],
      ['3', '', ''],
    ]);
    expect(p.truncated).toBe(false);
    const capped = parseCsv('h\n1\n2\n3\n4\n', 2);
    expect(capped.rows).toEqual([['1'], ['2']]);
    expect(capped.truncated).toBe(true);
    expect(parseCsv('x,y').header).toEqual(['x', 'y']);
  });

  it('renders a header, numeric columns and a cap notice', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [String(300 + i), (i / 1000).toFixed(4), i % 2 ? 'QPSK' : '16-QAM']);
    render(<CsvTable header={['erlang', 'blocking', 'modulation']} rows={rows} maxRows={10} totalRows={5000} />);
    const table = screen.getByTestId('csv-table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['', 'erlang', 'blocking', 'modulation']);
    expect(within(table).getAllByRole('row')).toHaveLength(11);
    expect(screen.getByTestId('csv-cap')).toHaveTextContent('Showing the first 10 of 5,000 rows.');
    expect(numericColumns(['a', 'b', 'c'], rows)).toEqual([true, true, false]);
  });
});

describe('FileTree', () => {
  const e = (path: string, kind: FileTreeEntry['kind'], size: number | null = null): FileTreeEntry => ({
    name: path.split('/').pop()!,
    path,
    kind,
    size,
    modified: '2025-06-01T12:00:00.000+00:00',
  });

  it('loads folders when opened, sorts, formats sizes and selects', async () => {
    const loadChildren = vi.fn((path: string) =>
      path === 'run/output'
        ? Promise.resolve([e('run/output/10_erlang.json', 'file', 2048), e('run/output/9_erlang.json', 'file', 1536), e('run/output/snap', 'dir')])
        : Promise.reject({ code: 'forbidden_path', message: 'outside the run folder' }),
    );
    const onSelect = vi.fn();
    const onOpen = vi.fn();
    render(
      <FileTree
        entries={[e('run/sim.log', 'file', 262_144_000), e('run/output', 'dir'), e('run/latest', 'symlink', 12), e('run/bad', 'dir')]}
        loadChildren={loadChildren}
        onSelect={onSelect}
        onOpen={onOpen}
      />,
    );
    const tree = screen.getByTestId('file-tree');
    // Folders first.
    const names = () => Array.from(tree.querySelectorAll('.file-name')).map((n) => n.textContent);
    expect(names()).toEqual(['bad', 'output', 'latest', 'sim.log']);
    expect(screen.getByTestId('file-entry-run/sim.log')).toHaveTextContent('250 MiB');
    expect(loadChildren).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('file-entry-run/output'));
    expect(onSelect).toHaveBeenLastCalledWith(expect.objectContaining({ path: 'run/output' }));
    expect(loadChildren).toHaveBeenCalledWith('run/output');
    await screen.findByTestId('file-entry-run/output/9_erlang.json');
    // Numbers in names in numeric order.
    expect(names()).toEqual(['bad', 'output', 'snap', '9_erlang.json', '10_erlang.json', 'latest', 'sim.log']);
    expect(screen.getByTestId('file-entry-run/output/9_erlang.json')).toHaveTextContent('1.5 KiB');

    // Closing and opening again does not reload.
    fireEvent.click(screen.getByTestId('file-entry-run/output'));
    expect(screen.queryByTestId('file-entry-run/output/9_erlang.json')).not.toBeInTheDocument();
    fireEvent.click(screen.getByTestId('file-entry-run/output'));
    expect(loadChildren).toHaveBeenCalledTimes(1);

    fireEvent.doubleClick(screen.getByTestId('file-entry-run/sim.log'));
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ path: 'run/sim.log' }));

    fireEvent.click(screen.getByTestId('file-entry-run/bad'));
    await screen.findByText(/outside the run folder/);
  });

  it('moves with the keyboard', async () => {
    const loadChildren = vi.fn(() => Promise.resolve([e('a/x.txt', 'file', 1)]));
    const onSelect = vi.fn();
    render(<FileTree entries={[e('a', 'dir'), e('b.txt', 'file', 5)]} loadChildren={loadChildren} onSelect={onSelect} selected="a" />);
    const tree = screen.getByTestId('file-tree');
    fireEvent.keyDown(tree, { key: 'ArrowRight' });
    await screen.findByTestId('file-entry-a/x.txt');
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(onSelect).toHaveBeenLastCalledWith(expect.objectContaining({ path: 'a/x.txt' }));
    fireEvent.keyDown(tree, { key: 'ArrowDown' });
    expect(onSelect).toHaveBeenLastCalledWith(expect.objectContaining({ path: 'b.txt' }));
    fireEvent.keyDown(tree, { key: 'Home' });
    fireEvent.keyDown(tree, { key: 'ArrowLeft' });
    expect(screen.queryByTestId('file-entry-a/x.txt')).not.toBeInTheDocument();
  });
});

describe('TopologyView', () => {
  const nodes: TopologyNode[] = [
    { id: '0', x: 0, y: 0, degree: 2 },
    { id: '1', x: 1, y: 0, degree: 1 },
    { id: '2', x: 0.5, y: 1, degree: 1 },
  ];
  const links: TopologyLink[] = [
    { source: '0', target: '1', lengthKm: 1200, lengthKmReverse: 1250, usage: 40 },
    { source: '0', target: '2', lengthKm: 800, usage: null },
  ];

  it('draws nodes and links with usage colours and a legend', () => {
    render(<TopologyView nodes={nodes} links={links} usageScale={{ min: 0, max: 80, label: 'Lightpaths' }} />);
    expect(screen.getByTestId('topology-view')).toBeInTheDocument();
    expect(screen.getByTestId('topology-node-0')).toBeInTheDocument();
    const line = screen.getByTestId('topology-link-0-1').querySelector('.topology-link-line') as SVGLineElement;
    expect(line.style.stroke).toBe(rampColor(0.5).replace(/ /g, ' '));
    expect(screen.getByTestId('topology-legend')).toHaveTextContent('Lightpaths');
    expect(screen.getByTestId('topology-legend')).toHaveTextContent('80');
    expect(screen.getByTestId('topology-legend')).toHaveTextContent('not used');
  });

  it('shows details on hover, both directions when they differ', () => {
    render(<TopologyView nodes={nodes} links={links} usageScale={{ min: 0, max: 80, label: 'Lightpaths' }} />);
    fireEvent.pointerMove(screen.getByTestId('topology-link-0-1'), { clientX: 50, clientY: 50 });
    const tip = screen.getByTestId('topology-tooltip');
    expect(tip).toHaveTextContent('0 — 1');
    expect(tip).toHaveTextContent('0 → 1: 1,200 km');
    expect(tip).toHaveTextContent('1 → 0: 1,250 km');
    expect(tip).toHaveTextContent('Lightpaths: 40');
    fireEvent.pointerLeave(screen.getByTestId('topology-link-0-1'));
    fireEvent.pointerMove(screen.getByTestId('topology-link-0-2'), { clientX: 50, clientY: 50 });
    expect(screen.getByTestId('topology-tooltip')).toHaveTextContent('800 km');
    expect(screen.getByTestId('topology-tooltip')).toHaveTextContent('not used');
    fireEvent.pointerMove(screen.getByTestId('topology-node-0'), { clientX: 10, clientY: 10 });
    expect(screen.getByTestId('topology-tooltip')).toHaveTextContent('Node 0');
    expect(screen.getByTestId('topology-tooltip')).toHaveTextContent('Degree 2');
  });

  it('zooms about the cursor, pans by dragging and fits back', () => {
    const onNodeClick = vi.fn();
    render(<TopologyView nodes={nodes} links={links} onNodeClick={onNodeClick} />);
    expect(screen.queryByTestId('topology-legend')).not.toBeInTheDocument();
    const node = screen.getByTestId('topology-node-1');
    const start = node.getAttribute('transform');
    const svg = screen.getByTestId('topology-view').querySelector('svg')!;
    // jsdom: the svg sits at 0,0; default size 640 × 420.
    const before = parseTranslate(start!);
    act(() => {
      svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, clientX: before[0], clientY: before[1], bubbles: true, cancelable: true }));
    });
    // The node under the cursor stays where it is; others move away from it.
    expect(parseTranslate(node.getAttribute('transform')!)).toEqual(before);
    expect(parseTranslate(screen.getByTestId('topology-node-0').getAttribute('transform')!)[0]).toBeLessThan(
      parseTranslate(start!)[0] - (640 - 72) * 0.5,
    );

    fireEvent.pointerDown(svg, { button: 0, pointerId: 1, clientX: 100, clientY: 100 });
    fireEvent.pointerMove(svg, { pointerId: 1, clientX: 130, clientY: 90 });
    fireEvent.pointerUp(svg, { pointerId: 1, clientX: 130, clientY: 90 });
    const moved = parseTranslate(node.getAttribute('transform')!);
    expect(moved[0]).toBeCloseTo(before[0] + 30);
    expect(moved[1]).toBeCloseTo(before[1] - 10);

    fireEvent.click(screen.getByTestId('topology-fit'));
    expect(node.getAttribute('transform')).toBe(start);

    fireEvent.click(node);
    expect(onNodeClick).toHaveBeenCalledWith('1');
    const v = fitView(nodes, 640, 420);
    expect(v.k).toBeCloseTo(Math.min(640 - 72, 420 - 72));
  });
});

function parseTranslate(t: string): [number, number] {
  const m = /translate\(([-\d.e]+) ([-\d.e]+)\)/.exec(t);
  if (!m) throw new Error(t);
  return [Number(m[1]), Number(m[2])];
}

describe('the usage ramp', () => {
  it('runs through viridis from dark purple to yellow, getting lighter all the way', () => {
    expect(rampColor(0)).toBe('rgb(68, 1, 84)');
    expect(rampColor(1)).toBe('rgb(253, 231, 37)');
    const lightness = (c: string) => {
      const [r, g, b] = c.match(/\d+/g)!.map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const steps = Array.from({ length: 21 }, (_, i) => lightness(rampColor(i / 20)));
    expect(steps.every((v, i) => i === 0 || v > steps[i - 1])).toBe(true);
  });
});
