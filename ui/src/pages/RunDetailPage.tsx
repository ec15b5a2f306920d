import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { RerunActions } from './run/RerunActions';
import type { DeskError } from '../bindings/DeskError';
import type { Run } from '../bindings/Run';
import { toDeskError, useBackend } from '../api/backend';
import { CopyButton } from '../components/CopyButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icon';
import { RunAnnotations } from './run/RunAnnotations';
import { ConfirmModal } from '../components/Modal';
import { StatusBadge } from '../components/StatusBadge';
import { formatFull, formatLong } from '../lib/format';
import { useNow, useRunEvents } from '../lib/hooks';
import { useAsync, useOnChange } from '../lib/useAsync';
import { href, navigate } from '../lib/router';
import { hasDefaultName, isActive, runDuration } from '../lib/runs';
import { ProgressBar } from '../components/ProgressBar';
import { ArtifactsTab } from './run/ArtifactsTab';
import { LogsTab } from './run/LogsTab';
import { endedLabel, progressLabel, progressTone, useLiveProgress, useSteadyEta } from './run/progress';
import { TemplateDiffCard } from './run/TemplateDiffCard';
import { outcomeWords } from '../lib/outcome';
import { ProgressTab } from './run/ProgressTab';
import { ResultsTab } from './run/ResultsTab';
import { TopologyTab } from './run/TopologyTab';
import { StatusDetail, executorFacts } from './run/ExecutorFacts';
import './RunDetailPage.css';

export type RunTab = 'overview' | 'progress' | 'logs' | 'artifacts' | 'results' | 'topology';

const TABS: { id: RunTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'progress', label: 'Progress' },
  { id: 'logs', label: 'Logs' },
  { id: 'artifacts', label: 'Artifacts' },
  { id: 'results', label: 'Results' },
  { id: 'topology', label: 'Topology' },
];

/** Keeps whichever copy of a run is newer: a command's reply can arrive after its own event. */
function newer(current: Run | null, incoming: Run): Run {
  if (!current || current.id !== incoming.id) return incoming;
  if (!isActive(current.status) && isActive(incoming.status)) return current;
  return incoming.updated_at >= current.updated_at ? incoming : current;
}

function isRunTab(t: string | undefined): t is RunTab {
  return TABS.some((x) => x.id === t);
}

/** `tab` comes from the address (#/runs/<id>/<tab>), so a run reopens on the tab it was left on. */
export function RunDetailPage({ id, tab: tabInAddress }: { id: string; tab?: string }) {
  const backend = useBackend();
  const [run, setRun] = useState<Run | null>(null);
  const [loadError, setLoadError] = useState<DeskError | null>(null);
  const [confirm, setConfirm] = useState<'cancel' | 'delete' | null>(null);
  const [busy, setBusy] = useState<'cancel' | 'delete' | 'rerun' | null>(null);
  const [cancelRequested, setCancelRequested] = useState(false);
  const [actionError, setActionError] = useState<DeskError | null>(null);
  const [deleted, setDeleted] = useState(false);
  const [reload, setReload] = useState(0);
  const initialTab: RunTab = isRunTab(tabInAddress) ? tabInAddress : 'overview';
  const [tab, setTab] = useState<RunTab>(initialTab);
  // Tabs stay mounted once opened, so they keep their state (scroll, selection, zoom).
  const [opened, setOpened] = useState<ReadonlySet<RunTab>>(new Set([initialTab]));
  const live = useLiveProgress(backend, id, run !== null && isActive(run.status));
  const running = run?.status === 'RUNNING';
  const eta = useSteadyEta(running ? (live.progress?.eta_seconds ?? null) : null, running);

  useEffect(() => {
    setRun(null);
    setLoadError(null);
    setCancelRequested(false);
    setActionError(null);
    setDeleted(false);
    setConfirm(null);
    setBusy(null);
  }, [id]);

  // Events may have brought a newer state of the run than a read answers.
  const fetched = useAsync(() => backend.getRun(id), [backend, id, reload]);
  useOnChange(fetched.value, (r) => setRun((cur) => newer(cur, r)));
  useOnChange(fetched.error, setLoadError);

  // The config is frozen when the run is created: fetched once.
  const frozen = useAsync(() => backend.runConfig(id), [backend, id]);
  const config = frozen.loading ? null : (frozen.value ?? null);
  const configError = frozen.loading ? null : frozen.error;

  const graceSeconds = useAsync(() => backend.getSettings(), [backend]).value?.settings.cancel_grace_seconds ?? null;

  useRunEvents((event) => {
    if (event.type === 'run_updated' && event.run.id === id) setRun((cur) => newer(cur, event.run));
    else if (event.type === 'run_deleted' && event.id === id) setDeleted(true);
    else if (event.type === 'runs_changed') setReload((r) => r + 1);
  });

  const now = useNow(run?.status === 'RUNNING');

  const openTab = (t: RunTab) => {
    setTab(t);
    setOpened((s) => (s.has(t) ? s : new Set(s).add(t)));
    // Replace, not push: Back still leads to where the run was opened from.
    const target = href({ page: 'run', id, ...(t === 'overview' ? {} : { tab: t }) });
    if (window.location.hash !== target) window.history.replaceState(null, '', target);
  };

  useEffect(() => {
    if (isRunTab(tabInAddress)) {
      setTab(tabInAddress);
      setOpened((s) => (s.has(tabInAddress) ? s : new Set(s).add(tabInAddress)));
    }
  }, [tabInAddress]);

  if (deleted) {
    return (
      <div className="page" data-testid="page-run-detail">
        <BackLink />
        <div className="empty">
          <div className="empty-title">This run was deleted</div>
          <p className="muted">
            Run <span className="mono">{id}</span> and its folder no longer exist.
          </p>
          <a className="btn" href="#/runs">
            Back to runs
          </a>
        </div>
      </div>
    );
  }

  if (!run) {
    return (
      <div className="page" data-testid="page-run-detail">
        <BackLink />
        {loadError ? <ErrorAlert error={loadError} testId="detail-load-error" /> : <div className="loading">Loading run…</div>}
      </div>
    );
  }

  const active = isActive(run.status);
  const cancelling = run.status === 'RUNNING' && (cancelRequested || run.cancel_requested_at !== null);
  const duration = runDuration(run, now);

  const doCancel = () => {
    setBusy('cancel');
    setActionError(null);
    backend.cancelRun(run.id).then(
      (r) => {
        setRun((cur) => newer(cur, r));
        setCancelRequested(true);
        setBusy(null);
        setConfirm(null);
      },
      (e: unknown) => {
        setBusy(null);
        setConfirm(null);
        setActionError(toDeskError(e));
      },
    );
  };

  const doDelete = () => {
    setBusy('delete');
    setActionError(null);
    backend.deleteRun(run.id).then(
      () => navigate({ page: 'runs' }),
      (e: unknown) => {
        setBusy(null);
        setConfirm(null);
        setActionError(toDeskError(e));
      },
    );
  };

  const doRerun = () => {
    setBusy('rerun');
    setActionError(null);
    // A finished run is re-run by the core (same frozen config, recorded as
    // its re-run, in its sweep if it has one); an active one from its config here.
    (!isActive(run.status)
      ? backend.rerunRun(run.id)
      : (config !== null ? Promise.resolve(config) : backend.runConfig(run.id)).then((text) =>
          backend.createRun({
            template: run.template,
            overrides: [...run.overrides],
            config_text: text,
            ...(hasDefaultName(run) ? {} : { name: run.name }),
          }),
        )
    ).then(
        (r) => {
          setBusy(null);
          navigate({ page: 'run', id: r.id });
        },
        (e: unknown) => {
          setBusy(null);
          setActionError(toDeskError(e));
        },
      );
  };

  const exit = outcomeWords(run);

  const facts: [string, ReactNode, boolean?][] = [
    ['Template', <span className="mono">{run.template}</span>],
    ['Created', <TimeFact value={run.created_at} />],
    ['Started', <TimeFact value={run.started_at} />],
    ['Completed', <TimeFact value={run.completed_at} />],
    [
      'Duration',
      duration ? (
        <span className={`mono${duration.live ? ' live' : ''}`}>{duration.text}</span>
      ) : (
        <span className="muted">{run.status === 'PENDING' ? 'waiting for a free slot' : '—'}</span>
      ),
    ],
    [
      'PID / PGID',
      run.pid !== null || run.pgid !== null ? (
        <span className="mono">
          {run.pid ?? '—'} / {run.pgid ?? '—'}
        </span>
      ) : (
        <span className="muted">—</span>
      ),
    ],
    ['Exit', exit ? <span data-testid="detail-exit">{exit}</span> : <span className="muted">—</span>],
    ...(run.cancel_requested_at ? ([['Cancel requested', <TimeFact value={run.cancel_requested_at} />]] as [string, ReactNode][]) : []),
    [
      // Form and INI edits are in the config itself: "Changed from the
      // template" below lists every key; these are the ones added on top.
      'Extra overrides',
      run.overrides.length ? (
        <ul className="chips">
          {run.overrides.map((o, i) => (
            <li key={i} className="chip mono">
              {o}
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted">none</span>
      ),
      true,
    ],
    [
      'Simulator command',
      run.simulator ? <code className="mono wrap">{run.simulator}</code> : <span className="muted">—</span>,
      true,
    ],
    ...executorFacts(run),
    [
      'Run folder',
      <span className="path">
        <code className="mono wrap">{run.run_dir}</code>
        <CopyButton text={run.run_dir} label="Copy path" />
      </span>,
      true,
    ],
  ];

  return (
    <div className="page" data-testid="page-run-detail">
      <BackLink />
      <header className="page-header detail-header">
        <div className="detail-title">
          <h1 title={run.name}>{run.name}</h1>
          <div className="detail-meta">
            <span className="badge-wrap" data-testid="detail-status-badge">
              <StatusBadge status={run.status} testId="detail-status" cancelling={cancelling} />
            </span>
            {cancelling && <span className="cancelling-note">Cancelling…</span>}
            <span className="id-line">
              <span className="muted">ID</span>{' '}
              <span className="mono" data-testid="detail-id">
                {run.id}
              </span>
              <CopyButton text={run.id} label="Copy" testId="copy-id" />
            </span>
          </div>
        </div>
        <div className="actions">
          <RerunActions run={run} />
          <button type="button" className="btn" data-testid="rerun" onClick={doRerun} disabled={busy !== null}>
            <Icon name="repeat" />
            {busy === 'rerun' ? 'Creating…' : 'Re-run'}
          </button>
          {active && (
            <button
              type="button"
              className="btn btn-warning"
              data-testid="cancel-run"
              onClick={() => setConfirm('cancel')}
              disabled={cancelling || busy !== null}
            >
              <Icon name="stop" />
              {cancelling ? 'Cancelling…' : 'Cancel run'}
            </button>
          )}
          {!active && (
            <button type="button" className="btn btn-danger-outline" data-testid="delete-run" onClick={() => setConfirm('delete')} disabled={busy !== null}>
              <Icon name="trash" />
              Delete run
            </button>
          )}
        </div>
      </header>

      {actionError && <ErrorAlert error={actionError} testId="action-error" onDismiss={() => setActionError(null)} />}
      <RunAnnotations run={run} />

      {active && (
        <div className="detail-progress" data-testid="detail-progress">
          <ProgressBar
            percent={run.status === 'PENDING' ? null : (live.progress?.percent ?? null)}
            etaSeconds={eta}
            label={run.status === 'PENDING' ? 'Queued: waiting for a free slot' : progressLabel(live.progress)}
            waiting={run.status === 'PENDING'}
            testId="detail-progress-bar"
          />
        </div>
      )}
      {!active && live.progress && endedLabel(live.progress) !== 'Complete' && (
        // A run that ended short says how far it got, never "100 %".
        <div className="detail-progress" data-testid="detail-progress">
          <ProgressBar percent={live.progress.percent} label={endedLabel(live.progress)} tone={progressTone(run.status)} testId="detail-progress-bar" />
        </div>
      )}

      <div className="tabs" role="tablist" aria-label="Run">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            className={`tab${tab === t.id ? ' active' : ''}`}
            data-testid={`tab-${t.id}`}
            onClick={() => openTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>

      <div className="tab-panel" role="tabpanel" id="panel-overview" aria-labelledby="tab-overview" hidden={tab !== 'overview'}>
          <StatusDetail run={run} />
          {run.error_message && (
            <div className={`error-box${run.status === 'FAILED' ? '' : ' error-box-warning'}`}>
              <div className="error-box-title">
                <Icon name="alert" />
                {run.status === 'FAILED' ? 'The run failed' : 'Message'}
              </div>
              <pre data-testid="detail-error">{run.error_message}</pre>
            </div>
          )}

          <section className="card">
            <dl className="facts">
              {facts.map(([label, value, wide]) => (
                <div key={label} className={`fact${wide ? ' fact-wide' : ''}`}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </section>

          <TemplateDiffCard runId={run.id} />

          <section className="card config-card">
            <div className="card-header">
              <h2>
                config.ini <span className="muted small">frozen at creation</span>
              </h2>
              <div className="card-header-actions">
                <span className="mono muted small path-text" title={run.config_path}>
                  {run.config_path}
                </span>
                {config !== null && <CopyButton text={config} label="Copy" />}
              </div>
            </div>
            {configError ? (
              <ErrorAlert error={configError} />
            ) : config === null ? (
              <div className="loading">Loading config…</div>
            ) : (
              <pre className="config mono" data-testid="detail-config">
                <IniText text={config} />
              </pre>
            )}
          </section>
      </div>

      {opened.has('progress') && (
        <div className="tab-panel" role="tabpanel" id="panel-progress" aria-labelledby="tab-progress" hidden={tab !== 'progress'}>
          <ProgressTab runId={run.id} status={run.status} live={live} active={tab === 'progress'} />
        </div>
      )}
      {opened.has('logs') && (
        <div className="tab-panel" role="tabpanel" id="panel-logs" aria-labelledby="tab-logs" hidden={tab !== 'logs'}>
          <LogsTab runId={run.id} status={run.status} active={tab === 'logs'} />
        </div>
      )}
      {opened.has('artifacts') && (
        <div className="tab-panel" role="tabpanel" id="panel-artifacts" aria-labelledby="tab-artifacts" hidden={tab !== 'artifacts'}>
          <ArtifactsTab runId={run.id} active={tab === 'artifacts'} refreshKey={run.status} />
        </div>
      )}
      {opened.has('results') && (
        <div className="tab-panel" role="tabpanel" id="panel-results" aria-labelledby="tab-results" hidden={tab !== 'results'}>
          <ResultsTab runId={run.id} runName={run.name} active={tab === 'results'} refreshKey={run.status} />
        </div>
      )}
      {opened.has('topology') && (
        <div className="tab-panel" role="tabpanel" id="panel-topology" aria-labelledby="tab-topology" hidden={tab !== 'topology'}>
          <TopologyTab runId={run.id} active={tab === 'topology'} refreshKey={run.status} />
        </div>
      )}

      {confirm === 'cancel' && (
        <ConfirmModal
          title="Cancel this run?"
          confirmLabel={busy === 'cancel' ? 'Cancelling…' : 'Cancel run'}
          dismissLabel="Keep running"
          tone="warning"
          busy={busy === 'cancel'}
          onConfirm={doCancel}
          onDismiss={() => setConfirm(null)}
        >
          <p>
            <strong>{run.name}</strong> <span className="mono muted">({run.id})</span>
          </p>
          {run.status === 'PENDING' ? (
            <p>The run has not started yet; it is taken out of the queue and marked cancelled.</p>
          ) : (
            <p>
              The simulator and its child processes get <code>SIGTERM</code>. If they are still running after the
              grace period{graceSeconds !== null ? ` (${graceSeconds} s)` : ''}, they are killed with <code>SIGKILL</code>.
              Results written so far stay in the run folder.
            </p>
          )}
        </ConfirmModal>
      )}

      {confirm === 'delete' && (
        <ConfirmModal
          title="Delete this run?"
          confirmLabel={busy === 'delete' ? 'Deleting…' : 'Delete run'}
          tone="danger"
          busy={busy === 'delete'}
          onConfirm={doDelete}
          onDismiss={() => setConfirm(null)}
        >
          <p>
            <strong>{run.name}</strong> <span className="mono muted">({run.id})</span>
          </p>
          <p>The run is removed from the history, and its folder and all its files are deleted:</p>
          <p>
            <code className="mono wrap">{run.run_dir}</code>
          </p>
          <p className="muted">This cannot be undone.</p>
        </ConfirmModal>
      )}
    </div>
  );
}

function BackLink() {
  return (
    <a className="back-link" href={href({ page: 'runs' })}>
      <Icon name="back" size={14} />
      All runs
    </a>
  );
}

function TimeFact({ value }: { value: string | null }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <time dateTime={value} title={formatFull(value)}>
      {formatLong(value)}
    </time>
  );
}

/** INI text with comments, section headers and keys tinted; the text itself is unchanged. */
function IniText({ text }: { text: string }) {
  const lines = text.split('\n');
  return (
    <>
      {lines.map((line, i) => {
        const nl = i < lines.length - 1 ? '\n' : '';
        const t = line.trimStart();
        if (t.startsWith('#') || t.startsWith(';')) {
          return (
            <span key={i} className="ini-comment">
              {line + nl}
            </span>
          );
        }
        if (/^\s*\[.*\]\s*$/.test(line)) {
          return (
            <span key={i} className="ini-section">
              {line + nl}
            </span>
          );
        }
        const m = /^(\s*[^=:\s][^=:]*?)(\s*[=:])(.*)$/.exec(line);
        if (m) {
          return (
            <Fragment key={i}>
              <span className="ini-key">{m[1]}</span>
              {m[2]}
              <span className="ini-value">{m[3]}</span>
              {nl}
            </Fragment>
          );
        }
        return <Fragment key={i}>{line + nl}</Fragment>;
      })}
    </>
  );
}
