-- The latest progress of each run, kept by the run's supervisor (at most
-- every 500 ms, and once more when the run ends) so that lists show progress
-- without reading run folders. `snapshot` is a RunProgress as JSON; a row
-- goes with its run.
CREATE TABLE run_progress (
    run_id     TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    snapshot   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
