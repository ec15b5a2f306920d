import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EditorView } from '@codemirror/view';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBackend, makeRun } from '../api/memory';
import type { Diagnostic } from '../bindings/Diagnostic';
import type { ValidationReport } from '../bindings/ValidationReport';
import { FAKE_BUILTIN_TEMPLATES, fakeTemplateText, fakeValidReport } from '../api/fakeDesk';
import { NewRunPage, applyOverrideLines, fromParam } from '../pages/NewRunPage';
import { keyAtLine } from '../pages/newrun/KeyHelp';
import { formatEstimate } from '../pages/newrun/useValidation';
import { getKey } from '../lib/ini';
import { parseOverrides } from '../lib/overrides';
import { renderWith, stubRanges } from './render';

beforeAll(stubRanges);

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

const USER_TEMPLATE = `# My USNet sweep
[general_settings]
erlang_start = 100
erlang_stop = 300
erlang_step = 100
max_iters = 2
num_requests = 200
guard_slots = 1
max_segments = 1
[topology_settings]
network = USNet
cores_per_link = 7
[rl_settings]
is_training = False
`;

/** User templates stored beside the built-ins, by name. */
function withUserTemplates(texts: Record<string, string>) {
  return new MemoryBackend({
    templates: [...FAKE_BUILTIN_TEMPLATES, ...Object.keys(texts).map((name) => ({ name, description: 'My USNet sweep', builtin: false }))],
    templateTexts: texts,
  });
}

/** The core's report on the configs these tests write. */
function coreReport(text: string): ValidationReport {
  const report = fakeValidReport();
  const line = (key: string) => text.split('\n').findIndex((l) => l.startsWith(`${key} =`)) + 1;
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const stop = getKey(text, 'general_settings', 'erlang_stop');
  if (stop === '100' || stop === '50') {
    errors.push({ path: 'general_settings.erlang_stop', line: line('erlang_stop'), message: `erlang_stop (${stop}) is below erlang_start (300): no load would run` });
  }
  if (getKey(text, 'general_settings', 'max_iters') === '2.5') {
    errors.push({ path: 'general_settings.max_iters', line: line('max_iters'), message: 'max_iters must be a whole number, not "2.5"' });
  }
  if (getKey(text, 'routing_settings', 'k_paths') === '12') {
    warnings.push({ path: 'routing_settings.k_paths', line: line('k_paths'), message: 'more than 10 candidate paths makes routing slow' });
  }
  const summary = report.summary && stop === '900' ? { ...report.summary, load_count: 7, text: '7 loads × 3 iterations × 1000 requests' } : report.summary;
  return { ...report, valid: errors.length === 0, errors, warnings, summary: errors.length ? null : summary };
}

function render(options: { from?: string; backend?: MemoryBackend } = {}) {
  backend = options.backend ?? new MemoryBackend();
  backend.answer('validateConfig', coreReport);
  renderWith(backend, <NewRunPage from={options.from ?? null} />);
}

async function ready() {
  await screen.findByTestId('form-max-iters');
  await waitFor(() => expect(screen.getByTestId('create-run')).toBeEnabled());
}

function viewOf(): EditorView {
  const content = screen.getByTestId('ini-editor').querySelector('.cm-content') as HTMLElement;
  const view = EditorView.findFromDOM(content);
  if (!view) throw new Error('no editor view');
  return view;
}

/** Replaces the whole editor text as a user would (select all, type). */
function editorType(view: EditorView, from: number, to: number, insert: string) {
  act(() => view.dispatch({ changes: { from, to, insert }, userEvent: 'input.type' }));
}

async function openEditor(): Promise<EditorView> {
  await userEvent.click(screen.getByTestId('mode-editor'));
  await screen.findByTestId('ini-editor');
  await waitFor(() => expect(screen.getByTestId('ini-editor').querySelector('.cm-content')).toBeInTheDocument());
  return viewOf();
}

function setField(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

describe('New run: form and editor', () => {
  it('fills the form from the template and writes form edits into the text, comments kept', async () => {
    render();
    await ready();
    expect(screen.getByTestId('form-max-iters')).toHaveValue('3');
    expect(screen.getByTestId('form-erlang-stop')).toHaveValue('500');
    expect(screen.getByTestId('form-network')).toHaveValue('NSFNet');
    expect(screen.getByTestId('form-guard-slots')).toHaveValue('1');
    expect(screen.getByTestId('form-max-segments')).toHaveValue('4');
    expect(screen.getByTestId('form-is-training')).toHaveValue('False');
    // The network select lists the nine networks with their sizes.
    const options = within(screen.getByTestId('form-network')).getAllByRole('option');
    expect(options).toHaveLength(9);
    expect(screen.getByRole('option', { name: 'USNet · 24 nodes, 43 links' })).toBeInTheDocument();
    expect(screen.getByTestId('form-erlang-step')).toHaveAttribute('title', expect.stringContaining('Increment between two loads'));

    setField('form-max-iters', '7');
    setField('form-network', 'USNet');
    setField('form-guard-slots', '0');
    expect(screen.getByTestId('config-dirty')).toBeInTheDocument();

    const view = await openEditor();
    const text = view.state.doc.toString();
    const expected = fakeTemplateText('quick')
      .replace('max_iters = 3', 'max_iters = 7')
      .replace('network = NSFNet', 'network = USNet')
      .replace('guard_slots = 1', 'guard_slots = 0');
    expect(text).toBe(expected);
    expect(text).toContain('# max_iters: Number of iterations per Erlang load point (int, >= 1)');
  });

  it('shows text edits in the form', async () => {
    render();
    await ready();
    const view = await openEditor();
    const doc = view.state.doc.toString();
    const at = doc.indexOf('num_requests = 1000') + 'num_requests = '.length;
    editorType(view, at, at + 4, '2500');
    const k = doc.indexOf('k_paths = 3') + 'k_paths = '.length;
    editorType(view, k, k + 1, '5');
    await userEvent.click(screen.getByTestId('mode-form'));
    expect(screen.getByTestId('form-num-requests')).toHaveValue('2500');
    expect(screen.getByTestId('form-k-paths')).toHaveValue('5');
  });

  it('shows the run summary from the validation', async () => {
    render();
    await ready();
    await waitFor(() => expect(screen.getByTestId('run-summary')).toHaveTextContent('3 loads × 3 iterations × 1000 requests'));
    expect(screen.getByTestId('run-summary')).toHaveTextContent(/about [\d.]+ s on the embedded engine/);
    setField('form-erlang-stop', '900');
    await waitFor(() => expect(screen.getByTestId('run-summary')).toHaveTextContent('7 loads × 3 iterations × 1000 requests'));
  });

  it('lists errors, marks them in the form and the editor, and disables Create until fixed', async () => {
    render();
    await ready();
    setField('form-erlang-stop', '100');
    const errors = await screen.findByTestId('config-errors');
    expect(errors).toHaveTextContent('erlang_stop (100) is below erlang_start (300)');
    expect(screen.getByTestId('create-run')).toBeDisabled();
    expect(screen.getByTestId('form-erlang-stop')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('form-erlang-stop-error')).toHaveTextContent('below erlang_start');

    // The editor marks the line.
    await openEditor();
    await waitFor(() => expect(screen.getByTestId('ini-editor-status')).toHaveTextContent('1 error'));
    await waitFor(() => expect(document.querySelector('.cm-lintRange-error')).toHaveTextContent('erlang_stop = 100'));

    // A whole number is needed for max_iters.
    await userEvent.click(screen.getByTestId('mode-form'));
    setField('form-erlang-stop', '500');
    setField('form-max-iters', '2.5');
    await waitFor(() => expect(screen.getByTestId('config-errors')).toHaveTextContent('max_iters must be a whole number'));
    expect(screen.getByTestId('create-run')).toBeDisabled();
    setField('form-max-iters', '2');
    await waitFor(() => expect(screen.queryByTestId('config-errors')).not.toBeInTheDocument());
    expect(screen.getByTestId('create-run')).toBeEnabled();

    await userEvent.click(screen.getByTestId('create-run'));
    await waitFor(() => expect(backend.callsOf('createRun')).toHaveLength(1));
    const request = backend.callsOf('createRun')[0][0] as { config_text: string };
    expect(getKey(request.config_text, 'general_settings', 'max_iters')).toBe('2');
  });

  it('shows warnings without blocking', async () => {
    render();
    await ready();
    setField('form-k-paths', '12');
    expect(await screen.findByTestId('config-warnings')).toHaveTextContent('more than 10 candidate paths');
    expect(screen.queryByTestId('config-errors')).not.toBeInTheDocument();
    expect(screen.getByTestId('create-run')).toBeEnabled();
  });

  it('validates the text with the extra overrides applied', async () => {
    render();
    await ready();
    await userEvent.type(screen.getByTestId('overrides-text'), 'general_settings.erlang_stop = 50');
    expect(await screen.findByTestId('config-errors')).toHaveTextContent('erlang_stop (50) is below erlang_start');
    expect(screen.getByTestId('create-run')).toBeDisabled();
  });

  it('shows the documentation of the key under the cursor', async () => {
    render();
    await ready();
    const view = await openEditor();
    const at = view.state.doc.toString().indexOf('cores_per_link');
    act(() => view.dispatch({ selection: { anchor: at } }));
    fireEvent.keyUp(view.contentDOM, { key: 'ArrowDown' });
    const help = screen.getByTestId('key-help');
    expect(help).toHaveTextContent('topology_settings.cores_per_link');
    expect(help).toHaveTextContent('Cores per fibre');
    expect(help).toHaveTextContent('≥ 1');
  });
});

describe('New run: templates', () => {
  it('asks before a template switch loses edits, and keeps them when told to', async () => {
    render();
    await ready();
    setField('form-max-iters', '9');
    await userEvent.selectOptions(screen.getByTestId('template-select'), 'default');
    const modal = await screen.findByTestId('confirm-modal');
    expect(modal).toHaveTextContent('Discard your edits?');
    await userEvent.click(screen.getByTestId('confirm-dismiss'));
    expect(screen.getByTestId('template-select')).toHaveValue('quick');
    expect(screen.getByTestId('form-max-iters')).toHaveValue('9');

    await userEvent.selectOptions(screen.getByTestId('template-select'), 'default');
    await userEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('form-max-iters')).toHaveValue('4'));
    expect(screen.getByTestId('template-select')).toHaveValue('default');
    expect(screen.queryByTestId('config-dirty')).not.toBeInTheDocument();
  });

  it('switches at once without edits', async () => {
    render();
    await ready();
    await userEvent.selectOptions(screen.getByTestId('template-select'), 'minimal');
    await waitFor(() => expect(screen.getByTestId('form-num-requests')).toHaveValue('100'));
    expect(screen.queryByTestId('confirm-modal')).not.toBeInTheDocument();
  });

  it('lists user templates after the built-ins and loads their text', async () => {
    render({ backend: withUserTemplates({ 'usnet sweep': USER_TEMPLATE }) });
    await ready();
    const select = screen.getByTestId('template-select') as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value).slice(-2)).toEqual(['xtar_example_config', 'usnet sweep']);
    await userEvent.selectOptions(select, 'usnet sweep');
    await waitFor(() => expect(screen.getByTestId('form-cores')).toHaveValue('7'));
    expect(screen.getByTestId('template-description')).toHaveTextContent('My USNet sweep');
  });

  it('saves as a template, and asks before replacing an existing one', async () => {
    render({ backend: withUserTemplates({ mine: USER_TEMPLATE }) });
    await ready();
    setField('form-max-iters', '6');
    backend.failNext('saveTemplate', { code: 'invalid_input', message: '"quick" is the name of a built-in template; choose another name' });

    // A built-in name: the backend's refusal is shown.
    await userEvent.click(screen.getByTestId('save-template'));
    await userEvent.type(screen.getByTestId('template-name-input'), 'quick');
    await userEvent.click(screen.getByTestId('template-save-confirm'));
    expect(await screen.findByTestId('template-save-error')).toHaveTextContent('is the name of a built-in template');

    // A new name saves at once.
    await userEvent.clear(screen.getByTestId('template-name-input'));
    await userEvent.type(screen.getByTestId('template-name-input'), 'six iterations');
    await userEvent.click(screen.getByTestId('template-save-confirm'));
    expect(await screen.findByTestId('config-notice')).toHaveTextContent('Saved as template “six iterations”');
    expect(backend.callsOf('saveTemplate')).toEqual([
      ['quick', expect.any(String), false],
      ['six iterations', expect.stringContaining('max_iters = 6'), false],
    ]);
    await waitFor(() => expect(screen.getByTestId('template-select')).toHaveValue('six iterations'));
    expect(screen.queryByTestId('config-dirty')).not.toBeInTheDocument();

    // An existing name: confirm first, then overwrite.
    setField('form-max-iters', '8');
    await userEvent.click(screen.getByTestId('save-template'));
    await userEvent.clear(screen.getByTestId('template-name-input'));
    await userEvent.type(screen.getByTestId('template-name-input'), 'mine');
    await userEvent.click(screen.getByTestId('template-save-confirm'));
    expect(await screen.findByTestId('template-overwrite-dialog')).toHaveTextContent('A template named mine already exists');
    await userEvent.click(screen.getByTestId('template-overwrite'));
    await screen.findByText('Saved as template “mine”');
    expect(backend.callsOf('saveTemplate').at(-1)).toEqual(['mine', expect.stringContaining('max_iters = 8'), true]);
    expect(backend.storedTemplate('mine')).toContain('max_iters = 8');
  });

  it('asks to overwrite when the backend reports a conflict', async () => {
    render();
    await ready();
    // Someone else saved "late" after the list was read.
    backend.failNext('saveTemplate', { code: 'invalid_input', message: 'a template named "late" already exists' });
    await userEvent.click(screen.getByTestId('save-template'));
    await userEvent.type(screen.getByTestId('template-name-input'), 'late');
    await userEvent.click(screen.getByTestId('template-save-confirm'));
    expect(await screen.findByTestId('template-overwrite-dialog')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('template-overwrite-dismiss'));
    expect(screen.getByTestId('template-name-input')).toHaveValue('late');
  });

  it('renames and deletes user templates; built-ins are read-only', async () => {
    render({ backend: withUserTemplates({ alpha: USER_TEMPLATE, beta: USER_TEMPLATE }) });
    await ready();
    await userEvent.click(screen.getByTestId('templates-manage'));
    const dialog = await screen.findByTestId('templates-dialog');
    expect(within(dialog).getByTestId('template-row-quick')).toHaveTextContent('read-only');
    expect(within(dialog).queryByTestId('template-rename-quick')).not.toBeInTheDocument();

    await userEvent.click(within(dialog).getByTestId('template-rename-alpha'));
    await userEvent.clear(screen.getByTestId('template-rename-input'));
    await userEvent.type(screen.getByTestId('template-rename-input'), 'gamma');
    await userEvent.click(screen.getByTestId('template-rename-save'));
    await waitFor(() => expect(within(dialog).getByTestId('template-row-gamma')).toBeInTheDocument());
    expect(backend.callsOf('renameTemplate')).toEqual([['alpha', 'gamma']]);

    await userEvent.click(within(dialog).getByTestId('template-delete-beta'));
    expect(within(dialog).getByTestId('template-row-beta')).toHaveTextContent('Delete beta?');
    await userEvent.click(screen.getByTestId('template-delete-confirm'));
    await waitFor(() => expect(within(dialog).queryByTestId('template-row-beta')).not.toBeInTheDocument());
    expect(backend.callsOf('deleteTemplate')).toEqual([['beta']]);

    backend.failNext('renameTemplate', { code: 'forbidden_path', message: 'template name "../x" would leave the templates folder' });
    await userEvent.click(within(dialog).getByTestId('template-rename-gamma'));
    await userEvent.clear(screen.getByTestId('template-rename-input'));
    await userEvent.type(screen.getByTestId('template-rename-input'), 'x..y');
    await userEvent.click(screen.getByTestId('template-rename-save'));
    expect(await screen.findByTestId('templates-error')).toHaveTextContent('would leave the templates folder');

    await userEvent.click(screen.getByTestId('templates-close'));
    const values = Array.from((screen.getByTestId('template-select') as HTMLSelectElement).options).map((o) => o.value);
    expect(values).toContain('gamma');
    expect(values).not.toContain('alpha');
    expect(values).not.toContain('beta');
  });
});

describe('New run: files and earlier runs', () => {
  it('imports through the open dialog, and asks first when there are edits', async () => {
    const imported = { path: '/home/me/usnet.ini', text: USER_TEMPLATE };
    render();
    backend.answerNext('importConfig', () => imported);
    backend.answerNext('importConfig', () => ({ path: '/home/me/other.ini', text: fakeTemplateText('minimal') }));
    await ready();
    await userEvent.click(screen.getByTestId('import-config'));
    await waitFor(() => expect(screen.getByTestId('form-cores')).toHaveValue('7'));
    expect(screen.getByTestId('config-notice')).toHaveTextContent('Imported /home/me/usnet.ini');
    expect(screen.getByTestId('config-origin')).toHaveTextContent('/home/me/usnet.ini');
    expect(backend.callsOf('importConfig')).toHaveLength(1);

    // Now the text differs from the template: a second import asks.
    await userEvent.click(screen.getByTestId('import-config'));
    expect(await screen.findByTestId('confirm-modal')).toHaveTextContent('/home/me/other.ini');
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('form-cores')).toHaveValue('3'));

    // Cancelling the dialog changes nothing.
    await userEvent.click(screen.getByTestId('import-config'));
    await waitFor(() => expect(backend.callsOf('importConfig')).toHaveLength(3));
    expect(screen.getByTestId('form-cores')).toHaveValue('3');
  });

  it('exports the edited text through the save dialog', async () => {
    render();
    await ready();
    setField('form-max-iters', '5');
    await userEvent.type(screen.getByTestId('run-name'), 'my sweep');
    await userEvent.click(screen.getByTestId('export-config'));
    expect(await screen.findByTestId('config-notice')).toHaveTextContent('Exported to /home/researcher/my_sweep.ini');
    expect(backend.callsOf('exportConfig')).toEqual([[fakeTemplateText('quick').replace('max_iters = 3', 'max_iters = 5'), 'my_sweep.ini']]);

    backend.failNext('exportConfig', { code: 'internal', message: 'cannot write /readonly/x.ini' });
    await userEvent.click(screen.getByTestId('export-config'));
    expect(await screen.findByTestId('config-action-error')).toHaveTextContent('cannot write /readonly/x.ini');
  });

  it('preloads an earlier run’s frozen config with #/new?from=<id>', async () => {
    const run = makeRun({ id: '0123456789ab', name: 'old sweep', template: 'default', overrides: ['general_settings.max_iters=9'], status: 'COMPLETED' });
    const frozen = fakeTemplateText('default').replace('max_iters = 4', 'max_iters = 9');
    render({ from: run.id, backend: new MemoryBackend({ runs: [run], runData: { [run.id]: { config: frozen } } }) });
    await ready();
    expect(screen.getByTestId('form-max-iters')).toHaveValue('9');
    expect(screen.getByTestId('template-select')).toHaveValue('default');
    expect(screen.getByTestId('config-origin')).toHaveTextContent('old sweep');
    await userEvent.click(screen.getByTestId('create-run'));
    await waitFor(() => expect(backend.callsOf('createRun')).toHaveLength(1));
    const request = backend.callsOf('createRun')[0][0] as { config_text: string; template: string };
    expect(request.template).toBe('default');
    expect(request.config_text).toContain('max_iters = 9');
  });
});

describe('New run: text utilities', () => {
  it('reads the from parameter', () => {
    expect(fromParam('#/new?from=0123456789ab')).toBe('0123456789ab');
    expect(fromParam('#/new')).toBeNull();
  });

  it('applies overrides with lib/ini', () => {
    const text = '[a]\n# c\nx = 1\n';
    expect(applyOverrideLines(text, parseOverrides('a.x = 2\nb.y=3'))).toBe('[a]\n# c\nx = 2\n\n[b]\ny = 3\n');
  });

  it('finds the key on a line', () => {
    const text = '[general_settings]\n# c\nmax_iters = 2\n[rl_settings]\n';
    expect(keyAtLine(text, 3)).toEqual({ section: 'general_settings', key: 'max_iters' });
    expect(keyAtLine(text, 2)).toEqual({ section: 'general_settings', key: null });
    expect(keyAtLine(text, 4)).toEqual({ section: 'rl_settings', key: null });
  });

  it('words the estimate', () => {
    expect(formatEstimate(4.2)).toBe('about 4 s');
    expect(formatEstimate(600)).toBe('about 10 min');
    expect(formatEstimate(3 * 3600)).toBe('about 3 h');
    expect(formatEstimate(0.2)).toBe('about 0.2 s');
  });
});
