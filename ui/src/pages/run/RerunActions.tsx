import type { Run } from '../../bindings/Run';
import { Icon } from '../../components/Icon';
import { href } from '../../lib/router';

/** Header links of a run: clone it into the new-run page, and its sweep if it has one. */
export function RerunActions({ run }: { run: Run }) {
  return (
    <>
      <a
        className="btn"
        data-testid="clone-run"
        href={`#/new?from=${encodeURIComponent(run.id)}`}
        title="Open the new-run page with this run's frozen config, to change it before starting"
      >
        <Icon name="copy" />
        Clone
      </a>
      {run.sweep_id && (
        <a className="btn btn-ghost" data-testid="run-sweep-link" href={href({ page: 'sweep', id: run.sweep_id })} title="The sweep this run belongs to">
          Sweep
        </a>
      )}
    </>
  );
}
