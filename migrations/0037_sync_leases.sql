-- A sync was written only when it ended, in the import's own transaction: a server killed
-- during a large sync left no row at all. Now a sync first writes a `running` row with a lease
-- (`lease_until`), committed on its own before the import's transaction starts; the import
-- finishes that row as `applied` or `failed`, and renews the lease while it runs. A running row
-- whose lease has run out is a sync that died: listed as `abandoned` at once, and marked so by
-- the scheduler's course job (`UPDATE ... WHERE status = 'running' AND lease_until < now()`,
-- rows claimed with SKIP LOCKED, so any number of instances may run it). A row is updated at
-- most twice (finished, or abandoned and then finished should the sync end after all).

ALTER TABLE syncs DROP CONSTRAINT syncs_status_check;
ALTER TABLE syncs ADD CONSTRAINT syncs_status_check
    CHECK (status IN ('running', 'applied', 'failed', 'abandoned'));
ALTER TABLE syncs ADD COLUMN lease_until timestamptz;
ALTER TABLE syncs ALTER COLUMN finished_at DROP NOT NULL;
ALTER TABLE syncs ADD CONSTRAINT syncs_running_check
    CHECK ((status = 'running') = (finished_at IS NULL)
           AND (status <> 'running' OR lease_until IS NOT NULL));

-- The sweep for running rows whose lease ran out.
CREATE INDEX syncs_running_idx ON syncs (lease_until) WHERE status = 'running';

COMMENT ON COLUMN syncs.lease_until IS
    'While running: the sync is alive until then (renewed as it runs); kept on an abandoned row';
