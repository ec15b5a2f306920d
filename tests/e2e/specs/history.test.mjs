// The researcher's history in the real window: two runs at different loads,
// tagged and annotated on their pages, found by tag and by note, selected in
// the list and compared; keyboard help; clean-up preview.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key, Select } from 'selenium-webdriver';
import { launch } from '../lib/app.mjs';

let app;
before(async () => { app = await launch(); });
after(async () => { await app?.stop(); });

async function createRun(name, overrides) {
  await app.click('nav-new');
  await app.el('page-new');
  const select = new Select(await app.el('template-select'));
  await app.browser.wait(async () => (await select.getOptions()).length > 1, 10_000, 'templates never loaded');
  await select.selectByValue('quick');
  await app.type('run-name', name);
  await app.type('overrides-text', overrides);
  await app.createRun();
  await app.el('page-run-detail');
  const id = (await app.text('detail-id')).trim();
  await app.waitForText('detail-status', 'COMPLETED', 90_000);
  return id;
}

let low;
let high;

test('runs are tagged, annotated and renamed on their page', async () => {
  await app.el('page-runs');
  low = await createRun('e2e low load', 'general_settings.erlang_start = 600\ngeneral_settings.erlang_stop = 1000\ngeneral_settings.erlang_step = 200');
  await app.type('tag-input', 'Paper');
  await (await app.el('tag-input')).sendKeys(Key.ENTER);
  await app.el('tag-paper');
  await app.click('edit-note');
  await app.type('note-input', 'Blocking **rises** fast');
  await app.click('note-save');
  await app.el('note-view');
  assert.equal((await (await app.el('note-view')).findElement(By.css('strong')).getText()), 'rises');
  await app.screenshot('e2e-history-annotations');

  high = await createRun('e2e high load', 'general_settings.erlang_start = 800\ngeneral_settings.erlang_stop = 1400\ngeneral_settings.erlang_step = 200');
  await app.click('rename-run');
  await app.type('rename-input', 'e2e high load renamed');
  await app.click('rename-save');
  await app.waitForText('run-name', 'e2e high load renamed');
  // The folder's size is measured when the run ends.
  assert.match(await app.text('run-disk-use'), /\d+(\.\d)? (B|KiB|MiB)/);
});

test('the list filters by tag and finds a note', async () => {
  await app.click('nav-runs');
  await app.el(`run-row-${high}`);
  const tag = new Select(await app.el('filter-tag'));
  await app.browser.wait(async () => (await tag.getOptions()).length > 1, 10_000, 'tags never loaded');
  await tag.selectByValue('paper');
  await app.waitGone(`run-row-${high}`);
  await app.el(`run-row-${low}`);
  await app.click('filters-clear');
  // The note's text, markup aside.
  await app.type('runs-search', 'rises');
  await app.waitGone(`run-row-${high}`);
  await app.el(`run-row-${low}`);
  await app.click('filters-clear');
  await app.el(`run-row-${high}`);
});

test('selected runs are compared in one chart with their differences', async () => {
  await app.click(`select-${low}`);
  await app.click(`select-${high}`);
  assert.equal(await app.text('bulk-count'), '2 selected');
  await app.screenshot('e2e-history-selection');
  await app.click('bulk-compare');
  await app.el('page-compare');
  const diff = await app.text('compare-diff');
  assert.match(diff, /general_settings\.erlang_start/);
  const labels = [await app.text('compare-label-0'), await app.text('compare-label-1')];
  assert.ok(labels.some((l) => l.includes('erlang_start=600')), labels.join(' | '));
  await app.el('chart-vs-load');
  await app.browser.wait(async () => (await app.browser.findElements(By.css('[data-testid="chart-vs-load"] canvas'))).length > 0, 10_000);
  await app.screenshot('e2e-history-compare');
  await app.click('theme-toggle');
  await app.screenshot('e2e-history-compare-dark');
  await app.click('theme-toggle');
});

test('the keyboard help opens with ? and the clean-up previews', async () => {
  await app.click('nav-runs');
  await app.el('page-runs');
  await app.browser.findElement(By.css('body')).sendKeys('?');
  await app.el('shortcuts-help');
  await app.browser.findElement(By.css('body')).sendKeys(Key.ESCAPE);
  await app.waitGone('shortcuts-help');
  await app.click('open-cleanup');
  await app.waitForText('cleanup-preview', 'No finished runs are that old.');
  await app.type('cleanup-days', '0');
  await app.browser.wait(async () => /2 runs \(.+\) will be deleted/.test(await app.text('cleanup-preview')), 10_000, 'no preview for 0 days');
  await app.screenshot('e2e-history-cleanup');
  await app.click('cleanup-close');
  await app.screenshot('e2e-history-list');
});
