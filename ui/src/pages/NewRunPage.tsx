// The new-run page: a template's config edited in a form or as config.ini,
// extra overrides, keys to vary into a sweep, and the checks beside the
// Create button. The state lives in hooks under newrun/, the parts of the
// page are components there.

import { useEffect, useMemo, useState } from 'react';
import { useBackend } from '../api/backend';
import { ErrorAlert } from '../components/ErrorAlert';
import { ConfirmModal } from '../components/Modal';
import { getKey, setKey } from '../lib/ini';
import { overridesToRequest, type OverrideLine } from '../lib/overrides';
import { setLeaveGuard } from '../lib/router';
import { ConfigBody } from './newrun/ConfigBody';
import { ConfigToolbar, type EditMode } from './newrun/ConfigToolbar';
import { LOCAL_EXECUTOR } from './newrun/ExecutorPicker';
import { RunBasics } from './newrun/RunBasics';
import { ConfigNotice, ConfigOrigin } from './newrun/ConfigNotes';
import { KeyHelp } from './newrun/KeyHelp';
import { OverridesField } from './newrun/OverridesField';
import { RunCheck } from './newrun/RunCheck';
import { SweepAxesEditor } from './newrun/SweepAxesEditor';
import { TemplateDialogs, type TemplateDialog } from './newrun/TemplateDialogs';
import { useConfigFiles } from './newrun/useConfigFiles';
import { useConfigSource } from './newrun/useConfigSource';
import { NEW_RUN_FORM_ID, useCreateRun } from './newrun/useCreateRun';
import { useEditorDiagnostics, useProblems } from './newrun/useDiagnostics';
import { useKeyCursor } from './newrun/useKeyCursor';
import { useTextReplacement } from './newrun/useTextReplacement';
import { useOverrides } from './newrun/useOverrides';
import { usePendingQuestion, type Pending } from './newrun/usePendingQuestion';
import { useValidation } from './newrun/useValidation';
import { useVaryAxes, type SweepBase } from './newrun/useVaryAxes';
import './NewRunPage.css';

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

/** FUSION's own `default` template trains an RL agent: no blocking statistics, so no curve. */
function trainsAgent(text: string | null): boolean {
  return text !== null && /^\s*(true|yes|1|on)\s*$/i.test(getKey(text, 'rl_settings', 'is_training') ?? '');
}

/** Leaving by the sidebar, a shortcut or the address asks first while `unsaved`. */
function useLeaveGuard(unsaved: boolean, ask: (question: Pending) => void) {
  useEffect(() => {
    if (!unsaved) return;
    setLeaveGuard((leave) => {
      ask({
        title: 'Leave without creating the run?',
        body: 'The config has changes that are not saved anywhere. Leaving this page discards them.',
        confirm: 'Discard and leave',
        run: leave,
      });
      return true;
    });
    return () => setLeaveGuard(null);
  }, [unsaved, ask]);
}

export function NewRunPage({ from = null }: { from?: string | null }) {
  const backend = useBackend();
  const source = useConfigSource(from);
  const { templates, template, text, schema } = source;
  const overrides = useOverrides();
  const files = useConfigFiles();
  const question = usePendingQuestion();
  const [mode, setMode] = useState<EditMode>('form');
  const [name, setName] = useState('');
  const [executor, setExecutor] = useState(LOCAL_EXECUTOR);
  const [dialog, setDialog] = useState<TemplateDialog>(null);
  const cursor = useKeyCursor(mode, setMode);

  const { lines, bad, good } = overrides;
  const finalText = useMemo(() => (text === null ? null : applyOverrideLines(text, lines)), [text, lines]);
  const validation = useValidation(backend, finalText);
  const report = validation.report;
  const training = trainsAgent(finalText);
  const sweepBase = useMemo<SweepBase | null>(
    () => (text === null || !template || bad.length > 0 ? null : { template, overrides: overridesToRequest(lines), config_text: text }),
    [template, text, lines, bad.length],
  );
  const vary = useVaryAxes(schema, sweepBase);
  const problems = useProblems(report);
  const editorDiagnostics = useEditorDiagnostics(report, text, good);
  const create = useCreateRun(
    { template, text, name, executor, overrides: lines, axes: vary.axes, hasErrors: !!report && !report.valid, training },
    question.ask,
  );

  const dirty = text !== null && text !== source.base;
  // Anything typed here that creating the run would keep and leaving loses.
  const unsaved = dirty || overrides.text.trim() !== '' || vary.axes.length > 0;
  useLeaveGuard(unsaved && !create.busy, question.ask);

  const { chooseTemplate, importConfig, refreshTemplates } = useTextReplacement(source, files, question.ask, dirty);

  return (
    <div className="page page-wide" data-testid="page-new">
      <header className="page-header">
        <div>
          <h1>New run</h1>
          <p className="page-subtitle">Start a FUSION simulation from a template: change the common keys in the form, or the whole config.ini. The config is checked as you type and frozen into the run when it is created.</p>
        </div>
      </header>

      {source.loadError && <ErrorAlert error={source.loadError} />}

      <div className="new-run-grid new-run-grid-wide">
        <form id={NEW_RUN_FORM_ID} className="card form" onSubmit={create.submit} noValidate>
          <RunBasics
            templates={templates}
            template={template}
            onChooseTemplate={chooseTemplate}
            onManageTemplates={() => setDialog('manage')}
            name={name}
            onName={setName}
            executor={executor}
            onExecutor={setExecutor}
          />
          <ConfigOrigin origin={source.origin} dirty={dirty} />

          <ConfigToolbar
            mode={mode}
            onMode={setMode}
            dirty={dirty}
            onImport={importConfig}
            onExport={() => files.exportConfig(text, name.trim() || template || 'config')}
            onSaveTemplate={() => {
              files.clear();
              setDialog('save');
            }}
            canExport={text !== null}
            canSave={text !== null && templates !== null}
          />

          <ConfigNotice notice={files.notice} error={files.actionError} onDismissError={() => files.setActionError(null)} />

          <ConfigBody
            mode={mode}
            text={text}
            onText={source.setText}
            loading={source.textLoading}
            schema={schema}
            networks={source.networks}
            problems={problems}
            diagnostics={editorDiagnostics}
            varied={vary.varied}
            onVary={vary.vary}
            onFocusKey={cursor.focusKey}
            editor={cursor.editor}
            onCursor={cursor.trackCursor}
          />

          <OverridesField overrides={overrides} />

          <SweepAxesEditor schema={schema} axes={vary.axes} onAxes={vary.setAxes} check={vary.check} />
        </form>

        <aside className="new-run-side">
          <RunCheck
            validation={validation}
            training={training}
            createError={create.error}
            sweeping={vary.axes.length > 0}
            sweepPreview={vary.check.preview}
            busy={create.busy}
            notReady={templates === null || text === null || source.textLoading}
            onGoToLine={cursor.goTo}
          />
          <div className="card help">
            <h3>Key reference</h3>
            <KeyHelp schema={schema} at={cursor.helpAt} />
          </div>
        </aside>
      </div>

      {question.pending && (
        <ConfirmModal
          title={question.pending.title}
          tone="warning"
          confirmLabel={question.pending.confirm}
          dismissLabel="Keep editing"
          onConfirm={question.accept}
          onDismiss={question.dismiss}
        >
          <p>{question.pending.body}</p>
        </ConfirmModal>
      )}

      <TemplateDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        templates={templates}
        template={template}
        text={text}
        onChanged={(fromName, to) => {
          source.templateChanged(fromName, to);
          void refreshTemplates();
        }}
        onSaved={(info) => {
          setDialog(null);
          source.savedAs(info.name);
          files.setNotice(`Saved as template “${info.name}”`);
          void refreshTemplates();
        }}
      />
    </div>
  );
}
