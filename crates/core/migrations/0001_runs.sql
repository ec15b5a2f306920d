-- Every run ever created. `seq` gives the FIFO order of the queue and the
-- newest-first order of the history; `id` is the public 12-hex identifier.
CREATE TABLE runs (
    seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
    id                    TEXT    NOT NULL UNIQUE CHECK (length(id) = 12),
    name                  TEXT    NOT NULL,
    template              TEXT    NOT NULL,
    overrides             TEXT    NOT NULL DEFAULT '[]',
    status                TEXT    NOT NULL
                          CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    simulator             TEXT,
    pid                   INTEGER,
    pgid                  INTEGER,
    process_start_time    INTEGER,
    supervisor_pid        INTEGER,
    supervisor_start_time INTEGER,
    exit_code             INTEGER,
    exit_signal           INTEGER,
    error_message         TEXT,
    cancel_requested_at   TEXT,
    created_at            TEXT    NOT NULL,
    started_at            TEXT,
    completed_at          TEXT,
    updated_at            TEXT    NOT NULL
);

CREATE INDEX runs_by_status ON runs (status, seq);

-- Application settings as typed JSON values, one row per key.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
