import { useState, type FormEvent } from 'react';
import type { ClusterCheck } from '../../bindings/ClusterCheck';
import type { ClusterConnection } from '../../bindings/ClusterConnection';
import type { ClusterProfile } from '../../bindings/ClusterProfile';
import type { DeskError } from '../../bindings/DeskError';
import { toDeskError, useBackend } from '../../api/backend';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAsync, useOnChange } from '../../lib/useAsync';
import { describeCluster } from '../newrun/ExecutorPicker';
import './ClusterProfilesSection.css';

type Form = {
  name: string;
  partition: string;
  account: string;
  timeLimit: string;
  cpus: string;
  memory: string;
  extra: string;
  dataFolder: string;
  simulator: string;
  /** Reached over SSH (a login node) rather than from this machine. */
  ssh: boolean;
  sshHost: string;
  sshUser: string;
  sshPort: string;
  remoteFolder: string;
};

const EMPTY: Form = {
  name: '',
  partition: '',
  account: '',
  timeLimit: '',
  cpus: '1',
  memory: '',
  extra: '',
  dataFolder: '',
  simulator: '',
  ssh: false,
  sshHost: '',
  sshUser: '',
  sshPort: '',
  remoteFolder: '',
};

function toForm(p: ClusterProfile): Form {
  return {
    name: p.name,
    partition: p.partition,
    account: p.account,
    timeLimit: p.time_limit,
    cpus: String(p.cpus_per_run),
    memory: p.memory_per_run,
    extra: p.extra_sbatch_options.join('\n'),
    dataFolder: p.data_folder,
    simulator: p.simulator_command,
    ssh: p.connection.kind === 'ssh',
    sshHost: p.connection.kind === 'ssh' ? p.connection.host : '',
    sshUser: p.connection.kind === 'ssh' ? (p.connection.user ?? '') : '',
    sshPort: p.connection.kind === 'ssh' && p.connection.port !== null ? String(p.connection.port) : '',
    remoteFolder: p.connection.kind === 'ssh' ? p.connection.remote_folder : '',
  };
}

/** The form as a profile; the core checks every field and names the bad one. */
export function toProfile(f: Form): ClusterProfile {
  const cpus = f.cpus.trim() === '' ? NaN : Number(f.cpus);
  return {
    name: f.name.trim(),
    partition: f.partition.trim(),
    account: f.account.trim(),
    time_limit: f.timeLimit.trim(),
    cpus_per_run: Number.isInteger(cpus) ? cpus : 0,
    memory_per_run: f.memory.trim(),
    extra_sbatch_options: f.extra
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
    data_folder: f.dataFolder.trim(),
    simulator_command: f.simulator.trim(),
    connection: f.ssh
      ? {
          kind: 'ssh',
          host: f.sshHost.trim(),
          user: f.sshUser.trim() === '' ? null : f.sshUser.trim(),
          // Not a port number: 0, which the core refuses naming the field.
          port: f.sshPort.trim() === '' ? null : Number.isInteger(Number(f.sshPort)) ? Number(f.sshPort) : 0,
          remote_folder: f.remoteFolder.trim(),
        }
      : { kind: 'local' },
  };
}

/** `user@host:port` as ssh is given it; the parts the SSH config decides are left out. */
export function sshAddress(c: Extract<ClusterConnection, { kind: 'ssh' }>): string {
  return `${c.user ? `${c.user}@` : ''}${c.host}${c.port !== null ? `:${c.port}` : ''}`;
}

/** A check that stopped at a login-node key this computer has not seen, with the key to confirm. */
function unknownKey(result: ClusterCheck | 'checking'): result is ClusterCheck & { host_key_fingerprint: string } {
  return result !== 'checking' && result.problem === 'host_key_unknown' && !!result.host_key_fingerprint;
}

/** Settings → Slurm clusters: the profiles runs can be sent to. */
export function ClusterProfilesSection() {
  const backend = useBackend();
  const [profiles, setProfiles] = useState<ClusterProfile[] | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const [busy, setBusy] = useState(false);
  const [checks, setChecks] = useState<Record<string, ClusterCheck | 'checking'>>({});

  const listed = useAsync(() => backend.listClusters(), [backend]);
  useOnChange(listed.value, setProfiles);
  useOnChange(listed.error, setError);

  const edit = (patch: Partial<Form>) => setForm((f) => (f ? { ...f, ...patch } : f));

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    setBusy(true);
    setError(null);
    const profile = toProfile(form);
    const replaced = editing && editing !== profile.name ? editing : null;
    backend
      .saveCluster(profile)
      .then((list) => (replaced ? backend.removeCluster(replaced) : list))
      .then(
        (list) => {
          setProfiles(list);
          setForm(null);
          setEditing(null);
          setBusy(false);
        },
        (err: unknown) => {
          setError(toDeskError(err));
          setBusy(false);
        },
      );
  };

  const remove = (name: string) => {
    setError(null);
    backend.removeCluster(name).then(setProfiles, (err: unknown) => setError(toDeskError(err)));
  };

  const check = (name: string, acceptFingerprint?: string) => {
    setChecks((c) => ({ ...c, [name]: 'checking' }));
    backend.checkCluster(name, acceptFingerprint).then(
      (result) => setChecks((c) => ({ ...c, [name]: result })),
      (err: unknown) => {
        const e = toDeskError(err);
        const failed: ClusterCheck = {
          profile: name,
          ok: false,
          summary: e.message,
          problem: e.code,
          host_key_type: null,
          host_key_fingerprint: null,
        };
        setChecks((c) => ({ ...c, [name]: failed }));
      },
    );
  };

  const text = (id: Exclude<keyof Form, 'ssh'>, label: string, hint: string, placeholder = '') =>
    form && (
      <div className="field">
        <label htmlFor={`cluster-${id}`}>{label}</label>
        <input
          id={`cluster-${id}`}
          type="text"
          data-testid={`cluster-${id}`}
          value={form[id]}
          placeholder={placeholder}
          autoComplete="off"
          onChange={(e) => edit({ [id]: e.target.value })}
        />
        <div className="hint">{hint}</div>
      </div>
    );

  return (
    <section className="card form settings-form" data-testid="cluster-profiles">
      <section className="form-section">
        <h2>Slurm clusters</h2>
        <p className="hint">
          Runs sent to a cluster are submitted with <code>sbatch</code> (many at once as one job array) and followed
          through Slurm; their logs, progress and results are read from the shared filesystem as for runs here.
        </p>
        {profiles === null && !error && <div className="loading">Loading clusters…</div>}
        {profiles && profiles.length === 0 && !form && (
          <p className="muted" data-testid="cluster-empty">
            No clusters yet.
          </p>
        )}
        {profiles && profiles.length > 0 && (
          <ul className="cluster-list">
            {profiles.map((p) => {
              const result = checks[p.name];
              return (
                <li key={p.name} className="cluster-item" data-testid={`cluster-item-${p.name}`}>
                  <div>
                    <strong>{p.name}</strong> <span className="muted">{describeCluster(p)}</span>
                    {p.connection.kind === 'ssh' && (
                      <div className="hint" data-testid={`cluster-ssh-${p.name}`}>
                        over SSH: <span className="mono">{sshAddress(p.connection)}</span> · remote folder <span className="mono">{p.connection.remote_folder}</span>
                      </div>
                    )}
                    {p.data_folder && <div className="hint mono">data folder on the cluster: {p.data_folder}</div>}
                    {/* An unknown login-node key is a question, not a failure: the box below asks it. */}
                    {result && !unknownKey(result) && (
                      <div className={`hint ${result !== 'checking' && !result.ok ? 'cluster-bad' : ''}`} data-testid={`cluster-check-${p.name}`}>
                        {result === 'checking' ? 'Asking the cluster…' : `${result.ok ? '✓' : '✗'} ${result.summary}`}
                      </div>
                    )}
                    {result && unknownKey(result) && (
                      <div className="cluster-host-key" data-testid={`cluster-host-key-${p.name}`}>
                        <div className="hint">
                          The login node presented a {result.host_key_type ?? 'host'} key this computer has not seen. Compare its fingerprint with
                          the one your cluster publishes before trusting it:
                        </div>
                        <code className="mono">{result.host_key_fingerprint}</code>
                        <button
                          type="button"
                          className="btn btn-sm"
                          data-testid={`cluster-trust-${p.name}`}
                          onClick={() => check(p.name, result.host_key_fingerprint)}
                        >
                          Trust this key
                        </button>
                      </div>
                    )}
                  </div>
                  <div className="cluster-actions">
                    <button
                      type="button"
                      className="btn btn-ghost"
                      data-testid={`cluster-test-${p.name}`}
                      disabled={result === 'checking'}
                      title="Log in (over SSH) and ask Slurm whether the partition is there"
                      onClick={() => check(p.name)}
                    >
                      {result === 'checking' ? 'Testing…' : 'Test connection'}
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost"
                      onClick={() => {
                        setForm(toForm(p));
                        setEditing(p.name);
                      }}
                    >
                      Edit
                    </button>
                    <button type="button" className="btn btn-danger-outline" onClick={() => remove(p.name)}>
                      Remove
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {!form && (
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              data-testid="cluster-add"
              onClick={() => {
                setForm(EMPTY);
                setEditing(null);
              }}
            >
              Add a cluster
            </button>
          </div>
        )}
      </section>

      {form && (
        <form className="form-section cluster-form" onSubmit={save} noValidate data-testid="cluster-form">
          <h2>{editing ? `Edit ${editing}` : 'New cluster'}</h2>
          <div className="field-row">
            {text('name', 'Name', 'What the “Run on” control shows.', 'e.g. hpc')}
            {text('partition', 'Partition', 'Empty: the cluster’s default partition.')}
            {text('account', 'Account', 'Empty: your default account.')}
          </div>
          <div className="field-row">
            {text('timeLimit', 'Time limit per run', 'Minutes, HH:MM:SS or D-HH:MM:SS.', '04:00:00')}
            {text('cpus', 'CPUs per run', 'sbatch --cpus-per-task.')}
            {text('memory', 'Memory per run', 'e.g. 4G; empty: the partition’s default.')}
          </div>
          <div className="field">
            <label>
              <input
                type="checkbox"
                data-testid="cluster-ssh"
                checked={form.ssh}
                onChange={(e) => edit({ ssh: e.target.checked })}
              />{' '}
              Reach the cluster over SSH (this machine is not a submit host)
            </label>
          </div>
          {form.ssh && (
            <div className="field-row">
              {text('sshHost', 'Login node', 'A host name or an alias from ~/.ssh/config.', 'login.cluster')}
              {text('sshUser', 'User', 'Empty: what your SSH config says.')}
              {text('sshPort', 'Port', 'Empty: what your SSH config says (22).')}
            </div>
          )}
          {form.ssh
            ? text('remoteFolder', 'Remote folder', 'Where runs go on the cluster; variables are expanded there.', '$SCRATCH/fusion-desk')
            : text('dataFolder', 'Data folder on the cluster', 'Where the nodes see this app’s data folder on the shared filesystem. Empty: the same path.')}
          {text('simulator', 'Simulator on the cluster', 'The simulator command as the nodes run it. Empty: the one in effect here.')}
          <div className="field">
            <label htmlFor="cluster-extra">Extra sbatch options</label>
            <textarea
              id="cluster-extra"
              data-testid="cluster-extra"
              rows={2}
              value={form.extra}
              placeholder="--qos=long"
              onChange={(e) => edit({ extra: e.target.value })}
            />
            <div className="hint">One option per line.</div>
          </div>
          {error && <ErrorAlert error={error} testId="cluster-error" />}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="cluster-save" disabled={busy}>
              {busy ? 'Saving…' : 'Save cluster'}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setForm(null);
                setEditing(null);
                setError(null);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
      {!form && error && <ErrorAlert error={error} testId="cluster-error" />}
    </section>
  );
}
