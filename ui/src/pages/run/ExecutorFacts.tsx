import type { ReactNode } from 'react';
import type { Run } from '../../bindings/Run';
import './ExecutorFacts.css';

/** Facts of the run's executor for the overview: where it runs and its Slurm job. */
export function executorFacts(run: Run): [string, ReactNode][] {
  if (run.executor === 'local') return [['Runs on', 'This machine']];
  return [
    ['Runs on', <span data-testid="detail-executor">Slurm cluster {run.executor}</span>],
    [
      'Slurm job',
      run.slurm_job_id ? (
        <code className="mono" data-testid="detail-slurm-job">
          {run.slurm_job_id}
        </code>
      ) : (
        <span className="muted">not submitted yet</span>
      ),
    ],
  ];
}

/** What the executor last said about an active run (e.g. Slurm's queue reason). */
export function StatusDetail({ run }: { run: Run }) {
  if (!run.status_detail) return null;
  return (
    <div className="status-detail" role="status" data-testid="detail-status-detail">
      {run.status_detail}
    </div>
  );
}
