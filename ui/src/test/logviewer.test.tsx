import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogViewer, MAX_SCROLL_PX, type LogSearchOptions, type LogSearchResult } from '../components/LogViewer';
import { LruCache } from '../lib/lru';
import { RowHeights } from '../lib/rowHeights';
import { buildMatcher, splitMatches } from '../lib/textMatch';

const VIEW_H = 400; // px: 22 rows of 18 px

function lineText(i: number) {
  return `line ${i} sim: Erlang ${300 + (i % 3) * 300} blocking ${(i % 97) / 1000}`;
}

function provider(count: () => number, long: Record<number, string> = {}) {
  const calls: [number, number][] = [];
  const getLines = vi.fn((first: number, n: number) => {
    calls.push([first, n]);
    const out: string[] = [];
    for (let i = first; i < Math.min(first + n, count()); i++) out.push(long[i] ?? lineText(i));
    return Promise.resolve(out);
  });
  return { getLines, calls };
}

function rowsInDom() {
  return Array.from(document.querySelectorAll<HTMLElement>('.log-row')).map((r) => Number(r.dataset.line));
}

function viewport() {
  return screen.getByTestId('log-viewport');
}

function scrollTo(top: number) {
  const v = viewport();
  act(() => {
    v.scrollTop = top;
    fireEvent.scroll(v);
  });
}

beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('log-viewport') ? VIEW_H : 0;
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LogViewer', () => {
  it('renders a million lines with a bounded number of rows, also at the end', async () => {
    const { getLines } = provider(() => 1_000_000);
    const t0 = performance.now();
    render(<LogViewer lineCount={1_000_000} getLines={getLines} />);
    await screen.findByText(lineText(0));
    const initialMs = performance.now() - t0;
    // Generous bound: jsdom is far slower than a browser (≈ 25 ms there for rows, 55 ms with text).
    expect(initialMs).toBeLessThan(2000);
    expect(rowsInDom().length).toBeLessThanOrEqual(Math.ceil(VIEW_H / 18) + 2 * 12 + 1);

    // The scroll area is capped; positions map onto the full height.
    const spacer = viewport().firstElementChild as HTMLElement;
    expect(parseFloat(spacer.style.height)).toBe(MAX_SCROLL_PX);

    scrollTo(MAX_SCROLL_PX - VIEW_H);
    await screen.findByText(lineText(999_999));
    const rows = rowsInDom();
    expect(rows.length).toBeLessThan(60);
    expect(Math.max(...rows)).toBe(999_999);
    expect(screen.getByTestId('log-line-999999')).toBeInTheDocument();

    scrollTo((MAX_SCROLL_PX - VIEW_H) / 2);
    await waitFor(() => expect(rowsInDom().some((r) => r > 499_000 && r < 501_000)).toBe(true));
    expect(rowsInDom().length).toBeLessThan(60);
  });

  it('reads lines in windows and caches them', async () => {
    const { getLines, calls } = provider(() => 10_000);
    render(<LogViewer lineCount={10_000} getLines={getLines} windowSize={100} cacheLines={300} />);
    await screen.findByText(lineText(0));
    expect(calls).toEqual([[0, 100]]);
    scrollTo(5000 * 18);
    await screen.findByText(lineText(5000));
    expect(calls.every(([first, n]) => first % 100 === 0 && n === 100)).toBe(true);
    const before = calls.length;
    scrollTo(0);
    await screen.findByText(lineText(0));
    // Window 0 was still cached: no new read.
    expect(calls.length).toBe(before);
  });

  it('cuts very long lines with a marker', async () => {
    const huge = 'x'.repeat(1 << 20);
    const { getLines } = provider(() => 10, { 3: huge });
    render(<LogViewer lineCount={10} getLines={getLines} maxLineChars={10_000} />);
    const row = await screen.findByTestId('log-line-3');
    await waitFor(() => expect(row.textContent).toContain('chars'));
    expect(row.querySelector('.log-text')!.textContent!.length).toBeLessThan(10_100);
    expect(row.textContent).toContain(`+${(huge.length - 10_000).toLocaleString('en-US')} chars`);
  });

  it('searches through the backend, steps through matches and highlights them', async () => {
    const count = 200_000;
    const { getLines } = provider(() => count);
    const search = vi.fn((q: string, opts: LogSearchOptions): Promise<LogSearchResult> => {
      const lines = q === 'blocking 0.05' && !opts.regex ? [50, 120_000, 199_990] : [];
      return Promise.resolve({ total: lines.length, lines, truncated: false });
    });
    render(<LogViewer lineCount={count} getLines={getLines} search={search} />);
    const input = screen.getByTestId('log-search-input');
    fireEvent.change(input, { target: { value: 'blocking 0.05' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('log-search-count')).toHaveTextContent('1 of 3'));
    expect(search).toHaveBeenCalledWith('blocking 0.05', { regex: false, caseSensitive: false });
    const first = await screen.findByTestId('log-line-50');
    await waitFor(() => expect(first.querySelector('mark')).toHaveTextContent('blocking 0.05'));
    expect(first).toHaveClass('log-row-current');

    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByTestId('log-search-count')).toHaveTextContent('2 of 3');
    await screen.findByTestId('log-line-120000');
    expect(rowsInDom().length).toBeLessThan(60);

    fireEvent.click(screen.getByTestId('log-search-next'));
    expect(screen.getByTestId('log-search-count')).toHaveTextContent('3 of 3');
    await screen.findByTestId('log-line-199990');

    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(screen.getByTestId('log-search-count')).toHaveTextContent('2 of 3');
    fireEvent.click(screen.getByTestId('log-search-prev'));
    fireEvent.click(screen.getByTestId('log-search-prev'));
    expect(screen.getByTestId('log-search-count')).toHaveTextContent('3 of 3');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getByTestId('log-search-count')).toHaveTextContent('1 of 3');

    // Options are passed on; a new query searches again.
    fireEvent.click(screen.getByTestId('log-search-regex'));
    fireEvent.click(screen.getByTestId('log-search-case'));
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('log-search-count')).toHaveTextContent('No matches'));
    expect(search).toHaveBeenLastCalledWith('blocking 0.05', { regex: true, caseSensitive: true });
  });

  it('waits for a slow search instead of starting it again on Enter', async () => {
    // A million-line log takes seconds to search: Enter pressed meanwhile (to
    // get to the first match) once threw the running search away and began
    // anew, so pressing it again and again never showed a match.
    const count = 1_000_000;
    const { getLines } = provider(() => count);
    const pending: ((r: LogSearchResult) => void)[] = [];
    const search = vi.fn((): Promise<LogSearchResult> => new Promise((resolve) => pending.push(resolve)));
    render(<LogViewer lineCount={count} getLines={getLines} search={search} />);
    const input = screen.getByTestId('log-search-input');
    fireEvent.change(input, { target: { value: 'NEEDLE' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByTestId('log-search-count')).toHaveTextContent('Searching…');
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.click(screen.getByTestId('log-search-next'));
    // The typing pause passes too: still the one search.
    await act(async () => new Promise((r) => setTimeout(r, 400)));
    expect(search).toHaveBeenCalledTimes(1);
    await act(async () => pending[0]({ total: 2, lines: [12_345, 912_345], truncated: false }));
    await waitFor(() => expect(screen.getByTestId('log-search-count')).toHaveTextContent('1 of 2'));
    await screen.findByTestId('log-line-12345');
    // A different query is a new search.
    fireEvent.change(input, { target: { value: 'NEEDLE-9' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(search).toHaveBeenCalledTimes(2);
  });

  it('follows new lines, pauses when scrolled up and offers to jump back', async () => {
    let count = 1000;
    const { getLines } = provider(() => count);
    const onFollowChange = vi.fn();
    const { rerender } = render(<LogViewer lineCount={count} getLines={getLines} follow onFollowChange={onFollowChange} />);
    await screen.findByText(lineText(999));
    expect(screen.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'true');

    count = 1200;
    rerender(<LogViewer lineCount={count} getLines={getLines} follow onFollowChange={onFollowChange} />);
    await screen.findByText(lineText(1199));
    expect(viewport().scrollTop).toBe(1200 * 18 - VIEW_H);

    // The user scrolls up: following pauses, new lines are counted.
    scrollTo(100 * 18);
    expect(screen.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'false');
    expect(onFollowChange).toHaveBeenLastCalledWith(false);
    count = 1250;
    rerender(<LogViewer lineCount={count} getLines={getLines} follow onFollowChange={onFollowChange} />);
    expect(screen.getByTestId('log-new-lines')).toHaveTextContent('50 new lines');
    expect(viewport().scrollTop).toBe(100 * 18);

    // Back at the bottom: following resumes by itself.
    scrollTo(1250 * 18 - VIEW_H);
    expect(screen.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('log-new-lines')).not.toBeInTheDocument();

    // Paused again, the pill jumps to the end.
    scrollTo(0);
    count = 1300;
    rerender(<LogViewer lineCount={count} getLines={getLines} follow onFollowChange={onFollowChange} />);
    fireEvent.click(screen.getByTestId('log-new-lines'));
    expect(screen.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'true');
    await screen.findByText(lineText(1299));

    // Turning follow off by hand is not undone by reaching the bottom.
    fireEvent.click(screen.getByTestId('log-follow'));
    expect(screen.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'false');
    scrollTo(1300 * 18 - VIEW_H - 1);
    scrollTo(1300 * 18 - VIEW_H);
    expect(screen.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'false');
  });

  it('copies the selected lines, or the visible ones', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { getLines } = provider(() => 500);
    const onCopyAll = vi.fn();
    render(<LogViewer lineCount={500} getLines={getLines} onCopyAll={onCopyAll} />);
    await screen.findByText(lineText(0));

    fireEvent.click(screen.getByTestId('log-copy'));
    await waitFor(() => expect(writeText).toHaveBeenCalledTimes(1));
    const visible = (writeText.mock.calls[0] as unknown as [string])[0].split('\n');
    expect(visible[0]).toBe(lineText(0));
    expect(visible.length).toBe(Math.ceil(VIEW_H / 18));

    const gutter = (n: number) => screen.getByTestId(`log-line-${n}`).querySelector('.log-gutter')!;
    fireEvent.mouseDown(gutter(2));
    fireEvent.mouseDown(gutter(4), { shiftKey: true });
    expect(screen.getByTestId('log-line-3')).toHaveClass('log-row-selected');
    await waitFor(() => expect(screen.getByTestId('log-copy')).toHaveTextContent('Copy 3 lines'), { timeout: 3000 });
    fireEvent.click(screen.getByTestId('log-copy'));
    await waitFor(() => expect(writeText).toHaveBeenCalledTimes(2));
    expect((writeText.mock.calls[1] as unknown as [string])[0]).toBe([2, 3, 4].map(lineText).join('\n'));

    fireEvent.click(screen.getByTestId('log-copy-all'));
    expect(onCopyAll).toHaveBeenCalledTimes(1);
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
  });

  it('toggles wrapping and shows an empty state', async () => {
    const { getLines } = provider(() => 0);
    const { rerender } = render(<LogViewer lineCount={0} getLines={getLines} />);
    expect(screen.getByText('No output yet.')).toBeInTheDocument();
    expect(getLines).not.toHaveBeenCalled();
    const wrap = screen.getByTestId('log-wrap');
    expect(wrap).toHaveAttribute('aria-pressed', 'false');
    fireEvent.click(wrap);
    expect(wrap).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('log-viewer')).toHaveClass('log-wrap');
    rerender(<LogViewer lineCount={3} getLines={provider(() => 3).getLines} />);
    await screen.findByText(lineText(2));
  });

  it('reports read errors and retries', async () => {
    let fail = true;
    const getLines = vi.fn((first: number, n: number) =>
      fail ? Promise.reject(new Error('file gone')) : Promise.resolve(Array.from({ length: n }, (_, k) => lineText(first + k))),
    );
    render(<LogViewer lineCount={5} getLines={getLines} />);
    await screen.findByText(/file gone/);
    fail = false;
    fireEvent.click(screen.getByText('Retry'));
    await screen.findByText(lineText(4));
  });
});

describe('log building blocks', () => {
  it('LruCache evicts the least recently used, by count and weight', () => {
    const c = new LruCache<number, string>(3, 10, (v) => v.length);
    c.set(1, 'aa');
    c.set(2, 'bb');
    c.set(3, 'cc');
    c.get(1);
    c.set(4, 'dd');
    expect(c.keys()).toEqual([3, 1, 4]);
    c.set(5, 'eeeeeeee');
    expect(c.keys()).toEqual([4, 5]);
    expect(c.weight).toBe(10);
  });

  it('RowHeights finds offsets and rows with measured heights among millions', () => {
    const h = new RowHeights(18);
    h.setCount(2_000_000);
    expect(h.total()).toBe(36_000_000);
    expect(h.indexAt(18 * 1_500_000 + 5)).toBe(1_500_000);
    h.set(10, 54);
    h.set(1_500_000, 36);
    expect(h.offsetOf(11)).toBe(11 * 18 + 36);
    expect(h.offsetOf(1_500_001)).toBe(1_500_001 * 18 + 36 + 18);
    expect(h.indexAt(10 * 18 + 50)).toBe(10);
    expect(h.indexAt(11 * 18 + 36)).toBe(11);
    expect(h.indexAt(1_500_000 * 18 + 36 + 30)).toBe(1_500_000);
    expect(h.total()).toBe(36_000_000 + 54);
    h.setCount(3_000_000);
    expect(h.offsetOf(11)).toBe(11 * 18 + 36);
    h.setCount(5);
    expect(h.total()).toBe(90);
  });

  it('splits text around matches', () => {
    const re = buildMatcher('a.c', { regex: false, caseSensitive: false });
    expect(splitMatches('xA.Cyabc', re)).toEqual([
      { text: 'x', match: false },
      { text: 'A.C', match: true },
      { text: 'yabc', match: false },
    ]);
    expect(buildMatcher('(', { regex: true, caseSensitive: false })).toBeNull();
    expect(splitMatches('aaa', buildMatcher('x*', { regex: true, caseSensitive: true }))).toEqual([{ text: 'aaa', match: false }]);
  });
});
