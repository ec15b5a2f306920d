import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend, makeRun } from '../api/memory';
import { App } from '../App';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

describe('App shell', () => {
  it('navigates between pages with the sidebar and rows', async () => {
    backend = new MemoryBackend({ runs: [makeRun({ id: '00000000abcd', name: 'first', status: 'COMPLETED' })] });
    render(<App backend={backend} />);
    expect(await screen.findByTestId('page-runs')).toBeInTheDocument();
    expect(screen.getByTestId('nav-runs')).toHaveAttribute('aria-current', 'page');

    await userEvent.click(screen.getByTestId('nav-new'));
    expect(await screen.findByTestId('page-new')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('nav-settings'));
    expect(await screen.findByTestId('page-settings')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('nav-runs'));
    await userEvent.click(await screen.findByTestId('run-row-00000000abcd'));
    expect(await screen.findByTestId('page-run-detail')).toBeInTheDocument();
    expect(await screen.findByTestId('detail-id')).toHaveTextContent('00000000abcd');
  });

  it('toggles the theme and remembers it', async () => {
    backend = new MemoryBackend({});
    render(<App backend={backend} />);
    await screen.findByTestId('activity');
    const before = document.documentElement.dataset.theme;
    expect(before === 'light' || before === 'dark').toBe(true);
    await userEvent.click(screen.getByTestId('theme-toggle'));
    const after = document.documentElement.dataset.theme;
    expect(after).not.toBe(before);
    expect(localStorage.getItem('fusion-desk.theme')).toBe(after);
  });

  it('keeps the running and queued counts current from events', async () => {
    backend = new MemoryBackend({});
    render(<App backend={backend} />);
    const activity = await screen.findByTestId('activity');
    expect(activity).toHaveTextContent('0 running');
    await act(() => backend.createRun({ template: 'quick', overrides: [] }));
    await waitFor(() => expect(activity).toHaveTextContent('1 queued'));
  });
});

describe('the browser demo', () => {
  it('shows its stored history and a stored run with its progress and log', async () => {
    const { demoBackend } = await import('../api/demo');
    backend = demoBackend();
    render(<App backend={backend} />);
    expect(await screen.findByTestId('run-row-7b1fd2c86e05')).toHaveTextContent('XT-aware allocation, 3 cores');
    expect(screen.getByText('Demo data')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('run-row-e04b6f3a9d21'));
    await waitFor(() => expect(screen.getByTestId('detail-progress')).toHaveTextContent('Load 2 of 4'));
    expect((await backend.logLines('e04b6f3a9d21', 0, 100)).total_lines).toBeGreaterThan(3);
  });
});
