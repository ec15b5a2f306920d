// The run list's layout in the real window at the app's default size, on a
// long history (the list is virtual: only the rows in view are in the
// page): every column fits without a sideways scrollbar, the columns stay
// where they are while the list scrolls, and the sticky header stays above
// the rows that pass under it (a status badge's dot once showed through it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { appPath, launch } from '../lib/app.mjs';

const RUNS = 600;
const STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'COMPLETED'];
const NETWORKS = ['NSFNet', 'USNet', 'Pan-European', 'dt_network'];

/** A history of RUNS runs as the app stores them: the schema from `fdesk`, rows and run folders in one transaction. */
function seed(home) {
  const env = { ...process.env, FUSION_DESK_HOME: home };
  execFileSync(join(dirname(appPath()), 'fdesk'), ['list', '--json'], { env, stdio: 'ignore' });
  const sql = ['BEGIN;'];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < RUNS; i++) {
    const id = i.toString(16).padStart(12, '0');
    const status = STATUSES[i % 4];
    const at = (ms) => new Date(t0 + i * 600_000 + ms).toISOString().replace('Z', '+00:00');
    const dir = join(home, 'runs', id);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'config.ini'), `[general_settings]\nerlang_start = 300\n\n[topology_settings]\nnetwork = ${NETWORKS[i % 4]}\n`);
    writeFileSync(join(dir, 'logs', 'sim.log'), `run ${id} done\n`);
    // The newest runs have short names, the older ones the long names sweeps give: each window of rows is as wide as its names.
    const name = i >= RUNS - 50 ? `r${i}` : `load sweep ${i % 30} · cores_per_link=${1 + (i % 3)}, k_paths=${1 + (i % 5)}`;
    sql.push(
      `INSERT INTO runs (id, name, template, overrides, status, simulator, created_at, started_at, completed_at, updated_at, note, network, disk_bytes, exit_code) ` +
        `VALUES ('${id}', '${name}', 'policy_protection_example', '[]', '${status}', 'fusion-sim', '${at(0)}', '${at(0)}', '${at(95_000)}', '${at(95_000)}', '', '${NETWORKS[i % 4]}', ${150_000 + i * 1000}, 0);`,
    );
    if (i % 5 === 0) sql.push(`INSERT INTO run_tags (run_id, tag) VALUES ('${id}', 'paper');`);
    if (status === 'COMPLETED') {
      const b = i % 3 === 0 ? 0 : 0.0001 * (i % 9);
      sql.push(
        `INSERT INTO run_metrics (run_id, mean_blocking, highest_erlang, highest_blocking, bit_rate_blocking, loads, iterations, duration_seconds, computed_at) ` +
          `VALUES ('${id}', ${b}, 1200, ${b * 3}, ${b * 2}, 10, 4, 95, '${at(95_000)}');`,
      );
    }
  }
  sql.push('COMMIT;');
  execFileSync('sqlite3', [join(home, 'fusion-desk.db')], { input: sql.join('\n') });
}

let app;
before(async () => {
  const home = mkdtempSync(join(tmpdir(), 'fusion-desk-e2e-list-'));
  seed(home);
  app = await launch({ FUSION_DESK_HOME: home });
  await app.el(`run-row-${(RUNS - 1).toString(16).padStart(12, '0')}`);
});
after(async () => {
  await app?.stop();
});

const scroller = 'document.querySelector(\'[data-testid="runs-scroll"]\')';

/** The header cells shown: their label and left edge, in CSS px. */
async function headerEdges() {
  return app.browser.executeScript(`
    return [...${scroller}.querySelectorAll('thead th')]
      .filter((th) => th.getBoundingClientRect().width > 0)
      .map((th) => [th.textContent.trim(), Math.round(th.getBoundingClientRect().left)]);`);
}

async function scrollListTo(top) {
  await app.browser.executeScript(`${scroller}.scrollTop = arguments[0];`, top);
  // The rows of the new window are rendered (and their page fetched) before it is measured.
  await app.browser.wait(
    () => app.browser.executeScript(`const s = ${scroller}; return [...s.querySelectorAll('tbody tr[data-testid^="run-row-"]')].some((r) => r.getBoundingClientRect().bottom > s.getBoundingClientRect().top + 80);`),
    10_000,
    'the rows in view never rendered',
  );
}

test('every column fits the default window without a sideways scrollbar', async () => {
  const size = await app.browser.executeScript(`const s = ${scroller}; return [window.innerWidth, s.scrollWidth, s.clientWidth];`);
  assert.equal(size[0], 1280, `the app opens at its configured width (got ${size[0]})`);
  assert.ok(size[1] <= size[2], `the list is ${size[1]} px wide in a ${size[2]} px frame`);
  const labels = (await headerEdges()).map(([label]) => label);
  for (const column of ['Name', 'Status', 'Template', 'Network', 'Mean blocking', 'Blocking, top load', 'Created', 'Duration', 'Disk']) {
    assert.ok(labels.includes(column), `no ${column} column in ${labels.join(' | ')}`);
  }
  await app.screenshot('e2e-run-list-fits');
});

test('the columns stay in place while the list scrolls through rows of any width', async () => {
  await scrollListTo(0);
  const top = await headerEdges();
  for (const at of [RUNS * 20, RUNS * 40]) {
    await scrollListTo(at);
    assert.deepEqual(await headerEdges(), top, `columns moved at scrollTop ${at}`);
  }
});

test('the sticky header stays above the rows passing under it', async () => {
  // A row under the header at every offset within a row's height.
  for (let offset = 0; offset < 40; offset += 2) {
    await scrollListTo(4000 + offset);
    const strays = await app.browser.executeScript(`
      const out = [];
      const s = ${scroller};
      for (const th of s.querySelectorAll('thead th')) {
        const r = th.getBoundingClientRect();
        if (r.width === 0) continue;
        // Inside the cell, clear of the borders it shares with its neighbours and the rows.
        for (let x = r.left + 3; x < r.right - 3; x += 2) {
          for (let y = r.top + 3; y < r.bottom - 3; y += 2) {
            const hit = document.elementFromPoint(x, y);
            // The scroller itself answers where its overlay scrollbar is drawn.
            if (hit && hit !== s && !th.contains(hit)) out.push(th.textContent.trim() + ': ' + (hit.className || hit.tagName));
          }
        }
      }
      return [...new Set(out)];`);
    assert.deepEqual(strays, [], `at scrollTop ${4000 + offset} the header shows rows through it`);
  }
});
