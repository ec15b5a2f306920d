import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterResult } from '../bindings/ClusterResult';
import { fakeRunData } from '../api/fakeRun';
import { MemoryBackend, makeRun, type MemoryOptions } from '../api/memory';
import { formatLong } from '../lib/format';
import { ArtifactsTab } from '../pages/run/ArtifactsTab';
import { renderWith } from './render';

const ID = 'c1a55e000001';
const TRAFFIC: ClusterResult = { path: 'big/traffic.h5', size: 3 * 1024 ** 3, modified: Date.UTC(2026, 11, 7, 22, 15, 30) / 1000 };
const AGENT: ClusterResult = { path: 'agent_final.pkl', size: 300 * 1024 ** 2, modified: Date.UTC(2026, 11, 7, 22, 16, 0) / 1000 };

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function setup(left: ClusterResult[], options: Omit<MemoryOptions, 'runs' | 'runData'> = {}) {
  const run = makeRun({ id: ID, status: 'COMPLETED', exit_code: 0, executor: 'hpc', slurm_job_id: '4242' });
  backend = new MemoryBackend({ ...options, runs: [run], runData: { [ID]: { ...fakeRunData(run), leftOnCluster: left } } });
  renderWith(backend, <ArtifactsTab runId={ID} active refreshKey="COMPLETED" />);
}

describe('Left on the cluster', () => {
  it('is not shown for a run that left nothing on its cluster', async () => {
    setup([]);
    expect(await screen.findByTestId('file-entry-output')).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf('resultsLeftOnCluster')).toEqual([[ID]]));
    expect(screen.queryByTestId('left-on-cluster')).not.toBeInTheDocument();
    expect(screen.queryByText('Left on the cluster')).not.toBeInTheDocument();
  });

  it('lists each file with its size in words, its modification time and a Fetch button', async () => {
    setup([TRAFFIC, AGENT]);
    const section = await screen.findByTestId('left-on-cluster');
    expect(within(section).getByRole('heading', { name: 'Left on the cluster' })).toBeInTheDocument();
    expect(section).toHaveTextContent('2 files too large to come back with the rest');

    const traffic = within(section).getByTestId('left-big/traffic.h5');
    expect(traffic).toHaveTextContent('big/traffic.h5');
    expect(traffic).toHaveTextContent('3 GiB');
    // Seconds since the epoch, shown in local time to the second.
    expect(traffic).toHaveTextContent(formatLong('2026-12-07T22:15:30.000Z'));
    expect(traffic).not.toHaveTextContent('1970');
    expect(within(traffic).getByRole('button', { name: 'Fetch' })).toBeEnabled();
    const agent = within(section).getByTestId('left-agent_final.pkl');
    expect(agent).toHaveTextContent('300 MiB');
    expect(agent).toHaveTextContent(formatLong('2026-12-07T22:16:00.000Z'));
  });

  it('fetches a file: shows it under way, then in the run folder and no longer on the cluster', async () => {
    setup([TRAFFIC, AGENT], { latencyMs: 120 });
    const section = await screen.findByTestId('left-on-cluster');
    await userEvent.click(within(section).getByTestId('fetch-big/traffic.h5'));

    expect(await screen.findByTestId('left-on-cluster-fetching')).toHaveTextContent('Fetching big/traffic.h5 (3 GiB)');
    expect(within(section).getByTestId('fetch-big/traffic.h5')).toHaveTextContent('Fetching…');
    // One transfer at a time.
    expect(within(section).getByTestId('fetch-agent_final.pkl')).toBeDisabled();

    expect(await screen.findByTestId('left-on-cluster-fetched')).toHaveTextContent('Fetched output/big/traffic.h5');
    expect(backend.callsOf('fetchClusterResult')).toEqual([[ID, 'big/traffic.h5']]);
    expect(screen.queryByTestId('left-big/traffic.h5')).not.toBeInTheDocument();
    expect(within(section).getByTestId('fetch-agent_final.pkl')).toBeEnabled();

    // The folder was read again: the file is in the normal list.
    await userEvent.click(await screen.findByTestId('file-entry-output'));
    await userEvent.click(await screen.findByTestId('file-entry-output/big'));
    expect(await screen.findByTestId('file-entry-output/big/traffic.h5')).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf('resultsLeftOnCluster').length).toBeGreaterThanOrEqual(2));
    expect(screen.queryByTestId('left-big/traffic.h5')).not.toBeInTheDocument();
  });

  it('keeps the section once its last file is fetched, saying where it went', async () => {
    setup([AGENT]);
    await userEvent.click(await screen.findByTestId('fetch-agent_final.pkl'));
    expect(await screen.findByTestId('left-on-cluster-fetched')).toHaveTextContent('Fetched output/agent_final.pkl: it is in the run folder now.');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    await userEvent.click(await screen.findByTestId('file-entry-output'));
    expect(await screen.findByTestId('file-entry-output/agent_final.pkl')).toBeInTheDocument();
  });

  it('says in words why a fetch failed and keeps the file listed, ready to try again', async () => {
    setup([TRAFFIC]);
    backend.failNext('fetchClusterResult', { code: 'invalid_state', message: 'cluster "hpc": unreachable: ssh: connect to host login.hpc port 22: Connection refused' });
    await userEvent.click(await screen.findByTestId('fetch-big/traffic.h5'));

    const alert = await screen.findByTestId('left-on-cluster-fetch-error');
    expect(alert).toHaveTextContent('Could not fetch big/traffic.h5');
    expect(alert).toHaveTextContent('Connection refused');
    expect(screen.queryByTestId('left-on-cluster-fetched')).not.toBeInTheDocument();
    const again = screen.getByTestId('fetch-big/traffic.h5');
    expect(again).toHaveTextContent('Fetch');
    expect(again).toBeEnabled();

    await userEvent.click(again);
    expect(await screen.findByTestId('left-on-cluster-fetched')).toBeInTheDocument();
    expect(screen.queryByTestId('left-on-cluster-fetch-error')).not.toBeInTheDocument();
    expect(backend.callsOf('fetchClusterResult')).toEqual([
      [ID, 'big/traffic.h5'],
      [ID, 'big/traffic.h5'],
    ]);
  });

  it('shows why the list cannot be read', async () => {
    const run = makeRun({ id: ID, status: 'COMPLETED', exit_code: 0 });
    backend = new MemoryBackend({ runs: [run], runData: { [ID]: fakeRunData(run) } });
    backend.failNext('resultsLeftOnCluster', { code: 'internal', message: 'results-on-cluster.json of the run cannot be read: EOF' });
    renderWith(backend, <ArtifactsTab runId={ID} active refreshKey="COMPLETED" />);
    expect(await screen.findByTestId('left-on-cluster-error')).toHaveTextContent('cannot be read');
  });
});
