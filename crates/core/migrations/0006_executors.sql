-- Where each run executes: 'local' (a process group on this machine, led by
-- a supervisor) or the name of a Slurm cluster profile. A Slurm run records
-- its job id (the array's id for a run submitted in a job array, with its
-- task) and what FUSION Desk last learnt from Slurm in words
-- (`status_detail`: "Waiting in Slurm's queue: Resources", an unreachable
-- controller, ...).
ALTER TABLE runs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local';
ALTER TABLE runs ADD COLUMN slurm_job_id TEXT;
ALTER TABLE runs ADD COLUMN slurm_array_task INTEGER;
ALTER TABLE runs ADD COLUMN status_detail TEXT;

CREATE INDEX runs_by_executor ON runs (executor, status);
