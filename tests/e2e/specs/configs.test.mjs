// Configuring a run in the real window: keys edited in the form reach the
// run's frozen config.ini, and a config with errors cannot be started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key, Select } from 'selenium-webdriver';
import { launch } from '../lib/app.mjs';

let app;
before(async () => { app = await launch(); });
after(async () => { await app?.stop(); });

/** Replaces the value of a text field as a user would: erase, type. */
async function setField(testId, value) {
  const el = await app.el(testId);
  await el.click();
  const old = (await el.getAttribute('value')) ?? '';
  await el.sendKeys(Key.END, ...Array(old.length).fill(Key.BACK_SPACE), value);
  await app.browser.wait(async () => (await el.getAttribute('value')) === value, 5_000, `${testId} never showed ${value}`).catch(async (e) => {
    throw new Error(`${e.message}; it shows ${JSON.stringify(await el.getAttribute('value'))}`);
  });
}

async function waitForMatch(testId, re, timeoutMs = 15_000) {
  let last = '';
  await app.browser.wait(async () => {
    try {
      const els = await app.browser.findElements(By.css(`[data-testid="${testId}"]`));
      last = els.length ? await els[0].getText() : '';
      return re.test(last);
    } catch {
      return false;
    }
  }, timeoutMs, `${testId} never matched ${re}`).catch((e) => {
    throw new Error(`${e.message}; last text: ${JSON.stringify(last)}`);
  });
  return last;
}

async function openNewRun() {
  await app.click('nav-new');
  await app.el('page-new');
  const select = new Select(await app.el('template-select'));
  await app.browser.wait(async () => (await select.getOptions()).length > 1, 10_000, 'templates never loaded');
  await app.el('form-max-iters');
  return select;
}

test('a key edited in the form is in the run’s frozen config', async () => {
  await app.el('page-runs');
  const select = await openNewRun();
  await select.selectByValue('quick');
  await app.type('run-name', 'e2e form edit');
  await setField('form-max-iters', '2');
  await setField('form-erlang-stop', '400');
  const summary = await waitForMatch('run-summary', /2 loads × 2 iterations × 1000 requests · about [\d.]+ s on the embedded engine/);
  assert.match(summary, /NSFNet/);
  await app.screenshot('e2e-newrun-form');

  // The text view shows the same edits, comments kept.
  await app.click('mode-editor');
  const editor = await app.el('ini-editor');
  await app.browser.wait(async () => /max_iters = 2/.test(await editor.getText()), 10_000, 'the editor never showed the edit');
  const text = await editor.getText();
  assert.match(text, /erlang_stop = 400/);
  assert.match(text, /# max_iters: Number of iterations per Erlang load point/);
  await app.screenshot('e2e-newrun-editor');

  await app.click('create-run');
  await app.el('page-run-detail');
  const config = await waitForMatch('detail-config', /max_iters = 2/);
  assert.match(config, /erlang_stop = 400/);
  await app.waitForText('detail-status', 'COMPLETED', 60_000);
});

test('an invalid value disables Create and says why', async () => {
  const select = await openNewRun();
  await select.selectByValue('quick');
  await setField('form-erlang-stop', '100');
  const errors = await waitForMatch('config-errors', /erlang_stop \(100\) is below erlang_start \(300\)/);
  assert.match(errors, /general_settings\.erlang_stop/);
  const create = await app.el('create-run');
  await app.browser.wait(async () => !(await create.isEnabled()), 5_000, 'create-run stayed enabled');
  assert.equal(await (await app.el('form-erlang-stop')).getAttribute('aria-invalid'), 'true');
  await app.screenshot('e2e-newrun-invalid');

  // The editor marks the line too.
  await app.click('mode-editor');
  await waitForMatch('ini-editor-status', /1 error/);
  await app.screenshot('e2e-newrun-invalid-editor');

  // Fixing it enables Create again.
  await app.click('mode-form');
  await setField('form-erlang-stop', '500');
  await app.waitGone('config-errors');
  await app.browser.wait(async () => create.isEnabled(), 5_000, 'create-run stayed disabled');
});

test('switching templates with edits asks first', async () => {
  const select = await openNewRun();
  await select.selectByValue('quick');
  await setField('form-max-iters', '7');
  await select.selectByValue('minimal');
  await app.el('confirm-modal');
  await app.screenshot('e2e-newrun-switch-confirm');
  await app.click('confirm-dismiss');
  assert.equal(await (await app.el('form-max-iters')).getAttribute('value'), '7');
  assert.equal(await (await app.el('template-select')).getAttribute('value'), 'quick');

  // Leaving by the sidebar with those edits asks too; keeping them stays.
  await app.click('nav-runs');
  const ask = await app.el('confirm-modal');
  // Its text content: the rendered text is empty while the dialog fades in.
  assert.match(await app.browser.executeScript('return arguments[0].textContent', ask), /Leave without creating the run\?/);
  await app.click('confirm-dismiss');
  await app.el('page-new');
  assert.equal(await (await app.el('form-max-iters')).getAttribute('value'), '7');
  await app.click('nav-runs');
  await app.el('confirm-modal');
  await app.click('confirm-ok');
  await app.el('page-runs');
});

test('the topology page and the settings page in both themes', async () => {
  await app.click('nav-topology');
  await app.el('page-topology');
  await waitForMatch('topology-counts', /14 nodes/);
  // An SVG group: WebDriver cannot click it directly.
  await app.browser.executeScript("arguments[0].dispatchEvent(new MouseEvent('click', { bubbles: true }))", await app.el('topology-node-0'));
  await waitForMatch('topology-node-panel', /Node 0/);
  await app.screenshot('e2e-topology-light');
  // The densest bundled network (39 nodes, 121 links), for a look at its layout.
  await (await (await app.el('topology-network')).findElement(By.css('option[value="geant"]'))).click();
  await waitForMatch('topology-counts', /39 nodes/);
  await app.el('topology-node-38');
  await app.screenshot('e2e-topology-geant');

  await app.click('nav-settings');
  await app.el('page-settings');
  await app.click('simulator-check');
  const result = await waitForMatch('simulator-check-result', /Found|Not usable/);
  await app.screenshot('e2e-settings-light');
  // The bundled fusion-sim answers; which kind it is recognised as depends on
  // whether the binary knows --version (older builds only answer run_sim --help).
  assert.match(result, /✓ Found: (Embedded engine|FUSION \(Python\))/, result);
  assert.match(result, /fusion-sim/, result);

  await app.click('theme-toggle');
  await app.browser.sleep(400); // let the colour transitions finish
  await app.screenshot('e2e-settings-dark');
  await app.click('nav-topology');
  await waitForMatch('topology-counts', /14 nodes/);
  await app.screenshot('e2e-topology-dark');
  await openNewRun();
  await setField('form-erlang-stop', '100');
  await waitForMatch('config-errors', /below erlang_start/);
  await app.screenshot('e2e-newrun-dark');
  await app.click('mode-editor');
  await waitForMatch('ini-editor-status', /1 error/);
  await app.screenshot('e2e-newrun-editor-dark');
  await app.click('theme-toggle');
});
