// The new-run page's traps, closed: FUSION's RL training mode said and
// confirmed, "vary" on each field with the varied key marked, every INI
// problem listed at once, and edits not lost by leaving the page.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import { IniEditor, type IniDiagnostic } from '../components/IniEditor';
import { useRoute } from '../lib/router';
import { NewRunPage } from '../pages/NewRunPage';
import { renderWith } from './render';

let backend: MemoryBackend;
afterEach(() => {
  backend?.dispose();
  window.location.hash = '';
});

function setup() {
  backend = new MemoryBackend({});
  renderWith(backend, <NewRunPage />);
}

async function ready() {
  await waitFor(() => expect(screen.getByTestId('template-select')).toHaveValue('quick'));
  await waitFor(() => expect(screen.getByTestId('create-run')).toBeEnabled());
}

describe('RL training mode', () => {
  it('is named as such in the form, warned about and confirmed before the run is created', async () => {
    setup();
    await ready();
    const mode = screen.getByTestId('form-is-training') as HTMLSelectElement;
    expect(Array.from(mode.options).map((o) => o.textContent)).toEqual([
      'Evaluation (blocking statistics)',
      'RL training (no blocking statistics)',
    ]);
    expect(screen.queryByTestId('training-warning')).not.toBeInTheDocument();

    await userEvent.selectOptions(mode, 'True');
    expect(await screen.findByTestId('training-warning')).toHaveTextContent('reports no blocking statistics');
    await waitFor(() => expect(screen.getByTestId('create-run')).toBeEnabled());
    await userEvent.click(screen.getByTestId('create-run'));
    const modal = await screen.findByTestId('confirm-modal');
    expect(modal).toHaveTextContent('RL training mode');
    expect(backend.callsOf('createRun')).toHaveLength(0);

    // "Keep editing" creates nothing; confirming creates the run.
    await userEvent.click(within(modal).getByTestId('confirm-dismiss'));
    expect(backend.callsOf('createRun')).toHaveLength(0);
    await userEvent.click(screen.getByTestId('create-run'));
    await userEvent.click(within(await screen.findByTestId('confirm-modal')).getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.callsOf('createRun')).toHaveLength(1));
  });
});

describe('Vary', () => {
  it('is offered on a field, adds its key to the sweep and marks the field instead of its stale value', async () => {
    setup();
    await ready();
    expect(screen.getByTestId('form-k-paths')).toHaveValue('3');
    await userEvent.click(screen.getByTestId('form-k-paths-vary'));
    // The field no longer shows 3 as if the run used it.
    expect(screen.queryByTestId('form-k-paths')).not.toBeInTheDocument();
    expect(screen.getByTestId('form-k-paths-varied')).toHaveTextContent('varied: 3');
    expect(screen.queryByTestId('form-k-paths-vary')).not.toBeInTheDocument();
  });

  it('marks a field varied by its bare key', async () => {
    setup();
    await ready();
    await userEvent.click(screen.getByTestId('sweep-add-axis'));
    await userEvent.type(screen.getByTestId('sweep-axis-key'), 'k_paths');
    await userEvent.type(screen.getByTestId('sweep-axis-values'), '1,3');
    expect(await screen.findByTestId('form-k-paths-varied')).toHaveTextContent('varied: 1,3');
    // The memory backend completes the key as the core does.
    await waitFor(() => expect(backend.callsOf('previewSweep').length).toBeGreaterThan(0));
    await waitFor(() => expect(screen.queryByTestId('sweep-error')).not.toBeInTheDocument());
  });
});

describe('the INI editor', () => {
  it('lists every problem at once, errors first, each with its line', () => {
    const text = '[general_settings]\nmax_iters = x\nerlang_stop = 1e9\nk_paths = 2\n';
    const diagnostics: IniDiagnostic[] = [
      { line: 4, message: 'general_settings.k_paths: not a key of [general_settings] (did you mean routing_settings.k_paths?)', severity: 'warning' },
      { line: 2, message: 'general_settings.max_iters: expected an integer', severity: 'error' },
      { line: 3, message: 'general_settings.erlang_stop: gives more than 10000 loads', severity: 'error' },
    ];
    render(<IniEditor value={text} onChange={() => undefined} diagnostics={diagnostics} />);
    const items = within(screen.getByTestId('ini-editor-problems')).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'line 2 general_settings.max_iters: expected an integer',
      'line 3 general_settings.erlang_stop: gives more than 10000 loads',
      'line 4 general_settings.k_paths: not a key of [general_settings] (did you mean routing_settings.k_paths?)',
    ]);
  });
});

function Routed() {
  const route = useRoute();
  return (
    <>
      <span data-testid="route">{route.page}</span>
      {route.page === 'new' && <NewRunPage />}
    </>
  );
}

const hashChange = (hash: string) =>
  act(async () => {
    window.location.hash = hash;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await new Promise((r) => setTimeout(r, 0));
  });

describe('unsaved edits', () => {
  it('ask before a navigation discards them, and stay when the user keeps editing', async () => {
    window.location.hash = '#/new';
    backend = new MemoryBackend({});
    renderWith(backend, <Routed />);
    await ready();

    // Without edits, leaving is free.
    await hashChange('#/settings');
    expect(screen.getByTestId('route')).toHaveTextContent('settings');
    await hashChange('#/new');
    await ready();

    await userEvent.clear(screen.getByTestId('form-k-paths'));
    await userEvent.type(screen.getByTestId('form-k-paths'), '5');
    await hashChange('#/runs');
    const modal = await screen.findByTestId('confirm-modal');
    expect(modal).toHaveTextContent('Leave without creating the run?');
    expect(screen.getByTestId('route')).toHaveTextContent('new');
    expect(window.location.hash).toBe('#/new');

    await userEvent.click(within(modal).getByTestId('confirm-dismiss'));
    expect(screen.getByTestId('form-k-paths')).toHaveValue('5');

    await hashChange('#/runs');
    await userEvent.click(within(await screen.findByTestId('confirm-modal')).getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('route')).toHaveTextContent('runs'));
    expect(window.location.hash).toBe('#/runs');
  });
});
