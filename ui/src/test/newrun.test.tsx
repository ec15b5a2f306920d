import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../api/memory';
import { fakeTemplateText } from '../api/fakeDesk';
import { NewRunPage } from '../pages/NewRunPage';
import { renderWith } from './render';

let backend: MemoryBackend;
afterEach(() => backend?.dispose());

function setup() {
  backend = new MemoryBackend({});
  renderWith(backend, <NewRunPage />);
  return backend;
}

/** The template's text is loaded and checked: Create can be pressed. */
async function ready(template = 'quick') {
  await waitFor(() => expect(screen.getByTestId('template-select')).toHaveValue(template));
  await waitFor(() => expect(screen.getByTestId('create-run')).toBeEnabled());
}

async function typeOverrides(text: string) {
  const area = screen.getByTestId('overrides-text');
  await userEvent.clear(area);
  // user-event treats { and [ as key descriptors; none appear in these texts.
  await userEvent.type(area, text);
}

describe('New run page', () => {
  it('offers the templates with their descriptions', async () => {
    setup();
    const select = (await screen.findByTestId('template-select')) as HTMLSelectElement;
    await waitFor(() => expect(select).toHaveValue('quick'));
    const values = Array.from(select.options).map((o) => o.value);
    expect(values).toEqual(['quick', 'default', 'minimal', 'cross_platform', 'survivability_experiment', 'xtar_example_config']);
    expect(screen.getByTestId('template-description')).toHaveTextContent('3 × 1000 requests');
    await userEvent.selectOptions(select, 'default');
    expect(screen.getByTestId('template-description')).toHaveTextContent("FUSION's default sweep");
  });

  it('parses overrides as they are typed and flags bad lines', async () => {
    setup();
    await ready();
    await typeOverrides('# a comment\n\ngeneral_settings.max_iters = 5\nnovalue\nnosection=1\ntopology_settings.network=USNet');

    const bad = screen.getAllByTestId('override-invalid');
    expect(bad).toHaveLength(2);
    expect(bad[0]).toHaveTextContent('novalue');
    expect(bad[0]).toHaveTextContent('expected section.key=value');
    expect(bad[1]).toHaveTextContent('nosection=1');
    expect(bad[1]).toHaveTextContent('the name must be section.key');
    expect(screen.getByTestId('overrides-preview')).toHaveTextContent('2 overrides');
    expect(screen.getByTestId('overrides-text')).toHaveAttribute('aria-invalid', 'true');

    // Submitting is refused here, before the backend is asked.
    await userEvent.click(screen.getByTestId('create-run'));
    expect(screen.getByTestId('create-error')).toHaveTextContent('line 4: invalid override "novalue"');
    expect(backend.callsOf('createRun')).toHaveLength(0);
  });

  it('creates the run from the config text and opens it', async () => {
    setup();
    await ready();
    await userEvent.selectOptions(screen.getByTestId('template-select'), 'default');
    await ready('default');
    await userEvent.type(screen.getByTestId('run-name'), '  USNet sweep  ');
    await typeOverrides('general_settings.max_iters = 5\n# skip me\n  topology_settings.network=USNet  ');
    await userEvent.click(screen.getByTestId('create-run'));

    await waitFor(() => expect(backend.callsOf('createRun')).toHaveLength(1));
    expect(backend.callsOf('createRun')[0]).toEqual([
      {
        template: 'default',
        name: 'USNet sweep',
        overrides: ['general_settings.max_iters=5', 'topology_settings.network=USNet'],
        config_text: fakeTemplateText('default'),
      },
    ]);
    const page = await backend.listRuns({});
    expect(page.runs[0].name).toBe('USNet sweep');
    await waitFor(() => expect(window.location.hash).toBe(`#/runs/${page.runs[0].id}`));
  });

  it('leaves the name out when none is given', async () => {
    setup();
    await ready();
    await userEvent.click(screen.getByTestId('create-run'));
    await waitFor(() =>
      expect(backend.callsOf('createRun')).toEqual([[{ template: 'quick', overrides: [], config_text: fakeTemplateText('quick') }]]),
    );
  });

  it('shows backend errors inline', async () => {
    setup();
    await ready();
    backend.failNext('createRun', { code: 'simulator_unavailable', message: 'the simulator fusion-sim was not found' });
    await userEvent.click(screen.getByTestId('create-run'));

    const error = await screen.findByTestId('create-error');
    expect(error).toHaveTextContent('the simulator fusion-sim was not found');
    expect(error).toHaveAttribute('data-code', 'simulator_unavailable');
    expect(window.location.hash).toBe('');
    expect(screen.getByTestId('create-run')).toBeEnabled();
  });
});
