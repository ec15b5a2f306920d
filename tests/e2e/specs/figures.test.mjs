// A sweep's figure in the real window: a k_paths sweep of FUSION Desk's
// `quick` template made by the embedded simulator (zero blocking at the low
// load), its plot against the varied key on the sweep page, and the figure
// saved as PDF through the native save dialog; the file is checked to be a
// PDF with the bundled font embedded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { By } from 'selenium-webdriver';
import { answerSaveDialog, fdesk as fdeskAt, launch } from '../lib/app.mjs';

let app;
let home;
let sweepId;
const fdesk = (...args) => fdeskAt(home, ...args);
let runs;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'fusion-desk-e2e-figures-'));
  const sweep = JSON.parse(
    fdesk(
      'sweep', 'create', '--template', 'quick', '--name', 'e2e figure',
      '--vary', 'routing_settings.k_paths=1,2,3',
      '--set', 'general_settings.erlang_start=100',
      '--set', 'general_settings.erlang_stop=900',
      '--set', 'general_settings.erlang_step=400',
      '--set', 'general_settings.num_requests=1000',
    ),
  );
  sweepId = sweep.sweep.id;
  runs = sweep.runs.map((r) => ({ id: r.id, name: r.name }));
  for (const r of runs) fdesk('wait', r.id);
  app = await launch({ FUSION_DESK_HOME: home });
});

after(async () => {
  await app?.stop();
});

/** The natural size of a loaded <img>, 0×0 until it decodes. */
async function imageSize(el) {
  return app.browser.executeScript('return [arguments[0].naturalWidth, arguments[0].naturalHeight, arguments[0].complete];', el);
}

test("the sweep page plots mean blocking against the varied key and every run's curve", async () => {
  await app.browser.executeScript(`window.location.hash = '#/sweeps/${sweepId}'`);
  await app.el('page-sweep');
  const img = await app.el('sweep-plot-image');
  await app.browser.wait(async () => (await imageSize(img))[0] > 0, 20_000, 'the sweep plot never decoded');
  const src = decodeURIComponent((await img.getAttribute('src')).split(',')[1]);
  assert.match(src, /^<svg/);
  assert.match(src, />k_paths</, 'the x axis names the varied key');
  assert.doesNotMatch(src, /NaN|Infinity/);
  for (const k of ['1', '2', '3']) assert.match(src, new RegExp(`>${k}</text>`), `no tick for k_paths=${k}`);
  await app.browser.wait(
    async () => (await app.browser.findElements(By.css('[data-testid="sweep-multiples"] img'))).length === runs.length,
    20_000,
    'not every run has its small multiple',
  );
  await app.browser.executeScript("document.querySelector('[data-testid=\"sweep-plot\"]').scrollIntoView({ block: 'start', behavior: 'instant' })");
  await new Promise((r) => setTimeout(r, 500));
  await app.screenshot('e2e-figures-sweep-plot');
});

test('the figure dialog previews the core-drawn figure and saves it as a PDF with its font embedded', async () => {
  await app.click('sweep-plot-figure');
  await app.el('figure-dialog');
  const preview = await app.el('figure-preview-image');
  await app.browser.wait(async () => (await imageSize(preview))[0] > 0, 20_000, 'the preview never decoded');
  // The dialog fades in, and WebKitWebDriver's getText leaves out text that
  // is not yet visible: read the node's text once the name has arrived.
  let name = '';
  await app.browser.wait(async () => {
    name = await app.browser.executeScript(
      "return document.querySelector('[data-testid=\"figure-file-name\"]')?.textContent ?? ''",
    );
    return name.length > 0;
  }, 20_000, 'the dialog never proposed a file name');
  assert.match(name, /^e2e_figure.*k_paths.*\.pdf$/, name);
  await app.screenshot('e2e-figures-dialog');

  const pdf = join(home, 'sweep-figure.pdf');
  await app.click('figure-save');
  await answerSaveDialog('Save the figure', pdf);
  await app.waitForText('figure-saved', `Saved to ${pdf}`);
  assert.ok(existsSync(pdf));
  const bytes = readFileSync(pdf);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const text = bytes.toString('latin1');
  assert.match(text, /DejaVu/, 'the bundled font is named in the PDF');
  assert.match(text, /\/FontFile2/, 'the font is embedded');
  console.log(`# figure PDF: ${bytes.length} bytes, ${pdf}`);
});
