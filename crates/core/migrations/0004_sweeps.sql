-- Sweeps: one launch that varies config keys over values, as a group of runs.
-- `axes` is the parsed axes as JSON ([{section, key, values}]), `overrides`
-- the overrides every run of the sweep shares.
CREATE TABLE sweeps (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE CHECK (length(id) = 12),
    name       TEXT    NOT NULL,
    template   TEXT    NOT NULL,
    overrides  TEXT    NOT NULL DEFAULT '[]',
    axes       TEXT    NOT NULL DEFAULT '[]',
    created_at TEXT    NOT NULL
);

-- The sweep a run belongs to (none for a single run), and the run it repeats
-- (a re-run): inside a sweep, a run that was re-run no longer counts, its
-- re-run stands for the same point of the sweep.
ALTER TABLE runs ADD COLUMN sweep_id TEXT REFERENCES sweeps (id) ON DELETE SET NULL;
ALTER TABLE runs ADD COLUMN rerun_of TEXT;

CREATE INDEX runs_by_sweep ON runs (sweep_id, seq);
CREATE INDEX runs_by_rerun_of ON runs (rerun_of);
