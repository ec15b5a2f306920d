import { Suspense, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ConfigKey } from '../bindings/ConfigKey';
import type { DeskError } from '../bindings/DeskError';
import type { NetworkSummary } from '../bindings/NetworkSummary';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import { toDeskError, useBackend } from '../api/backend';
import { LIMITS } from '../generated/limits';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icon';
import type { IniDiagnostic, IniEditorHandle } from '../components/IniEditor';
import { ConfirmModal } from '../components/Modal';
import { LazyIniEditor } from '../components/lazy';
import { getKey, parseIni, setKey } from '../lib/ini';
import { overridesToRequest, parseOverrides, type OverrideLine } from '../lib/overrides';
import { navigate, setLeaveGuard } from '../lib/router';
import { defaultRunName } from '../lib/runs';
import { ConfigForm } from './newrun/ConfigForm';
import { KeyHelp, keyAtLine, type KeyRef } from './newrun/KeyHelp';
import { SaveTemplateDialog } from './newrun/SaveTemplateDialog';
import { TemplatesDialog } from './newrun/TemplatesDialog';
import { formatEstimate, useValidation } from './newrun/useValidation';
import { ExecutorPicker, LOCAL_EXECUTOR } from './newrun/ExecutorPicker';
import type { AxisSpec } from '../bindings/AxisSpec';
import type { SweepPreview } from '../bindings/SweepPreview';
import { SweepAxesEditor, SweepSideSummary, type SweepBase } from './newrun/SweepAxesEditor';
import './NewRunPage.css';

const PREFERRED_TEMPLATE = 'quick';

type Mode = 'form' | 'editor';

/** A question before the edited text is replaced. */
type Pending = { title: string; body: string; confirm: string; run(): void };

/** The text the run will start from: the config with the extra overrides applied on top. */
export function applyOverrideLines(text: string, lines: OverrideLine[]): string {
  let out = text;
  for (const l of lines) if (l.kind === 'ok') out = setKey(out, l.section, l.key, l.value);
  return out;
}

/** The `from` parameter of `#/new?from=<runId>`. */
export function fromParam(hash: string): string | null {
  const q = hash.indexOf('?');
  if (q < 0) return null;
  return new URLSearchParams(hash.slice(q + 1)).get('from');
}

type Problem = { severity: 'error' | 'warning'; message: string };

export function NewRunPage({ from = null }: { from?: string | null }) {
  const backend = useBackend();
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [schema, setSchema] = useState<ConfigKey[] | null>(null);
  const [networks, setNetworks] = useState<NetworkSummary[] | null>(null);
  const [loadError, setLoadError] = useState<DeskError | null>(null);
  const [template, setTemplate] = useState('');
  /** The config text being edited; null while the first one loads. */
  const [text, setText] = useState<string | null>(null);
  /** The text as loaded from the template: edits are what differs from it. */
  const [base, setBase] = useState<string | null>(null);
  const [origin, setOrigin] = useState<string | null>(null);
  const [textLoading, setTextLoading] = useState(false);
  const [mode, setMode] = useState<Mode>('form');
  const [name, setName] = useState('');
  const [executor, setExecutor] = useState(LOCAL_EXECUTOR);
  const [overridesText, setOverridesText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const [actionError, setActionError] = useState<DeskError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [dialog, setDialog] = useState<'save' | 'manage' | null>(null);
  const [helpAt, setHelpAt] = useState<KeyRef | null>(null);
  const editor = useRef<IniEditorHandle>(null);
  const loadSeq = useRef(0);
  const [axes, setAxes] = useState<AxisSpec[]>([]);
  const [sweepPreview, setSweepPreview] = useState<SweepPreview | null>(null);

  const dirty = text !== null && text !== base;
  // Anything typed here that creating the run would keep and leaving loses.
  const unsaved = dirty || overridesText.trim() !== '' || axes.length > 0;
  const [confirmTraining, setConfirmTraining] = useState(false);

  // Leaving by the sidebar, a shortcut or the address asks first.
  useEffect(() => {
    if (!unsaved || busy) return;
    setLeaveGuard((leave) => {
      setPending({
        title: 'Leave without creating the run?',
        body: 'The config has changes that are not saved anywhere. Leaving this page discards them.',
        confirm: 'Discard and leave',
        run: leave,
      });
      return true;
    });
    return () => setLeaveGuard(null);
  }, [unsaved, busy]);

  const loadTemplate = useCallback(
    (nameToLoad: string) => {
      const mine = ++loadSeq.current;
      setTemplate(nameToLoad);
      setTextLoading(true);
      backend.templateText(nameToLoad).then(
        (t) => {
          if (mine !== loadSeq.current) return;
          setText(t);
          setBase(t);
          setOrigin(null);
          setTextLoading(false);
        },
        (e: unknown) => {
          if (mine !== loadSeq.current) return;
          setTextLoading(false);
          setLoadError(toDeskError(e));
        },
      );
    },
    [backend],
  );

  // Templates, schema and networks; then the first text (a template's, or an earlier run's).
  useEffect(() => {
    let live = true;
    backend.listTemplates().then(
      (list) => {
        if (!live) return;
        setTemplates(list);
        const first = (list.find((x) => x.name === PREFERRED_TEMPLATE) ?? list[0])?.name ?? '';
        if (from) {
          const mine = ++loadSeq.current;
          setTextLoading(true);
          Promise.all([backend.runConfig(from), backend.getRun(from).catch(() => null)]).then(
            ([config, run]) => {
              if (!live || mine !== loadSeq.current) return;
              const label = run && list.some((t) => t.name === run.template) ? run.template : first;
              setTemplate(label);
              setText(config);
              setBase(config);
              setOrigin(run ? `the frozen config of run “${run.name}” (${from})` : `the frozen config of run ${from}`);
              setTextLoading(false);
            },
            (e: unknown) => {
              if (!live) return;
              setLoadError(toDeskError(e));
              loadTemplate(first);
            },
          );
        } else if (first) {
          loadTemplate(first);
        }
      },
      (e: unknown) => live && setLoadError(toDeskError(e)),
    );
    backend.configSchema().then(
      (s) => live && setSchema(s),
      () => undefined,
    );
    backend.networks().then(
      (n) => live && setNetworks(n),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [backend, from, loadTemplate]);

  const lines = useMemo(() => parseOverrides(overridesText), [overridesText]);
  const bad = lines.filter((l) => l.kind === 'error');
  const good = lines.length - bad.length;
  const finalText = useMemo(() => (text === null ? null : applyOverrideLines(text, lines)), [text, lines]);
  const validation = useValidation(backend, finalText);
  // FUSION's own `default` template trains an RL agent: no blocking
  // statistics, so no curve. Said before the run exists, not after.
  const training = finalText !== null && /^\s*(true|yes|1|on)\s*$/i.test(getKey(finalText, 'rl_settings', 'is_training') ?? '');
  // Keys being varied, by section.key (a bare key is completed with its
  // section when the schema has it in one place, as the core does).
  const varied = useMemo(() => {
    const m = new Map<string, string>();
    for (const a of axes) {
      let key = a.key.trim();
      if (!key) continue;
      if (!key.includes('.') && schema) {
        const found = schema.filter((k) => k.key === key.toLowerCase() && k.usage !== 'ignored');
        if (found.length === 1) key = `${found[0].section}.${found[0].key}`;
      }
      m.set(key, a.values);
    }
    return m;
  }, [axes, schema]);
  const vary = useCallback(
    (section: string, key: string, current: string | undefined) => {
      const path = `${section}.${key}`;
      if (varied.has(path)) return;
      setAxes((list) => [...list.filter((a) => a.key.trim() !== ''), { key: path, values: current?.trim() ?? '' }]);
    },
    [varied],
  );
  const focusKey = useCallback((section: string, key: string) => setHelpAt({ section, key }), []);
  const report = validation.report;
  const selected = templates?.find((t) => t.name === template);

  // Diagnostics for the editor's lines (extra overrides may move keys: find them by path).
  const editorDiagnostics = useMemo<IniDiagnostic[]>(() => {
    if (!report || text === null) return [];
    const all = [
      ...report.errors.map((d) => ({ ...d, severity: 'error' as const })),
      ...report.warnings.map((d) => ({ ...d, severity: 'warning' as const })),
    ];
    // Each message names its key: a hint such as "did you mean
    // routing_settings.k_paths" reads against the key that is wrong.
    const said = (d: { path: string; message: string }) => (d.path ? `${d.path}: ${d.message}` : d.message);
    if (good === 0) return all.map((d) => ({ line: d.line, message: said(d), severity: d.severity }));
    const doc = parseIni(text);
    return all.flatMap((d) => {
      const dot = d.path.indexOf('.');
      if (dot < 0) return [];
      const section = d.path.slice(0, dot);
      const key = d.path.slice(dot + 1).toLowerCase();
      const e = [...doc.entries].reverse().find((x) => x.section === section && x.key.toLowerCase() === key);
      return e ? [{ line: e.line + 1, message: said(d), severity: d.severity }] : [];
    });
  }, [report, text, good]);

  const problems = useMemo(() => {
    const m = new Map<string, Problem[]>();
    const add = (path: string, p: Problem) => m.set(path, [...(m.get(path) ?? []), p]);
    for (const d of report?.errors ?? []) add(d.path, { severity: 'error', message: d.message });
    for (const d of report?.warnings ?? []) add(d.path, { severity: 'warning', message: d.message });
    return m;
  }, [report]);

  const hasErrors = !!report && !report.valid;

  /** Runs `action` at once, or after a confirmation when there are edits to lose. */
  const guard = (p: Omit<Pending, 'run'>, action: () => void) => {
    if (dirty) setPending({ ...p, run: action });
    else action();
  };

  const chooseTemplate = (next: string) => {
    if (next === template && !dirty) return;
    setNotice(null);
    guard(
      {
        title: 'Discard your edits?',
        body: `The config has changes that are not saved anywhere. Switching to “${next}” replaces them with that template's text.`,
        confirm: `Switch to ${next}`,
      },
      () => loadTemplate(next),
    );
  };

  const importConfig = () => {
    setActionError(null);
    setNotice(null);
    backend.importConfig().then(
      (imported) => {
        if (!imported) return;
        guard(
          {
            title: 'Replace your edits?',
            body: `The config has changes that are not saved anywhere. Importing ${imported.path} replaces them.`,
            confirm: 'Import',
          },
          () => {
            loadSeq.current++;
            setTextLoading(false);
            setText(imported.text);
            setOrigin(imported.path);
            setNotice(`Imported ${imported.path}`);
          },
        );
      },
      (e: unknown) => setActionError(toDeskError(e)),
    );
  };

  const exportConfig = () => {
    if (text === null) return;
    setActionError(null);
    setNotice(null);
    const stem = (name.trim() || template || 'config').replace(/[^A-Za-z0-9_.-]+/g, '_');
    backend.exportConfig(text, `${stem}.ini`).then(
      (path) => path && setNotice(`Exported to ${path}`),
      (e: unknown) => setActionError(toDeskError(e)),
    );
  };

  const refreshTemplates = () =>
    backend.listTemplates().then(
      (list) => setTemplates(list),
      (e: unknown) => setActionError(toDeskError(e)),
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || text === null) return;
    if (!template) {
      setError({ code: 'invalid_input', message: 'choose a template' });
      return;
    }
    if (bad.length > 0) {
      setError({
        code: 'invalid_input',
        message: bad.map((l) => `line ${l.line}: invalid override ${JSON.stringify(l.text)}: ${l.reason}`).join('\n'),
      });
      return;
    }
    if (hasErrors) return;
    if (training && !confirmTraining) {
      setPending({
        title: 'Create a run in RL training mode?',
        body:
          'This config has rl_settings.is_training = True: FUSION trains its reinforcement-learning agent. It computes no confidence interval and writes no blocking statistics, so the run gives no blocking curve. Set the run mode to evaluation for blocking results.',
        confirm: 'Create the training run',
        run: () => {
          setConfirmTraining(true);
          // Submit again once the answer is recorded.
          setTimeout(() => (document.getElementById('new-run-form') as HTMLFormElement | null)?.requestSubmit(), 0);
        },
      });
      return;
    }
    setBusy(true);
    setError(null);
    setLeaveGuard(null);
    const trimmed = name.trim();
    if (axes.length > 0) {
      backend
        .createSweep({
          template,
          ...(trimmed ? { name: trimmed } : {}),
          overrides: overridesToRequest(lines),
          config_text: text,
          axes,
          ...(executor !== LOCAL_EXECUTOR ? { executor } : {}),
        })
        .then(
          (detail) => navigate({ page: 'sweep', id: detail.sweep.id }),
          (err: unknown) => {
            setBusy(false);
            setError(toDeskError(err));
            setConfirmTraining(false);
          },
        );
      return;
    }
    backend
      .createRun({
        template,
        ...(trimmed ? { name: trimmed } : {}),
        overrides: overridesToRequest(lines),
        config_text: text,
        ...(executor !== LOCAL_EXECUTOR ? { executor } : {}),
      })
      .then(
        (run) => navigate({ page: 'run', id: run.id }),
        (err: unknown) => {
          setBusy(false);
          setError(toDeskError(err));
          setConfirmTraining(false);
        },
      );
  };

  const trackCursor = () => {
    const v = editor.current?.view;
    if (!v || text === null) return;
    const line = v.state.doc.lineAt(v.state.selection.main.head).number;
    setHelpAt(keyAtLine(v.state.doc.toString(), line));
  };

  const goTo = (line: number | null) => {
    if (line === null) return;
    if (mode !== 'editor') setMode('editor');
    // The editor mounts lazily: try until it is there.
    let tries = 0;
    const attempt = () => {
      if (editor.current?.view) {
        editor.current.goToLine(line);
        trackCursor();
      } else if (tries++ < 40) setTimeout(attempt, 50);
    };
    attempt();
  };

  const sweepBase = useMemo<SweepBase | null>(
    () => (text === null || !template || bad.length > 0 ? null : { template, overrides: overridesToRequest(lines), config_text: text }),
    [template, text, lines, bad.length],
  );
  const sweeping = axes.length > 0;
  const summary = report?.summary ?? null;
  const engine = report?.simulator === 'external' ? 'with FUSION (Python)' : 'on the embedded engine';
  const userTemplates = templates?.filter((t) => !t.builtin) ?? [];
  const builtinTemplates = templates?.filter((t) => t.builtin) ?? [];

  return (
    <div className="page page-wide" data-testid="page-new">
      <header className="page-header">
        <div>
          <h1>New run</h1>
          <p className="page-subtitle">Start a FUSION simulation from a template: change the common keys in the form, or the whole config.ini. The config is checked as you type and frozen into the run when it is created.</p>
        </div>
      </header>

      {loadError && <ErrorAlert error={loadError} />}

      <div className="new-run-grid new-run-grid-wide">
        <form id="new-run-form" className="card form" onSubmit={submit} noValidate>
          <div className="field-row new-run-top">
            <div className="field">
              <label htmlFor="template">Template</label>
              <div className="template-picker">
                <select
                  id="template"
                  data-testid="template-select"
                  value={template}
                  onChange={(e) => chooseTemplate(e.target.value)}
                  disabled={templates === null}
                >
                  {templates === null && <option value="">Loading templates…</option>}
                  {templates !== null && userTemplates.length === 0 ? (
                    builtinTemplates.map((t) => (
                      <option key={t.name} value={t.name}>
                        {t.name}
                      </option>
                    ))
                  ) : (
                    <>
                      <optgroup label="Built-in">
                        {builtinTemplates.map((t) => (
                          <option key={t.name} value={t.name}>
                            {t.name}
                          </option>
                        ))}
                      </optgroup>
                      <optgroup label="My templates">
                        {userTemplates.map((t) => (
                          <option key={t.name} value={t.name}>
                            {t.name}
                          </option>
                        ))}
                      </optgroup>
                    </>
                  )}
                </select>
                <button
                  type="button"
                  className="btn"
                  data-testid="templates-manage"
                  onClick={() => setDialog('manage')}
                  disabled={templates === null}
                  title="Rename or delete your templates"
                >
                  Manage…
                </button>
              </div>
              <div className="hint" data-testid="template-description">
                {selected ? (
                  <>
                    {!selected.builtin && <span className="badge-user">mine</span>} {selected.description || '\u00a0'}
                  </>
                ) : (
                  '\u00a0'
                )}
              </div>
            </div>

            <div className="field">
              <label htmlFor="run-name">
                Run name <span className="optional">optional</span>
              </label>
              <input
                id="run-name"
                type="text"
                data-testid="run-name"
                value={name}
                maxLength={LIMITS.max_run_name_chars}
                onChange={(e) => setName(e.target.value)}
                placeholder={`Defaults to “${defaultRunName(template || 'template')}”`}
                autoComplete="off"
              />
            </div>

            <ExecutorPicker value={executor} onChange={setExecutor} />
          </div>

          {origin && (
            <div className="config-origin" data-testid="config-origin">
              Started from {origin}
              {dirty ? ', edited' : ''}.
            </div>
          )}

          <div className="config-toolbar">
            <div className="segmented" role="tablist" aria-label="How to edit the config">
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'form'}
                className={`segmented-btn${mode === 'form' ? ' active' : ''}`}
                data-testid="mode-form"
                onClick={() => setMode('form')}
              >
                Form
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'editor'}
                className={`segmented-btn${mode === 'editor' ? ' active' : ''}`}
                data-testid="mode-editor"
                onClick={() => setMode('editor')}
              >
                config.ini
              </button>
            </div>
            {dirty && (
              <span className="edited-mark" data-testid="config-dirty" title="The config differs from the template">
                edited
              </span>
            )}
            <div className="config-toolbar-actions">
              <button type="button" className="btn btn-sm" data-testid="import-config" onClick={importConfig}>
                <Icon name="file" />
                Import INI…
              </button>
              <button type="button" className="btn btn-sm" data-testid="export-config" onClick={exportConfig} disabled={text === null}>
                <Icon name="download" />
                Export INI…
              </button>
              <button
                type="button"
                className="btn btn-sm"
                data-testid="save-template"
                onClick={() => {
                  setActionError(null);
                  setNotice(null);
                  setDialog('save');
                }}
                disabled={text === null || templates === null}
              >
                Save as template…
              </button>
            </div>
          </div>

          {notice && (
            <div className="config-notice" role="status" data-testid="config-notice">
              <Icon name="check" /> {notice}
            </div>
          )}
          {actionError && <ErrorAlert error={actionError} testId="config-action-error" onDismiss={() => setActionError(null)} />}

          <div className="config-body">
            {text === null ? (
              <div className="loading">Loading the template…</div>
            ) : mode === 'form' ? (
              <ConfigForm
                text={text}
                onText={setText}
                schema={schema}
                networks={networks}
                problems={problems}
                onFocusKey={focusKey}
                disabled={textLoading}
                varied={varied}
                onVary={vary}
              />
            ) : (
              <div onKeyUp={trackCursor} onMouseUp={trackCursor}>
                <Suspense fallback={<div className="loading">Loading the editor…</div>}>
                  <LazyIniEditor
                    ref={editor}
                    value={text}
                    onChange={setText}
                    diagnostics={editorDiagnostics}
                    readOnly={textLoading}
                    height="460px"
                  />
                </Suspense>
              </div>
            )}
          </div>

          <div className="extra-overrides">
            <div className="field">
              <label htmlFor="overrides">
                Extra overrides <span className="optional">optional, applied on top of the config</span>
              </label>
              <textarea
                id="overrides"
                data-testid="overrides-text"
                className={`mono${bad.length ? ' invalid' : ''}`}
                rows={3}
                value={overridesText}
                onChange={(e) => setOverridesText(e.target.value)}
                spellCheck={false}
                aria-invalid={bad.length > 0}
                aria-describedby="overrides-preview"
                placeholder={'# section.key = value, one per line\ngeneral_settings.max_iters = 5'}
              />
              <div id="overrides-preview" className="override-preview" data-testid="overrides-preview">
                {lines.length === 0 ? (
                  <span className="hint">No overrides: the config above is used as it is.</span>
                ) : (
                  <>
                    <div className="override-summary">
                      {good} override{good === 1 ? '' : 's'}
                      {bad.length > 0 && (
                        <span className="text-danger">
                          {' · '}
                          {bad.length} invalid line{bad.length === 1 ? '' : 's'}
                        </span>
                      )}
                    </div>
                    <ul>
                      {lines.map((l) =>
                        l.kind === 'ok' ? (
                          <li key={l.line} className="override-ok">
                            <span className="ln">{l.line}</span>
                            <span className="mono">
                              <span className="ini-section">[{l.section}]</span> <span className="ini-key">{l.key}</span> ={' '}
                              <span className="ini-value">{l.value || <em className="muted">(empty)</em>}</span>
                            </span>
                          </li>
                        ) : (
                          <li key={l.line} className="override-bad" data-testid="override-invalid">
                            <span className="ln">{l.line}</span>
                            <span>
                              <span className="mono">{l.text}</span> — {l.reason}
                            </span>
                          </li>
                        ),
                      )}
                    </ul>
                  </>
                )}
              </div>
            </div>
          </div>

          <SweepAxesEditor schema={schema} axes={axes} onAxes={setAxes} base={sweepBase} onPreview={setSweepPreview} />
        </form>

        <aside className="new-run-side">
          <div className="card run-check">
            <div className="validation" data-testid="validation">
              {summary ? (
                <div className="run-summary" data-testid="run-summary">
                  <strong>{summary.text}</strong>
                  {' · '}
                  {formatEstimate(summary.estimate_seconds)} {engine}
                  {summary.network && <span className="muted"> · {summary.network}</span>}
                  {validation.pending && <span className="checking"> · checking…</span>}
                </div>
              ) : (
                <div className="run-summary muted" data-testid="run-summary">
                  {validation.error
                  ? 'The config could not be checked.'
                  : !report
                    ? 'Checking the config…'
                    : hasErrors
                      ? 'No run size while the config has errors.'
                      : 'The size of the run cannot be worked out yet.'}
                </div>
              )}
                {validation.error && <ErrorAlert error={validation.error} testId="validation-error" />}
              {report && report.errors.length > 0 && (
                <div className="diag-list diag-errors" data-testid="config-errors" role="alert">
                  <div className="diag-title">
                    {report.errors.length === 1 ? '1 error' : `${report.errors.length} errors`}: fix {report.errors.length === 1 ? 'it' : 'them'} to create the run
                  </div>
                  <ul>
                    {report.errors.map((d, i) => (
                      <DiagItem key={i} path={d.path} line={d.line} message={d.message} onGo={goTo} />
                    ))}
                  </ul>
                </div>
              )}
              {report && report.warnings.length > 0 && (
                <div className="diag-list diag-warnings" data-testid="config-warnings">
                  <div className="diag-title">{report.warnings.length === 1 ? '1 warning' : `${report.warnings.length} warnings`}</div>
                  <ul>
                    {report.warnings.map((d, i) => (
                      <DiagItem key={i} path={d.path} line={d.line} message={d.message} onGo={goTo} />
                    ))}
                  </ul>
                </div>
              )}
            </div>

            {training && (
              <div className="alert alert-warning" data-testid="training-warning" role="status">
                <div className="alert-body">
                  <div className="alert-title">RL training mode</div>
                  rl_settings.is_training = True: FUSION trains its agent and reports no blocking statistics (no confidence interval, no curve). Per-iteration
                  blocking is shown where the output has it.
                </div>
              </div>
            )}
            {error && <ErrorAlert error={error} testId="create-error" />}
            {sweeping && <SweepSideSummary preview={sweepPreview} />}

            <div className="form-actions">
              <button
                type="submit"
                form="new-run-form"
                className="btn btn-primary"
                data-testid="create-run"
                disabled={busy || templates === null || text === null || textLoading || hasErrors || (sweeping && !sweepPreview)}
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
          <div className="card help">
            <h3>Key reference</h3>
            <KeyHelp schema={schema} at={helpAt} />
          </div>
        </aside>
      </div>

      {pending && (
        <ConfirmModal
          title={pending.title}
          tone="warning"
          confirmLabel={pending.confirm}
          dismissLabel="Keep editing"
          onConfirm={() => {
            const p = pending;
            setPending(null);
            p.run();
          }}
          onDismiss={() => setPending(null)}
        >
          <p>{pending.body}</p>
        </ConfirmModal>
      )}

      {dialog === 'manage' && templates && (
        <TemplatesDialog
          templates={templates}
          onClose={() => setDialog(null)}
          onChanged={(fromName, to) => {
            if (fromName === template) {
              if (to) setTemplate(to);
              else {
                // The text stays; it is now an unsaved config.
                setBase(null);
                setTemplate(builtinTemplates.find((t) => t.name === PREFERRED_TEMPLATE)?.name ?? builtinTemplates[0]?.name ?? '');
              }
            }
            void refreshTemplates();
          }}
        />
      )}

      {dialog === 'save' && templates && text !== null && (
        <SaveTemplateDialog
          text={text}
          templates={templates}
          suggested={selected && !selected.builtin ? selected.name : ''}
          onClose={() => setDialog(null)}
          onSaved={(info) => {
            setDialog(null);
            setTemplate(info.name);
            setBase(text);
            setOrigin(null);
            setNotice(`Saved as template “${info.name}”`);
            void refreshTemplates();
          }}
        />
      )}
    </div>
  );
}

function DiagItem({ path, line, message, onGo }: { path: string; line: number | null; message: string; onGo(line: number | null): void }) {
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
