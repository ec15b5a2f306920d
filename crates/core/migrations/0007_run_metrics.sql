-- The results of each finished run, summarised when the run ends (and, for
-- runs that ended before this migration, by a start-up backfill), so the
-- history can show, sort and filter by them without reading result files.
--
-- A row exists once a run's results were read, even when it had none
-- (`loads` = 0, metrics NULL): the backfill then never reads it again.
-- `mean_blocking` is the mean over loads of the blocking probability,
-- `highest_*` the highest load with a result and its blocking probability,
-- `bit_rate_blocking` the mean over loads of the bit-rate blocking.
CREATE TABLE run_metrics (
    run_id            TEXT    PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    mean_blocking     REAL,
    highest_erlang    REAL,
    highest_blocking  REAL,
    bit_rate_blocking REAL,
    loads             INTEGER NOT NULL,
    iterations        INTEGER NOT NULL,
    duration_seconds  REAL,
    computed_at       TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX run_metrics_by_mean_blocking ON run_metrics (mean_blocking);
CREATE INDEX run_metrics_by_highest_blocking ON run_metrics (highest_blocking);
CREATE INDEX run_metrics_by_bit_rate_blocking ON run_metrics (bit_rate_blocking);
CREATE INDEX run_metrics_by_duration ON run_metrics (duration_seconds);

-- One row per load of a run: its blocking probability with the confidence
-- interval (`ci_low` may be below zero: the mean minus the half width, as
-- the simulator reported it), so "blocking at 900 E below 1 %" is a lookup.
CREATE TABLE run_load_metrics (
    run_id            TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    erlang            REAL    NOT NULL,
    blocking          REAL,
    ci_half_width     REAL,
    bit_rate_blocking REAL,
    iterations        INTEGER NOT NULL,
    PRIMARY KEY (run_id, erlang)
) WITHOUT ROWID;

CREATE INDEX run_load_metrics_by_load ON run_load_metrics (erlang, blocking);
