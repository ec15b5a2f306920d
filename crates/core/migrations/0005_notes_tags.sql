-- Notes, tags, the network and the disk use of each run, for a history that
-- stays searchable and fast with thousands of runs.
--
-- `note` is the user's markdown text. `network` is the topology name read
-- from the frozen config at creation; rows older than this migration get it
-- filled lazily by the app (SQL cannot read their config files), until then
-- NULL. `disk_bytes` caches the size of the run's folder, measured when the
-- run ends and on demand, so a list never walks thousands of folders.
ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN network TEXT;
ALTER TABLE runs ADD COLUMN disk_bytes INTEGER;

-- One row per tag of a run; tags go with their run.
CREATE TABLE run_tags (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tag    TEXT NOT NULL,
    PRIMARY KEY (run_id, tag)
);
CREATE INDEX run_tags_by_tag ON run_tags (tag, run_id);

-- The history's filters, each usable with the newest-first order.
CREATE INDEX runs_by_template ON runs (template, seq);
CREATE INDEX runs_by_network ON runs (network, seq);
CREATE INDEX runs_by_created ON runs (created_at);
