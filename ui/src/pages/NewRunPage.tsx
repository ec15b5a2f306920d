import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { DeskError } from '../bindings/DeskError';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import { toDeskError, useBackend } from '../api/backend';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icon';
import { overridesToRequest, parseOverrides } from '../lib/overrides';
import { navigate } from '../lib/router';
import { defaultRunName } from '../lib/runs';

const PREFERRED_TEMPLATE = 'quick';

export function NewRunPage() {
  const backend = useBackend();
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [loadError, setLoadError] = useState<DeskError | null>(null);
  const [template, setTemplate] = useState('');
  const [name, setName] = useState('');
  const [overridesText, setOverridesText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);

  useEffect(() => {
    let live = true;
    backend.listTemplates().then(
      (list) => {
        if (!live) return;
        setTemplates(list);
        setTemplate((t) => t || (list.find((x) => x.name === PREFERRED_TEMPLATE) ?? list[0])?.name || '');
      },
      (e: unknown) => live && setLoadError(toDeskError(e)),
    );
    return () => {
      live = false;
    };
  }, [backend]);

  const lines = useMemo(() => parseOverrides(overridesText), [overridesText]);
  const bad = lines.filter((l) => l.kind === 'error');
  const good = lines.length - bad.length;
  const selected = templates?.find((t) => t.name === template);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
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
    setBusy(true);
    setError(null);
    const trimmed = name.trim();
    backend
      .createRun({ template, ...(trimmed ? { name: trimmed } : {}), overrides: overridesToRequest(lines) })
      .then(
        (run) => navigate({ page: 'run', id: run.id }),
        (e: unknown) => {
          setBusy(false);
          setError(toDeskError(e));
        },
      );
  };

  return (
    <div className="page" data-testid="page-new">
      <header className="page-header">
        <div>
          <h1>New run</h1>
          <p className="page-subtitle">Start a FUSION simulation from a template, with optional overrides.</p>
        </div>
      </header>

      {loadError && <ErrorAlert error={loadError} />}

      <div className="new-run-grid">
        <form className="card form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="template">Template</label>
            <select
              id="template"
              data-testid="template-select"
              value={template}
              onChange={(e) => setTemplate(e.target.value)}
              disabled={templates === null}
            >
              {templates === null && <option value="">Loading templates…</option>}
              {templates?.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                </option>
              ))}
            </select>
            <div className="hint" data-testid="template-description">
              {selected ? selected.description : '\u00a0'}
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
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
              placeholder={`Defaults to “${defaultRunName(template || 'template')}” (template + UTC time)`}
              autoComplete="off"
            />
          </div>

          <div className="field">
            <label htmlFor="overrides">
              Overrides <span className="optional">optional</span>
            </label>
            <textarea
              id="overrides"
              data-testid="overrides-text"
              className={`mono${bad.length ? ' invalid' : ''}`}
              rows={7}
              value={overridesText}
              onChange={(e) => setOverridesText(e.target.value)}
              spellCheck={false}
              aria-invalid={bad.length > 0}
              aria-describedby="overrides-preview"
              placeholder={'# section.key = value, one per line\ngeneral_settings.max_iters = 5\ntopology_settings.network = USNet'}
            />
            <div id="overrides-preview" className="override-preview" data-testid="overrides-preview">
              {lines.length === 0 ? (
                <span className="hint">No overrides: the template is used as is.</span>
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

          {error && <ErrorAlert error={error} testId="create-error" />}

          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="create-run" disabled={busy || templates === null}>
              <Icon name="plus" />
              {busy ? 'Creating…' : 'Create run'}
            </button>
            <a className="btn btn-ghost" href="#/runs">
              Cancel
            </a>
          </div>
        </form>

        <aside className="card help">
          <h3>How a run is made</h3>
          <ol>
            <li>The template's config.ini is copied into a new run folder.</li>
            <li>
              Each override replaces <code>key</code> in <code>[section]</code>, or adds it. Blank lines and lines
              starting with <code>#</code> are ignored.
            </li>
            <li>The run waits in the queue until a slot is free (see Settings), then the simulator starts.</li>
          </ol>
          <h3>Examples</h3>
          <pre className="mono">
            {'general_settings.erlang_stop = 900\ngeneral_settings.num_requests = 2000\ntopology_settings.network = USNet\nrouting_settings.k_paths = 5'}
          </pre>
        </aside>
      </div>
    </div>
  );
}
