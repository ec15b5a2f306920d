// Charts on realistic data in the real window: a k_paths sweep of FUSION
// Desk's `quick` template over loads 100..1300 (zero blocking at the low
// loads, confidence intervals reaching below zero), made by the embedded
// simulator, compared in log and linear scale, then one run's Results plot
// in log scale. The web view's memory is read from /proc all along: a log
// axis starting at 0 once made it grow by gigabytes in seconds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { By } from 'selenium-webdriver';
import { answerSaveDialog, appPath, fdesk as fdeskAt, launch, shotsDir } from '../lib/app.mjs';

const LIMIT_KIB = 1024 * 1024; // 1 GiB

let app;
let home;
const fdesk = (...args) => fdeskAt(home, ...args);
let runs; // [{ id, name }] in k_paths order

function procStatus(pid) {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null; // gone
  }
}

const statusField = (status, name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);

/** The WebKit web processes of the app started on `home`: children (at any depth) of the fusion-desk process. */
function webProcesses() {
  const exe = realpathSync(appPath());
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const parent = new Map();
  const name = new Map();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces, so split after its closing parenthesis.
      const close = stat.lastIndexOf(')');
      name.set(pid, stat.slice(stat.indexOf('(') + 1, close));
      parent.set(pid, stat.slice(close + 2).split(' ')[1]);
    } catch { /* gone */ }
  }
  const apps = pids.filter((pid) => {
    try {
      return realpathSync(`/proc/${pid}/exe`) === exe && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FUSION_DESK_HOME=${home}`);
    } catch {
      return false;
    }
  });
  const descends = (pid) => {
    for (let p = parent.get(pid), hops = 0; p && p !== '0' && hops < 64; p = parent.get(p), hops++) if (apps.includes(p)) return true;
    return false;
  };
  // comm is cut to 15 characters: "WebKitWebProces".
  return pids.filter((pid) => name.get(pid)?.startsWith('WebKitWebProces') && descends(pid));
}

/** Resident and peak resident memory (KiB) of the app's web processes, summed. */
function webMemory() {
  let rss = 0;
  let peak = 0;
  const pids = webProcesses();
  for (const pid of pids) {
    const s = procStatus(pid);
    if (!s) continue;
    rss += statusField(s, 'VmRSS');
    peak += statusField(s, 'VmHWM');
  }
  return { pids, rss, peak };
}

// Sampled every 250 ms while the test runs, so growth between two steps is seen.
let sampler;
let worst = { rss: 0, peak: 0 };
function sample() {
  const m = webMemory();
  if (m.pids.length === 0) return;
  worst = { rss: Math.max(worst.rss, m.rss), peak: Math.max(worst.peak, m.peak) };
  // A runaway web view would take the machine's memory in seconds: end it
  // here, and let the next check fail with the figure it reached.
  if (m.rss >= LIMIT_KIB) {
    console.log(`# the web process reached ${(m.rss / 1024).toFixed(0)} MiB resident: ended`);
    for (const pid of m.pids) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
    }
  }
}

function assertMemory(step) {
  sample();
  assert.ok(worst.rss < LIMIT_KIB, `${step}: the web process reached ${(worst.rss / 1024).toFixed(0)} MiB resident`);
  const m = webMemory();
  assert.ok(m.pids.length > 0, `${step}: no WebKitWebProcess of the app was found`);
  console.log(`# ${step}: web process VmRSS ${(m.rss / 1024).toFixed(0)} MiB, VmHWM ${(m.peak / 1024).toFixed(0)} MiB`);
  assert.ok(m.peak < LIMIT_KIB, `${step}: the web process peaked at ${(m.peak / 1024).toFixed(0)} MiB resident`);
}

/** A test body whose failure, once the web view ran away, says so rather than how WebDriver lost it. */
function guarded(body) {
  return async () => {
    if (worst.rss >= LIMIT_KIB) assert.fail(`the web process was ended at ${(worst.rss / 1024).toFixed(0)} MiB resident`);
    try {
      await body();
    } catch (e) {
      sample();
      if (worst.rss >= LIMIT_KIB) throw new Error(`the web process reached ${(worst.rss / 1024).toFixed(0)} MiB resident`, { cause: e });
      throw e;
    }
  };
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'fusion-desk-e2e-charts-'));
  // The sweep of the brief: loads 100, 500, 900, 1300; 2000 requests; k_paths 1 and 3.
  const sweep = JSON.parse(
    fdesk(
      'sweep', 'create', '--template', 'quick', '--name', 'e2e charts',
      '--vary', 'routing_settings.k_paths=1,3',
      '--set', 'general_settings.erlang_start=100',
      '--set', 'general_settings.erlang_stop=1300',
      '--set', 'general_settings.erlang_step=400',
      '--set', 'general_settings.num_requests=2000',
    ),
  );
  runs = sweep.runs.map((r) => ({ id: r.id, name: r.name }));
  for (const r of runs) fdesk('wait', r.id);
  app = await launch({ FUSION_DESK_HOME: home });
  sampler = setInterval(sample, 250);
});

after(async () => {
  clearInterval(sampler);
  await app?.stop();
});

async function canvasDrawn(testId) {
  await app.browser.wait(
    async () => (await app.browser.findElements(By.css(`[data-testid="${testId}"] canvas`))).length > 0,
    20_000,
    `${testId} has no canvas`,
  );
}

/** The labels of the chart's legend entries (uPlot's legend rows, the x column left out). */
async function legendLabels(testId) {
  const rows = await app.browser.findElements(By.css(`[data-testid="${testId}"] .u-legend .u-series:not(:first-child) .u-label`));
  return Promise.all(rows.map((r) => r.getText()));
}

async function isLog(testId) {
  return (await (await app.el(testId)).getAttribute('data-log')) === 'true';
}

async function notes(testId) {
  const els = await app.browser.findElements(By.css(`[data-testid="${testId}"] [data-testid="chart-note"]`));
  return Promise.all(els.map((e) => e.getText()));
}

test('the simulator made a realistic sweep: zero blocking at 100 Erlang, an interval below zero', () => {
  const rows = JSON.parse(fdesk('results', runs[0].id)).rows;
  assert.deepEqual(rows.map((r) => r.erlang), [100, 500, 900, 1300]);
  assert.equal(rows[0].blocking_mean, 0);
  assert.ok(rows.some((r) => r.blocking_mean > 0 && r.blocking_mean - r.ci_rate_block < 0), 'no interval reaches below zero');
});

test('the comparison draws in log and linear scale with its legend, and the web view stays small', guarded(async () => {
  await app.el('page-runs');
  for (const r of runs) await app.click(`select-${r.id}`);
  await app.click('bulk-compare');
  await app.el('page-compare');
  await canvasDrawn('chart-vs-load');
  const labels = await legendLabels('chart-vs-load');
  assert.deepEqual(labels.map((l) => l.match(/k_paths=(\d)/)?.[1]).sort(), ['1', '3'], labels.join(' | '));
  // Zero blocking in the data: the comparison opens in linear scale.
  assert.equal(await isLog('chart-vs-load'), false);
  assertMemory('comparison, linear');
  await app.screenshot('e2e-charts-compare-linear');

  for (let round = 0; round < 3; round++) {
    await app.click('compare-log');
    await app.browser.wait(async () => isLog('chart-vs-load'), 10_000, 'the chart never turned logarithmic');
    await canvasDrawn('chart-vs-load');
    await new Promise((r) => setTimeout(r, 1000)); // time to grow, if it were to
    assertMemory(`comparison, log (${round + 1})`);
    const n = await notes('chart-vs-load');
    assert.ok(n.some((t) => t.startsWith('Zero is not shown on a log axis')), n.join(' | '));
    if (round === 0) await app.screenshot('e2e-charts-compare-log');
    await app.click('compare-log');
    await app.browser.wait(async () => !(await isLog('chart-vs-load')), 10_000, 'the chart never turned linear');
    assertMemory(`comparison, linear again (${round + 1})`);
    if (round === 0) await app.screenshot('e2e-charts-compare-linear-again');
  }
  assert.equal((await legendLabels('chart-vs-load')).length, 2);
}));

test('the log comparison saves as PNG and SVG with its legend and its note, and the SVG renders', guarded(async () => {
  await app.click('compare-log');
  await app.browser.wait(async () => isLog('chart-vs-load'), 10_000, 'the chart never turned logarithmic');
  const png = join(home, 'comparison-log.png');
  await app.click('compare-png');
  await answerSaveDialog('Save the comparison chart', png);
  await app.waitForText('compare-note', `Saved to ${png}`);
  const bytes = readFileSync(png);
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.ok(bytes.readUInt32BE(16) > 400 && bytes.readUInt32BE(20) > 300, 'the PNG is too small to hold the chart');
  mkdirSync(shotsDir, { recursive: true });
  writeFileSync(join(shotsDir, 'e2e-charts-compare-png.png'), bytes);

  const svgPath = join(home, 'comparison-log.svg');
  await app.click('compare-svg');
  await answerSaveDialog('Save the comparison chart', svgPath);
  await app.waitForText('compare-note', `Saved to ${svgPath}`);
  assert.ok(existsSync(svgPath));
  const svg = readFileSync(svgPath, 'utf8');
  assert.doesNotMatch(svg, /NaN|Infinity/);
  assert.match(svg, /k_paths=1/);
  assert.match(svg, /k_paths=3/);
  assert.match(svg, />1e-4</);
  assert.match(svg, /Zero is not shown on a log axis/);
  // What a reader opening the file sees: the SVG drawn by the same engine, kept as a PNG to look at.
  const drawn = await app.browser.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const img = new Image();
     img.onload = () => {
       const c = document.createElement('canvas');
       c.width = img.naturalWidth;
       c.height = img.naturalHeight;
       const ctx = c.getContext('2d');
       ctx.fillStyle = '#fff';
       ctx.fillRect(0, 0, c.width, c.height);
       ctx.drawImage(img, 0, 0);
       done(c.toDataURL('image/png'));
     };
     img.onerror = () => done(null);
     img.src = 'data:image/svg+xml;base64,' + arguments[0];`,
    Buffer.from(svg).toString('base64'),
  );
  assert.ok(drawn?.startsWith('data:image/png;base64,'), 'the saved SVG does not render');
  writeFileSync(join(shotsDir, 'e2e-charts-compare-svg.png'), Buffer.from(drawn.split(',')[1], 'base64'));
  assertMemory('comparison exported');
}));

test("a run's Results plot in log scale renders and the web view stays small", guarded(async () => {
  const row = await app.el(`compare-run-${runs[0].id}`);
  await (await row.findElement(By.css('a'))).click();
  await app.el('page-run-detail');
  await app.click('tab-results');
  await app.el('results-table');
  await canvasDrawn('chart-vs-load');
  await app.click('results-log');
  await app.browser.wait(async () => isLog('chart-vs-load'), 10_000, 'the Results plot never turned logarithmic');
  await new Promise((r) => setTimeout(r, 1000));
  assertMemory('results, log');
  const labels = await legendLabels('chart-vs-load');
  assert.deepEqual(labels, [runs[0].name]);
  const n = await notes('chart-vs-load');
  assert.ok(n.some((t) => t.includes('interval ends at or below the floor drawn at 1e-4')), n.join(' | '));
  await app.browser.executeScript("document.querySelector('[data-testid=\"chart-vs-load\"]').scrollIntoView({ block: 'center', behavior: 'instant' })");
  await new Promise((r) => setTimeout(r, 500));
  await app.screenshot('e2e-charts-results-log');
}));

test("the run's Progress charts (per iteration and vs load) render in log scale and the web view stays small", guarded(async () => {
  await app.click('tab-progress');
  const panel = await app.browser.findElement(By.id('panel-progress'));
  await app.browser.wait(
    async () => (await panel.findElements(By.css('[data-testid="chart-iterations"] canvas'))).length > 0,
    20_000,
    'the per-iteration chart has no canvas',
  );
  // The tab's own "Log scale" box, found by its label as a person finds it.
  const box = await panel.findElement(By.xpath(".//label[contains(normalize-space(.), 'Log scale')]/input"));
  await box.click();
  await app.browser.wait(
    async () => (await (await panel.findElement(By.css('[data-testid="chart-iterations"]'))).getAttribute('data-log')) === 'true',
    10_000,
    'the per-iteration chart never turned logarithmic',
  );
  await new Promise((r) => setTimeout(r, 1000));
  assertMemory('progress, log');
  const iterationLegend = await panel.findElements(By.css('[data-testid="chart-iterations"] .u-legend .u-series:not(:first-child) .u-label'));
  assert.equal(iterationLegend.length, 4, 'one legend entry per load');
  const vsLoad = await panel.findElement(By.css('[data-testid="chart-vs-load"]'));
  assert.equal(await vsLoad.getAttribute('data-log'), 'true');
  await app.browser.executeScript("document.querySelector('#panel-progress [data-testid=\"chart-iterations\"]').scrollIntoView({ block: 'center', behavior: 'instant' })");
  await new Promise((r) => setTimeout(r, 500));
  await app.screenshot('e2e-charts-progress-log');
  console.log(`# worst web process VmRSS over the test: ${(worst.rss / 1024).toFixed(0)} MiB`);
}));
