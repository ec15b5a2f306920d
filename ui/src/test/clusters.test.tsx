import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterCheck } from '../bindings/ClusterCheck';
import type { ClusterProfile } from '../bindings/ClusterProfile';
import { MemoryBackend, makeRun } from '../api/memory';
import { fakeTemplateText } from '../api/fakeDesk';
import { NewRunPage } from '../pages/NewRunPage';
import { RunDetailPage } from '../pages/RunDetailPage';
import { ClusterProfilesSection } from '../pages/settings/ClusterProfilesSection';
import { renderWith } from './render';

const HPC: ClusterProfile = {
  name: 'hpc',
  partition: 'long',
  account: 'optics',
  time_limit: '04:00:00',
  cpus_per_run: 4,
  memory_per_run: '8G',
  extra_sbatch_options: [],
  data_folder: '',
  simulator_command: '',
  connection: { kind: 'local' },
};

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

describe('Executor control on the new-run page', () => {
  it('sends the run to the chosen cluster', async () => {
    backend = new MemoryBackend({ clusters: [HPC] });
    renderWith(backend, <NewRunPage />);
    await waitFor(() => expect(screen.getByTestId('create-run')).toBeEnabled());
    const picker = screen.getByTestId('executor');
    expect(picker).toHaveValue('local');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Slurm: hpc' })).toBeInTheDocument());
    await userEvent.selectOptions(picker, 'hpc');
    expect(screen.getByTestId('executor-hint')).toHaveTextContent('partition long, 4 CPUs, 8G, time limit 04:00:00');
    await userEvent.click(screen.getByTestId('create-run'));
    await waitFor(() =>
      expect(backend.callsOf('createRun')).toEqual([
        [{ template: 'quick', overrides: [], config_text: fakeTemplateText('quick'), executor: 'hpc' }],
      ]),
    );
  });

  it('points to Settings when there is no cluster', async () => {
    backend = new MemoryBackend({});
    renderWith(backend, <NewRunPage />);
    expect(await screen.findByText('Add a Slurm cluster in Settings to run there.')).toBeInTheDocument();
  });
});

describe('Cluster profiles in Settings', () => {
  it('adds, checks and removes a profile; errors name the field', async () => {
    backend = new MemoryBackend({});
    backend.failNext('saveCluster', {
      code: 'invalid_input',
      message: 'cluster profile time limit: "soon" is not a Slurm time: use minutes, HH:MM:SS or D-HH:MM:SS',
    });
    backend.answer('checkCluster', (name) => ({ profile: name, ok: true, summary: 'partition long (up): 4 node(s) idle, 32 CPUs each', problem: null, host_key_type: null, host_key_fingerprint: null }));
    renderWith(backend, <ClusterProfilesSection />);
    await userEvent.click(await screen.findByTestId('cluster-add'));
    await userEvent.type(screen.getByTestId('cluster-name'), 'hpc');
    await userEvent.type(screen.getByTestId('cluster-timeLimit'), 'soon');
    await userEvent.click(screen.getByTestId('cluster-save'));
    expect(await screen.findByTestId('cluster-error')).toHaveTextContent('cluster profile time limit');
    expect(await backend.listClusters()).toEqual([]);

    await userEvent.clear(screen.getByTestId('cluster-timeLimit'));
    await userEvent.type(screen.getByTestId('cluster-timeLimit'), '2-00:00:00');
    await userEvent.type(screen.getByTestId('cluster-partition'), 'long');
    await userEvent.type(screen.getByTestId('cluster-extra'), '--qos=high');
    await userEvent.click(screen.getByTestId('cluster-save'));
    expect(await screen.findByTestId('cluster-item-hpc')).toHaveTextContent('partition long, 1 CPU, time limit 2-00:00:00');
    expect((await backend.listClusters())[0].extra_sbatch_options).toEqual(['--qos=high']);

    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByTestId('cluster-check-hpc')).toHaveTextContent('✓ partition long (up)');

    await userEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByTestId('cluster-item-hpc')).not.toBeInTheDocument());
    expect(await backend.listClusters()).toEqual([]);
  });

  it('saves a cluster reached over SSH and keeps its connection when edited', async () => {
    backend = new MemoryBackend({});
    renderWith(backend, <ClusterProfilesSection />);
    await userEvent.click(await screen.findByTestId('cluster-add'));
    await userEvent.type(screen.getByTestId('cluster-name'), 'remote');
    expect(screen.queryByTestId('cluster-sshHost')).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId('cluster-ssh'));
    await userEvent.type(screen.getByTestId('cluster-sshHost'), 'login.cluster');
    await userEvent.type(screen.getByTestId('cluster-sshPort'), '2222');
    await userEvent.type(screen.getByTestId('cluster-remoteFolder'), '$SCRATCH/fd');
    expect(screen.queryByTestId('cluster-dataFolder')).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId('cluster-save'));
    await screen.findByTestId('cluster-item-remote');
    const ssh = { kind: 'ssh', host: 'login.cluster', user: null, port: 2222, remote_folder: '$SCRATCH/fd' };
    expect((await backend.listClusters())[0].connection).toEqual(ssh);

    await userEvent.click(screen.getByRole('button', { name: 'Edit' }));
    expect(screen.getByTestId('cluster-sshHost')).toHaveValue('login.cluster');
    await userEvent.type(screen.getByTestId('cluster-partition'), 'long');
    await userEvent.click(screen.getByTestId('cluster-save'));
    await waitFor(async () => expect((await backend.listClusters())[0].partition).toBe('long'));
    expect((await backend.listClusters())[0].connection).toEqual(ssh);
  });
  it('lists where a cluster over SSH is reached, and tests one connection at a time', async () => {
    // The cluster takes a while to answer.
    backend = new MemoryBackend({ latencyMs: 400 });
    await backend.saveCluster({
      ...HPC,
      name: 'remote',
      connection: { kind: 'ssh', host: 'login.cluster', user: 'ann', port: 2222, remote_folder: '$SCRATCH/fd' },
    });
    await backend.saveCluster({ ...HPC, name: 'alias', connection: { kind: 'ssh', host: 'hpc', user: null, port: null, remote_folder: '~/fd' } });
    const ok: ClusterCheck = { profile: 'remote', ok: true, summary: 'partition long (up)', problem: null, host_key_type: null, host_key_fingerprint: null };
    backend.answer('checkCluster', () => ok);
    renderWith(backend, <ClusterProfilesSection />);
    expect(await screen.findByTestId('cluster-ssh-remote')).toHaveTextContent('over SSH: ann@login.cluster:2222 · remote folder $SCRATCH/fd');
    // What the SSH config decides is not made up.
    expect(screen.getByTestId('cluster-ssh-alias')).toHaveTextContent(/^over SSH: hpc · remote folder ~\/fd$/);

    await userEvent.click(screen.getByTestId('cluster-test-remote'));
    expect(screen.getByTestId('cluster-test-remote')).toBeDisabled();
    expect(screen.getByTestId('cluster-test-remote')).toHaveTextContent('Testing…');
    await userEvent.click(screen.getByTestId('cluster-test-remote'));
    expect(backend.callsOf('checkCluster')).toEqual([['remote']]);
    await waitFor(() => expect(screen.getByTestId('cluster-test-remote')).toBeEnabled());
    expect(screen.getByTestId('cluster-check-remote')).toHaveTextContent('✓ partition long (up)');
  });

  it('shows an unknown login-node key with its fingerprint and trusts exactly that key on request', async () => {
    const fingerprint = 'SHA256:3q2+7w0b9Zr1v8c5H1f0f2mJkQ6yX4nP1s2t3u4v5w6';
    backend = new MemoryBackend({});
    await backend.saveCluster({
      ...HPC,
      name: 'remote',
      connection: { kind: 'ssh', host: 'login.cluster', user: null, port: null, remote_folder: '$SCRATCH/fd' },
    });
    backend.answer('checkCluster', (name, accept) =>
      accept === fingerprint
        ? { profile: name, ok: true, summary: 'partition long (up): 4 node(s) idle', problem: null, host_key_type: null, host_key_fingerprint: null }
        : {
            profile: name,
            ok: false,
            summary: `login.cluster presented an unknown ED25519 key (${fingerprint})`,
            problem: 'host_key_unknown',
            host_key_type: 'ED25519',
            host_key_fingerprint: fingerprint,
          },
    );
    renderWith(backend, <ClusterProfilesSection />);
    await screen.findByTestId('cluster-item-remote');
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    const key = await screen.findByTestId('cluster-host-key-remote');
    expect(key).toHaveTextContent('ED25519');
    expect(key).toHaveTextContent(fingerprint);
    // Asked once, as a question: not also a failure line repeating the key.
    const item = screen.getByTestId('cluster-item-remote');
    expect(item.textContent!.split(fingerprint)).toHaveLength(2);
    expect(item).not.toHaveTextContent('✗');
    expect(screen.queryByTestId('cluster-check-remote')).not.toBeInTheDocument();
    // Checking alone never trusts anything.
    expect(backend.callsOf('checkCluster')).toEqual([['remote']]);

    await userEvent.click(screen.getByTestId('cluster-trust-remote'));
    expect(await screen.findByTestId('cluster-check-remote')).toHaveTextContent('✓ partition long (up)');
    expect(backend.callsOf('checkCluster')).toEqual([['remote'], ['remote', fingerprint]]);
    expect(screen.queryByTestId('cluster-host-key-remote')).not.toBeInTheDocument();
  });
});

describe('Run detail of a cluster run', () => {
  it('shows the executor, the Slurm job and the status line', async () => {
    const run = makeRun({
      id: 'c0ffee000002',
      executor: 'hpc',
      slurm_job_id: '4242_7',
      status_detail: "Waiting in Slurm's queue: Resources (waiting for free CPUs or memory)",
    });
    backend = new MemoryBackend({ runs: [run], clusters: [HPC] });
    renderWith(backend, <RunDetailPage id={run.id} />);
    expect(await screen.findByTestId('detail-executor')).toHaveTextContent('Slurm cluster hpc');
    expect(screen.getByTestId('detail-slurm-job')).toHaveTextContent('4242_7');
    expect(screen.getByTestId('detail-status-detail')).toHaveTextContent("Waiting in Slurm's queue: Resources");
  });
});
