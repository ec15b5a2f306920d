// Beside the Create button, where the eye is before launching: the run's
// size and time, the config's errors and warnings, and the button itself.

import type { DeskError } from '../../bindings/DeskError';
import type { SweepPreview } from '../../bindings/SweepPreview';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icon';
import { SweepSideSummary } from './SweepAxesEditor';
import { NEW_RUN_FORM_ID } from './useCreateRun';
import { formatEstimate, type Validation } from './useValidation';

type Diagnostic = { path: string; line: number | null; message: string };

function DiagItem({ path, line, message, onGo }: Diagnostic & { onGo(line: number | null): void }) {
  return (
    <li>
      {path && <code className="diag-path">{path}</code>} {message}
      {line !== null && (
        <button type="button" className="link-btn" onClick={() => onGo(line)} title="Show in config.ini">
          line {line}
        </button>
      )}
    </li>
  );
}

function DiagList({ kind, items, onGo }: { kind: 'errors' | 'warnings'; items: Diagnostic[]; onGo(line: number | null): void }) {
  if (items.length === 0) return null;
  const n = items.length;
  const title =
    kind === 'errors' ? `${n === 1 ? '1 error' : `${n} errors`}: fix ${n === 1 ? 'it' : 'them'} to create the run` : n === 1 ? '1 warning' : `${n} warnings`;
  return (
    <div className={`diag-list diag-${kind}`} data-testid={`config-${kind}`} {...(kind === 'errors' ? { role: 'alert' } : {})}>
      <div className="diag-title">{title}</div>
      <ul>
        {items.map((d, i) => (
          <DiagItem key={i} path={d.path} line={d.line} message={d.message} onGo={onGo} />
        ))}
      </ul>
    </div>
  );
}

function RunSummary({ validation }: { validation: Validation }) {
  const { report } = validation;
  const summary = report?.summary ?? null;
  if (summary) {
    const engine = report?.simulator === 'external' ? 'with FUSION (Python)' : 'on the embedded engine';
    return (
      <div className="run-summary" data-testid="run-summary">
        <strong>{summary.text}</strong>
        {' · '}
        {formatEstimate(summary.estimate_seconds)} {engine}
        {summary.network && <span className="muted"> · {summary.network}</span>}
        {validation.pending && <span className="checking"> · checking…</span>}
      </div>
    );
  }
  return (
    <div className="run-summary muted" data-testid="run-summary">
      {validation.error
        ? 'The config could not be checked.'
        : !report
          ? 'Checking the config…'
          : !report.valid
            ? 'No run size while the config has errors.'
            : 'The size of the run cannot be worked out yet.'}
    </div>
  );
}

export interface RunCheckProps {
  validation: Validation;
  training: boolean;
  createError: DeskError | null;
  /** Keys are varied: a sweep is created. */
  sweeping: boolean;
  sweepPreview: SweepPreview | null;
  busy: boolean;
  /** Something else keeps the button disabled (still loading). */
  notReady: boolean;
  onGoToLine(line: number | null): void;
}

export function RunCheck({ validation, training, createError, sweeping, sweepPreview, busy, notReady, onGoToLine }: RunCheckProps) {
  const { report } = validation;
  const hasErrors = !!report && !report.valid;
  return (
    <div className="card run-check">
      <div className="validation" data-testid="validation">
        <RunSummary validation={validation} />
        {validation.error && <ErrorAlert error={validation.error} testId="validation-error" />}
        {report && <DiagList kind="errors" items={report.errors} onGo={onGoToLine} />}
        {report && <DiagList kind="warnings" items={report.warnings} onGo={onGoToLine} />}
      </div>

      {training && (
        <div className="alert alert-warning" data-testid="training-warning" role="status">
          <div className="alert-body">
            <div className="alert-title">RL training mode</div>
            rl_settings.is_training = True: FUSION trains its agent and reports no blocking statistics (no confidence interval, no curve). Per-iteration blocking
            is shown where the output has it.
          </div>
        </div>
      )}
      {createError && <ErrorAlert error={createError} testId="create-error" />}
      {sweeping && <SweepSideSummary preview={sweepPreview} />}

      <div className="form-actions">
        <button
          type="submit"
          form={NEW_RUN_FORM_ID}
          className="btn btn-primary"
          data-testid="create-run"
          disabled={busy || notReady || hasErrors || (sweeping && !sweepPreview)}
          title={hasErrors ? 'Fix the errors in the config first' : undefined}
        >
          <Icon name="plus" />
          {busy ? 'Creating…' : sweeping ? (sweepPreview ? `Create ${sweepPreview.count} runs` : 'Create sweep') : 'Create run'}
        </button>
        <a className="btn btn-ghost" href="#/runs">
          Cancel
        </a>
      </div>
    </div>
  );
}
