"""A stand-in for FUSION's `fusion-sim` (SDNNetSim/FUSION), for FUSION Desk's tests.

It reproduces what the desktop app depends on, as observed on the real simulator:
the command line (argparse, exit code 2 on bad arguments), the log format and lines
on stderr, results written under the project root in
data/output/<network>/<MMDD>/<HH_MM_SS_ffffff>/s1/<E>_erlang.json announced by
"Saving to:" lines, SIGTERM/SIGINT logged and ignored once running, a
multiprocessing.Manager helper process that outlives a SIGKILL of its parent, and
exit code 1 with a traceback on a simulation error. It does not simulate a network:
blocking values are made up, deterministically.

Knobs (environment):
  FUSION_STANDIN_ITER_SECONDS  time per iteration (default 0.05)
  FUSION_STANDIN_FAIL_AT_LOAD  raise a simulation error when this load (1-based) starts
"""

import argparse
import configparser
import datetime
import json
import logging
import math
import multiprocessing
import os
import signal
import statistics
import sys
import time
import traceback

LOG = logging.getLogger("fusion.utils.logging_config")
SIM_LOG = logging.getLogger("fusion.core.simulation")
REQ_LOG = logging.getLogger("fusion.core.request")
PERSIST_LOG = logging.getLogger("fusion.core.persistence")
METRICS_LOG = logging.getLogger("fusion.core.metrics")
CLI_LOG = logging.getLogger("fusion.cli.run_sim")


def project_root():
    # Walk up from the folder holding the `fusion` package, as FUSION does.
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    while True:
        if os.path.exists(os.path.join(here, "run_sim.py")) or os.path.isdir(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return os.getcwd()
        here = parent


def build_parser():
    parser = argparse.ArgumentParser(prog="fusion-sim", description="FUSION simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run_sim", help="Run a simulation")
    run.add_argument("--config_path", required=True)
    run.add_argument("--run_id", required=True)
    run.add_argument("--verbose", "-v", action="store_true")
    run.add_argument("--debug", action="store_true")
    run.add_argument("--output_dir")
    run.add_argument("--progress_file")
    for flag in ("--erlang_start", "--erlang_stop", "--erlang_step", "--max_iters", "--num_requests",
                 "--network", "--k_paths", "--cores_per_link", "--guard_slots", "--holding_time"):
        run.add_argument(flag)
    return parser


class SignalNoted:
    """FUSION saves its statistics on SIGTERM/SIGINT and carries on."""

    def __init__(self):
        self.save_dir = None

    def __call__(self, signum, _frame):
        SIM_LOG.warning("Received signal %d, saving statistics...", signum)
        PERSIST_LOG.info("Saving stats for iteration 0")
        if self.save_dir:
            PERSIST_LOG.info("Saving to: %s", self.save_dir)
        SIM_LOG.info("Statistics saved due to signal")


def made_up_blocking(erlang, iteration, cores):
    base = max(0.0, (erlang / (cores * 1000.0)) ** 2 * 0.3)
    return round(base * (1.0 + 0.03 * math.sin(iteration * 1.7 + erlang)), 6)


def erlang_json(block_list, is_training, iteration):
    n = len(block_list)
    mean = statistics.mean(block_list)
    var = statistics.variance(block_list) if n > 1 else 0.0
    ci = 1.645 * math.sqrt(var) / math.sqrt(n) if n > 1 else 0.0
    ci_percent = (2 * ci / mean * 100) if mean > 0 and n > 1 else 0.0
    stats = {
        "block_bw_dict": {"25": 0, "50": 0, "100": 1, "200": 2, "400": 3},
        "sim_block_list": list(block_list),
        "sim_br_block_list": [b * 3 for b in block_list],
        "trans_mean": 1.25, "trans_min": 1.0, "trans_max": 4.0,
        "hops_mean": 2.4, "hops_min": 1.0, "hops_max": 5.0,
        "lengths_mean": 2650.5, "lengths_min": 300.0, "lengths_max": 6300.0,
    }
    return {
        "iter_stats": {str(iteration): stats},
        "link_usage": {},
        "blocking_mean": None if is_training else mean,
        "blocking_variance": None if is_training else var,
        "ci_rate_block": None if is_training else ci,
        "ci_percent_block": None if is_training else ci_percent,
        "bit_rate_blocking_mean": None if is_training else mean * 3,
        "bit_rate_blocking_variance": None if is_training else var * 9,
        "ci_rate_bit_rate_block": None if is_training else ci * 3,
        "ci_percent_bit_rate_block": None if is_training else ci_percent,
        "lightpath_utilization": 100.0,
        "sim_end_time": datetime.datetime.now().strftime("%m%d_%H_%M_%S_%f"),
    }


def simulate(config, on_signal):
    general = config["general_settings"]
    erlang_start = float(general["erlang_start"])
    erlang_stop = float(general["erlang_stop"])
    erlang_step = float(general["erlang_step"])
    max_iters = int(general["max_iters"])
    num_requests = int(general["num_requests"])
    print_step = int(general.get("print_step", "15"))
    save_step = int(general.get("save_step", "10"))
    network = config["topology_settings"]["network"]
    cores = int(config["topology_settings"].get("cores_per_link", "1"))
    is_training = config["rl_settings"].get("is_training", "True").strip().lower() in ("true", "yes", "1")
    pace = float(os.environ.get("FUSION_STANDIN_ITER_SECONDS", "0.05"))
    fail_at = int(os.environ.get("FUSION_STANDIN_FAIL_AT_LOAD", "0"))

    now = datetime.datetime.now()
    save_dir = os.path.join(project_root(), "data", "output", network, now.strftime("%m%d"), now.strftime("%H_%M_%S_%f"), "s1")
    on_signal.save_dir = save_dir

    erlangs = []
    e = erlang_start
    while e <= erlang_stop:
        erlangs.append(e)
        e += erlang_step
    total_start = time.time()
    times = []
    for index, erlang in enumerate(erlangs, start=1):
        started = time.time()
        LOG.info("Starting simulation for %s Erlang (load %d/%d)", erlang, index, len(erlangs))
        if index == fail_at:
            raise RuntimeError(f"spectrum assignment failed at {erlang} Erlang")
        SIM_LOG.info("No failures configured for this simulation")
        LOG.info("[Engine] thread=s1, offset=0, my_iteration_units=%d, erlang=%s\n", max_iters, erlang)
        SIM_LOG.info("Simulation started for Erlang: %s simulation number: s1", erlang)
        blocks = []
        for i in range(max_iters):
            REQ_LOG.warning("get_requests is deprecated. Use generate_simulation_requests instead.")
            REQ_LOG.info("Generated %d requests", num_requests)
            time.sleep(pace)
            blocks.append(made_up_blocking(erlang, i, cores))
            stop = False
            if not is_training and len(blocks) > 1:
                mean = statistics.mean(blocks)
                ci = 1.645 * math.sqrt(statistics.variance(blocks)) / math.sqrt(len(blocks))
                ci_percent = 2 * ci / mean * 100 if mean else 100.0
                if mean and ci_percent <= 5:
                    METRICS_LOG.info("Confidence interval of %.2f%% reached. %d, ending for Erlang: %s", ci_percent, i + 1, erlang)
                    stop = True
            if i == 0 or i + 1 == max_iters or (i + 1) % print_step == 0:
                SIM_LOG.info("Iteration %d out of %d completed for Erlang: %s", i + 1, max_iters, erlang)
                SIM_LOG.info("Mean of blocking: %s", round(statistics.mean(blocks), 4))
            if i == 0 or i + 1 == max_iters or (i + 1) % save_step == 0:
                PERSIST_LOG.info("Saving stats for iteration %d", i)
                PERSIST_LOG.info("Saving to: %s", save_dir)
                os.makedirs(save_dir, exist_ok=True)
                with open(os.path.join(save_dir, f"{erlang}_erlang.json"), "w") as f:
                    json.dump(erlang_json(blocks, is_training, i), f, indent=4)
            LOG.info("CHILD=s1 iteration=%d, done_units=%d\n", i, i + 1)
            if stop:
                break
        LOG.info("Simulation finished for Erlang: %s finished for simulation number: s1.\n", erlang)
        elapsed = time.time() - started
        times.append((erlang, elapsed))
        LOG.info("Completed %s Erlang in %.2f seconds", erlang, elapsed)
    LOG.info("=" * 60)
    LOG.info("BATCH SIMULATION SUMMARY")
    LOG.info("=" * 60)
    for erlang, elapsed in times:
        LOG.info("\nErlang %s:", erlang)
        LOG.info("  Time: %.2fs", elapsed)
        LOG.info("  Blocking: 0.0000")
        LOG.info("  Requests: 0")
    LOG.info("\nTotal execution time: %.2fs", time.time() - total_start)
    LOG.info("=" * 60)


def main(argv=None):
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s - %(name)s - %(levelname)s - %(message)s")
    args = build_parser().parse_args(argv)  # exits 2 on bad arguments
    config = configparser.ConfigParser()
    try:
        if not config.read(args.config_path):
            raise FileNotFoundError(args.config_path)
    except Exception as exc:  # FUSION only logs this and crashes later
        CLI_LOG.error("Configuration error: %s", exc)
    on_signal = SignalNoted()
    # FUSION starts a Manager it never uses; its server process survives a
    # SIGKILL of the parent and only a process-group kill removes it.
    manager = multiprocessing.Manager()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        simulate(config, on_signal)
    except Exception as exc:
        CLI_LOG.error("Simulation error: %s", exc)
        traceback.print_exc()
        return 1
    finally:
        manager.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
