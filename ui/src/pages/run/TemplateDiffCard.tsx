// The run's difference from its template: every key the form, an INI edit
// or an override changed, template value → run value.

import { useBackend } from '../../api/backend';
import { useAsync } from '../../lib/useAsync';
import './TemplateDiffCard.css';

export function TemplateDiffCard({ runId }: { runId: string }) {
  const backend = useBackend();
  const compared = useAsync(() => backend.templateDiff(runId), [backend, runId]);
  // Another run shows nothing of the one before while its own is read.
  const diff = compared.loading ? null : (compared.value ?? null);
  const failed = !compared.loading && compared.error !== null;

  return (
    <section className="card" data-testid="template-diff">
      <div className="card-header">
        <h2>
          Changed from the template{diff ? <span className="mono muted small"> {diff.template}</span> : null}
        </h2>
      </div>
      {failed ? (
        <p className="muted">The difference from the template cannot be read.</p>
      ) : diff === null ? (
        <div className="loading">Comparing with the template…</div>
      ) : diff.template_missing ? (
        <p className="muted" data-testid="template-diff-missing">
          The template “{diff.template}” is not available (deleted, or the run was made from a whole config text): there is nothing to compare with.
        </p>
      ) : diff.changes.length === 0 ? (
        <p className="muted" data-testid="template-diff-none">
          Nothing: the run uses the template as it is.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="template-diff-table">
            <thead>
              <tr>
                <th>Key</th>
                <th>Template</th>
                <th className="template-diff-arrow" aria-label="becomes" />
                <th>This run</th>
              </tr>
            </thead>
            <tbody>
              {diff.changes.map((c) => (
                <tr key={c.key} data-testid={`template-diff-${c.key}`}>
                  <td className="mono">{c.key}</td>
                  <td className="mono">{c.template ?? <span className="muted">(absent)</span>}</td>
                  <td className="muted template-diff-arrow" aria-hidden="true">
                    →
                  </td>
                  <td className="mono">{c.run ?? <span className="muted">(removed)</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
