-- Extra, read-only artifact roots of a run: folders outside the run folder
-- where a simulator writes results for it (the Python FUSION writes into its
-- own source tree). `path` is canonical and absolute; `label` names the root
-- in artifact addresses (`@label/...`). Rows go with their run.
CREATE TABLE artifact_roots (
    run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    path       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, label)
);
