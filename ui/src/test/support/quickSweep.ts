// Results of the embedded simulator (fusion-sim) for FUSION Desk's `quick`
// template with loads 100..1300 step 400 and 2000 requests per iteration, for
// k_paths 1 and 3 (`fdesk sweep create --template quick --vary
// routing_settings.k_paths=1,3 --set general_settings.erlang_start=100 --set
// general_settings.erlang_stop=1300 --set general_settings.erlang_step=400
// --set general_settings.num_requests=2000`, then `fdesk results`). Zero
// blocking at the low loads; FUSION's symmetric interval (1.645·σ/√n) reaches
// below zero at 500 Erlang for k_paths=1.

import type { LoadSeries } from '../../lib/chartData';

/** Erlang, blocking mean, ci_rate_block (the interval's half width). */
type Row = [number, number, number];

const k1: Row[] = [
  [100, 0, 0],
  [500, 0.0003333333333333333, 0.0005483333333333334],
  [900, 0.035166666666666666, 0.00773519356218346],
  [1300, 0.09033333333333332, 0.0098852197468971],
];

const k3: Row[] = [
  [100, 0, 0],
  [500, 0, 0],
  [900, 0.005, 0.0014246117892254015],
  [1300, 0.0245, 0.008560851422804472],
];

/** As the Results tab and the comparison plot them: mean ± half width, unclamped. */
export const quickSweep: LoadSeries[] = [
  { label: 'k_paths=1', points: k1.map(([load, mean, ci]) => ({ load, mean, ciLow: mean - ci, ciHigh: mean + ci })) },
  { label: 'k_paths=3', points: k3.map(([load, mean, ci]) => ({ load, mean, ciLow: mean - ci, ciHigh: mean + ci })) },
];
