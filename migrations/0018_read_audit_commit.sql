-- A read's audit row commits without waiting for its WAL record to reach the disk.
--
-- GET requests run each statement in its own implicit transaction, and the only thing a read
-- writes is its audit row (docs/design.md, "The request path"). Waiting for that row's WAL flush
-- cost GET /account a third of its throughput. audit_commit_lazily(true), called inside such a
-- statement, turns synchronous_commit off for that implicit transaction alone (set_config's
-- is_local): the row is still written before the data is sent, a failed insert still fails the
-- read, and only a crash of the PostgreSQL server itself within about three wal_writer_delay
-- (600 ms by default) could lose read audit rows that were already written. Money, bookings and
-- every other write keep durable commits: callers pass false inside an explicit transaction.
--
-- An operator who wants read audit rows durable too sets LADDER_DURABLE_READ_AUDIT=true, which
-- the pool sends as the session setting ladder.durable_read_audit = on.
CREATE FUNCTION audit_commit_lazily(lazy boolean) RETURNS boolean
LANGUAGE sql VOLATILE
AS $$
    SELECT CASE
        WHEN lazy AND coalesce(current_setting('ladder.durable_read_audit', true), '') <> 'on'
            THEN set_config('synchronous_commit', 'off', true) IS NOT NULL
        ELSE true
    END
$$;
