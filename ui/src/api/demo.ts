// The browser demo (`vite dev` outside the desktop shell): an in-memory store
// seeded with a history of runs and their fake content.

import type { Run } from '../bindings/Run';
import { fakeRunData, type FakeRunShape } from './fakeRun';
import { MemoryBackend, makeRun, timestamp } from './memory';

/** A MemoryBackend holding a realistic history, for the browser demo. */
export function demoBackend(): MemoryBackend {
  const now = Date.now();
  const at = (minutesAgo: number) => timestamp(new Date(now - minutesAgo * 60_000));
  const min = 60;
  const runs: Run[] = [
    makeRun({
      id: '3f9a1c07b2e4',
      name: 'USNet k=5 first-fit sweep',
      template: 'default',
      status: 'PENDING',
      overrides: ['topology_settings.network=USNet', 'routing_settings.k_paths=5'],
      created_at: at(3),
      updated_at: at(3),
    }),
    makeRun({
      id: 'a81d44c0e9f3',
      name: 'NSFNet 7 cores, 1200 Erlang',
      template: 'default',
      status: 'PENDING',
      overrides: ['topology_settings.cores_per_link=7', 'general_settings.erlang_stop=1200'],
      created_at: at(9),
      updated_at: at(9),
    }),
    makeRun({
      id: '5c2e7d90a1b6',
      name: 'Survivability: link failures, 1+1 protection',
      template: 'survivability_experiment',
      status: 'RUNNING',
      overrides: ['general_settings.max_iters=10'],
      pid: 48211,
      pgid: 48211,
      created_at: at(47),
      started_at: at(47),
      updated_at: at(47),
    }),
    makeRun({
      id: 'e04b6f3a9d21',
      name: 'NSFNet baseline, 4 × 500 requests',
      template: 'default',
      status: 'RUNNING',
      pid: 47102,
      pgid: 47102,
      created_at: at(3 * min + 12),
      started_at: at(3 * min + 11),
      updated_at: at(3 * min + 11),
    }),
    makeRun({
      id: '7b1fd2c86e05',
      name: 'XT-aware allocation, 3 cores',
      tags: ['crosstalk', 'paper'],
      note: 'Crosstalk-aware first-fit **halves** blocking at 900 E compared with the baseline.\n\n- 3 cores per link\n- compare with the 7-core run',
      disk_bytes: 4_812_000,
      template: 'xtar_example_config',
      status: 'COMPLETED',
      exit_code: 0,
      created_at: at(5 * min),
      started_at: at(5 * min - 1),
      completed_at: at(2 * min + 16),
      updated_at: at(2 * min + 16),
    }),
    makeRun({
      id: 'c93a0e5f4b18',
      name: 'Guard band = 2 slots',
      tags: ['guard-band'],
      disk_bytes: 182_000,
      template: 'default',
      status: 'FAILED',
      overrides: ['general_settings.guard_slots=2', 'spectrum_settings.c_band=abc'],
      exit_code: 1,
      error_message:
        'The simulator exited with code 1. Last lines of the log:\n' +
        '2025-06-02 09:14:07,118 [fusion] INFO  loading topology NSFNet (14 nodes, 21 links)\n' +
        '2025-06-02 09:14:07,120 [fusion] INFO  reading spectrum_settings\n' +
        "2025-06-02 09:14:07,121 [fusion] ERROR spectrum_settings.c_band: expected an integer, got 'abc'\n" +
        '2025-06-02 09:14:07,121 [fusion] ERROR configuration is invalid; stopping',
      created_at: at(26 * min),
      started_at: at(26 * min),
      completed_at: at(26 * min - 0.05),
      updated_at: at(26 * min - 0.05),
    }),
    makeRun({
      id: '19e6b8d3a7c2',
      name: 'USNet long sweep (stopped early)',
      network: 'USNet',
      tags: ['long'],
      note: 'Stopped: the queue was needed for the paper runs.',
      disk_bytes: 12_400_000,
      template: 'default',
      status: 'CANCELLED',
      overrides: ['topology_settings.network=USNet'],
      exit_signal: 15,
      cancel_requested_at: at(27 * min),
      created_at: at(29 * min),
      started_at: at(29 * min),
      completed_at: at(27 * min - 0.2),
      updated_at: at(27 * min - 0.2),
    }),
    makeRun({
      id: 'd6407a1e2f9b',
      name: 'quick smoke test',
      disk_bytes: 96_000,
      template: 'quick',
      status: 'COMPLETED',
      exit_code: 0,
      created_at: at(50 * min),
      started_at: at(50 * min),
      completed_at: at(50 * min - 0.15),
      updated_at: at(50 * min - 0.15),
    }),
    makeRun({
      id: '82c5f9e0b3d4',
      name: 'minimal 2025 replication',
      tags: ['paper', 'replication'],
      disk_bytes: 2_100_000,
      template: 'minimal',
      status: 'COMPLETED',
      exit_code: 0,
      overrides: ['general_settings.num_requests=200'],
      created_at: at(3 * 24 * min),
      started_at: at(3 * 24 * min),
      completed_at: at(3 * 24 * min - 1.5),
      updated_at: at(3 * 24 * min - 1.5),
    }),
  ];
  const shapes: Record<string, FakeRunShape> = {
    '3f9a1c07b2e4': { loads: [300, 600, 900, 1200], iterations: 4 },
    a81d44c0e9f3: { loads: [300, 600, 900, 1200], iterations: 4 },
    '5c2e7d90a1b6': { loads: [300, 600], iterations: 10 },
    e04b6f3a9d21: { loads: [300, 600, 900, 1200], iterations: 4 },
    '7b1fd2c86e05': { loads: [300, 600], iterations: 2 },
    c93a0e5f4b18: { loads: [300, 600, 900, 1200], iterations: 4 },
    '19e6b8d3a7c2': { loads: [300, 600, 900, 1200], iterations: 4 },
    d6407a1e2f9b: { loads: [300, 400, 500], iterations: 3 },
    '82c5f9e0b3d4': { loads: [300, 400, 500], iterations: 2 },
  };
  const demo = new MemoryBackend({
    runs,
    runData: Object.fromEntries(runs.map((r) => [r.id, fakeRunData(r, shapes[r.id])])),
    settings: { max_concurrent_runs: 4 },
    latencyMs: 80,
  });
  demo.answer('runFacets', () => ({
    templates: ['default', 'minimal', 'quick', 'survivability_experiment', 'xtar_example_config'],
    networks: ['NSFNet', 'USNet'],
    tags: ['crosstalk', 'guard-band', 'long', 'paper', 'replication'],
  }));
  return demo;
}
