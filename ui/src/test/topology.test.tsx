import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import { TopologyPage } from '../pages/TopologyPage';
import { renderWith } from './render';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

describe('Topology page', () => {
  it('lists the networks with their counts and draws the chosen one', async () => {
    backend = new MemoryBackend({});
    renderWith(backend, <TopologyPage />);
    const select = (await screen.findByTestId('topology-network')) as HTMLSelectElement;
    await waitFor(() => expect(select).toHaveValue('NSFNet'));
    expect(select.options).toHaveLength(9);
    expect(select.options[1]).toHaveTextContent('USNet · 24 nodes, 43 links');
    expect(screen.getByTestId('topology-counts')).toHaveTextContent('14 nodes');
    expect(screen.getByTestId('topology-counts')).toHaveTextContent('22 links');
    await screen.findByTestId('topology-view');
    expect(document.querySelectorAll('[data-testid^="topology-node-"]').length).toBeGreaterThanOrEqual(14);

    await userEvent.selectOptions(select, 'USbackbone60');
    await waitFor(() => expect(screen.getByTestId('topology-counts')).toHaveTextContent('60 nodes'));
    expect(screen.getByTestId('topology-counts')).toHaveTextContent('14 core nodes');
    await waitFor(() => expect(screen.getByTestId('topology-node-59')).toBeInTheDocument());
    expect(backend.callsOf('network')).toEqual([['NSFNet'], ['USbackbone60']]);
  });

  it('shows the selected node’s degree and links', async () => {
    backend = new MemoryBackend({});
    renderWith(backend, <TopologyPage />);
    const node = await screen.findByTestId('topology-node-0');
    fireEvent.click(node);
    const panel = screen.getByTestId('topology-node-panel');
    expect(panel).toHaveTextContent('Node 0');
    const degree = Number(screen.getByTestId('topology-node-degree').textContent);
    expect(degree).toBeGreaterThan(0);
    expect(screen.getByTestId('topology-node-links').querySelectorAll('li')).toHaveLength(degree);
    expect(screen.getByTestId('topology-node-links')).toHaveTextContent('km');
    // The selected node's links and neighbours stay in full; the rest fade.
    const links = [...document.querySelectorAll('[data-testid^="topology-link-"]')];
    const own = links.filter((l) => /^topology-link-(0-|.*-0$)/.test(l.getAttribute('data-testid') ?? ''));
    expect(own).toHaveLength(degree);
    for (const l of links) expect(l.classList.contains('faded')).toBe(!own.includes(l));
    const faded = document.querySelectorAll('.topology-node.faded');
    expect(faded.length).toBe(14 - 1 - degree);
    expect(node.classList.contains('faded')).toBe(false);
  });
});

describe('Topology in the shell', () => {
  it('is reached from the sidebar', async () => {
    const { App } = await import('../App');
    const { render } = await import('@testing-library/react');
    backend = new MemoryBackend({});
    render(<App backend={backend} />);
    await userEvent.click(await screen.findByTestId('nav-topology'));
    expect(await screen.findByTestId('page-topology')).toBeInTheDocument();
    expect(window.location.hash).toBe('#/topology');
    expect(screen.getByTestId('nav-topology')).toHaveAttribute('aria-current', 'page');
    await waitFor(() => expect(screen.getByTestId('topology-counts')).toHaveTextContent('14 nodes'));
  });
});
