// What the real window says about how runs went, on runs of the embedded
// engine: a run cancelled mid-way (its progress, results and comparison
// pages), a run in FUSION's RL training mode (its own `default` template),
// and a run whose form edits the overview lists against its template.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key, Select } from 'selenium-webdriver';
import { launch } from '../lib/app.mjs';

let app;
before(async () => { app = await launch(); });
after(async () => { await app?.stop(); });

async function openNewRun(template) {
  await app.click('nav-new');
  await app.el('page-new');
  const select = new Select(await app.el('template-select'));
  await app.browser.wait(async () => (await select.getOptions()).length > 1, 10_000, 'templates never loaded');
  await select.selectByValue(template);
  // A template switch with edits asks first; a fresh page has none.
  await app.browser.wait(async () => (await app.el('template-select').then((e) => e.getAttribute('value'))) === template, 10_000);
}

/** Replaces a form field's text as a person does: select all, type over it. */
async function retype(testId, text) {
  const el = await app.el(testId);
  await el.click();
  const old = (await el.getAttribute('value')) ?? '';
  await el.sendKeys(Key.END, ...Array(old.length).fill(Key.BACK_SPACE), text);
  await app.browser.wait(async () => (await el.getAttribute('value')) === text, 5_000, `${testId} never read ${text}`);
}

async function created() {
  await app.el('page-run-detail');
  const id = (await app.text('detail-id')).trim();
  assert.match(id, /^[0-9a-f]{12}$/);
  return id;
}

/** The text content of the first match, spaces normalised (WebKitWebDriver's
 * rendered text leaves out a bar's label that a screenshot shows). */
async function textOf(css) {
  try {
    const text = await app.browser.executeScript(
      'const el = document.querySelector(arguments[0]); return el ? el.textContent : null;',
      css,
    );
    return text === null ? null : text.replace(/\s+/g, ' ').trim();
  } catch {
    return null; // re-rendered under us
  }
}

async function waitForCss(css, predicate, timeoutMs, message) {
  let last = null;
  await app.browser.wait(async () => {
    last = await textOf(css);
    return last !== null && predicate(last);
  }, timeoutMs, `${message} (last: ${JSON.stringify(last)})`);
  return last;
}

test('a run cancelled mid-way says where it stopped on its progress, results and comparison pages', async () => {
  await app.el('page-runs');
  await openNewRun('quick');
  await app.type('run-name', 'e2e cancelled mid-way');
  // Four loads light enough that nothing blocks: FUSION's confidence rule
  // never stops such a load, so only the cancel can end it early.
  await app.type(
    'overrides-text',
    'general_settings.erlang_start = 20\ngeneral_settings.erlang_stop = 80\ngeneral_settings.erlang_step = 20\ngeneral_settings.num_requests = 8000\ngeneral_settings.max_iters = 40',
  );
  await app.createRun();
  const id = await created();

  // Cancel once the run is well under way. Meanwhile the header, read as a
  // person would, must not flip back between parallel loads.
  const header = '[data-testid="detail-progress"] [data-testid="progress-percent"]';
  const labels = [];
  let seen = null;
  const deadline = Date.now() + 120_000;
  while (!(parseInt(seen ?? '0', 10) >= 15)) {
    assert.ok(Date.now() < deadline, `the run never got going (last: ${seen})`);
    seen = await textOf(header);
    const label = await textOf('[data-testid="detail-progress"] .progress-label');
    if (label) labels.push(label);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(parseInt(seen, 10) < 90, `the run was nearly over before the cancel: ${seen}`);
  const loadNumbers = labels.map((l) => /^Load (\d) of 4/.exec(l)?.[1]).filter(Boolean).map(Number);
  for (let i = 1; i < loadNumbers.length; i++) {
    assert.ok(loadNumbers[i] >= loadNumbers[i - 1], `the header went back to an earlier load: ${labels.join(' | ')}`);
  }
  await app.click('cancel-run');
  await app.click('confirm-ok');
  await app.waitForText('detail-status', 'CANCELLED', 60_000);

  // The overview: where it stopped, and the signal in words.
  await app.screenshot('run-outcome-cancelled-ended');
  const stopped = await waitForCss('[data-testid="detail-progress"]', (t) => t.includes('Stopped at'), 20_000, 'no stopped-at words');
  assert.match(stopped, /Stopped at \d+ % — \d of 4 loads, \d+ of 160 iterations/);
  assert.ok(!stopped.includes('100 %'), stopped);
  assert.match(await app.text('detail-exit'), /stopped by SIGTERM after cancel/);
  await app.screenshot('run-outcome-cancelled-overview');

  // Progress: not "Complete"; the loads cut off are badged interrupted.
  await app.click('tab-progress');
  const overall = await waitForCss('[data-testid="progress-overall"]', (t) => t.includes('Stopped at'), 20_000, 'progress never said stopped');
  assert.ok(!overall.includes('Complete'), overall);
  const badges = await Promise.all((await app.browser.findElements(By.css('[data-testid^="load-state-"]'))).map((e) => e.getText()));
  assert.ok(badges.includes('interrupted'), `badges: ${badges.join(', ')}`);
  assert.ok(!badges.includes('early stop'), `a cut-off load is no early stop: ${badges.join(', ')}`);
  assert.ok((await app.browser.findElements(By.xpath("//dt[text()='Elapsed (wall clock)']"))).length === 1);
  await app.screenshot('run-outcome-cancelled-progress');

  // Results: the loads cut short are flagged partial.
  await app.click('tab-results');
  await waitForCss('[data-testid="results-partial"]', (t) => t.includes('cut short'), 20_000, 'no partial-results note');
  assert.ok((await app.browser.findElements(By.css('[data-testid^="result-partial-"]'))).length >= 1);
  await app.screenshot('run-outcome-cancelled-results');

  // Comparison: the run's partial points are flagged too.
  await app.browser.executeScript(`window.location.hash = '#/compare?runs=${id}'`);
  await app.el('page-compare');
  await waitForCss(`[data-testid="compare-partial-${id}"]`, (t) => /\d partial/.test(t), 20_000, 'no partial mark in the comparison');
  await app.screenshot('run-outcome-cancelled-compare');
});

test("FUSION's default template is told as RL training mode and confirmed before it runs", async () => {
  await openNewRun('default');
  const warning = await waitForCss('[data-testid="training-warning"]', (t) => t.includes('no blocking statistics'), 20_000, 'no training warning');
  assert.match(warning, /is_training = True/);
  const mode = await (await app.el('form-is-training')).getAttribute('value');
  assert.equal(mode, 'True');
  await app.screenshot('run-outcome-training-new');
  await app.createRun(); // confirms the training-mode question
  await created();
  await app.waitForText('detail-status', 'COMPLETED', 120_000);
  await app.click('tab-results');
  await waitForCss('[data-testid="results-training"]', (t) => t.includes('RL training mode'), 20_000, 'no training note on the results');
  await app.screenshot('run-outcome-training-results');
});

test("the overview lists the form's edits against the template", async () => {
  await openNewRun('quick');
  await retype('form-k-paths', '1');
  await retype('form-erlang-stop', '400');
  await app.createRun();
  await created();
  const table = await waitForCss('[data-testid="template-diff-table"]', (t) => t.includes('k_paths'), 20_000, 'no template diff');
  assert.match(await textOf('[data-testid="template-diff-routing_settings.k_paths"]'), /routing_settings\.k_paths\s*3\s*→\s*1$/);
  assert.match(await textOf('[data-testid="template-diff-general_settings.erlang_stop"]'), /general_settings\.erlang_stop\s*500\s*→\s*400$/);
  assert.equal((table.match(/→/g) ?? []).length, 2, table);
  await app.screenshot('run-outcome-form-diff');
});
