import type { ClusterProfile } from '../../bindings/ClusterProfile';
import { useBackend } from '../../api/backend';
import { useAsync } from '../../lib/useAsync';

export const LOCAL_EXECUTOR = 'local';

/** One line on what a cluster profile asks Slurm for. */
export function describeCluster(c: ClusterProfile): string {
  const parts = [
    c.partition ? `partition ${c.partition}` : 'default partition',
    `${c.cpus_per_run} CPU${c.cpus_per_run === 1 ? '' : 's'}`,
  ];
  if (c.memory_per_run) parts.push(c.memory_per_run);
  if (c.time_limit) parts.push(`time limit ${/^\d+$/.test(c.time_limit) ? `${c.time_limit} min` : c.time_limit}`);
  if (c.account) parts.push(`account ${c.account}`);
  return parts.join(', ');
}

type Props = { value: string; onChange: (executor: string) => void };

/** Where a run executes: this machine or one of the Slurm cluster profiles. */
export function ExecutorPicker({ value, onChange }: Props) {
  const backend = useBackend();
  const listed = useAsync(() => backend.listClusters(), [backend]);
  // Without profiles the run simply goes to this machine.
  const clusters = listed.error ? [] : (listed.value ?? null);

  const chosen = clusters?.find((c) => c.name === value) ?? null;
  return (
    <div className="field">
      <label htmlFor="executor">Run on</label>
      <select id="executor" data-testid="executor" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value={LOCAL_EXECUTOR}>This machine</option>
        {(clusters ?? []).map((c) => (
          <option key={c.name} value={c.name}>
            Slurm: {c.name}
          </option>
        ))}
      </select>
      <div className="hint" data-testid="executor-hint">
        {chosen
          ? `Submitted to Slurm: ${describeCluster(chosen)}.`
          : clusters && clusters.length === 0
            ? 'Add a Slurm cluster in Settings to run there.'
            : 'Runs here, in the queue of this machine.'}
      </div>
    </div>
  );
}
