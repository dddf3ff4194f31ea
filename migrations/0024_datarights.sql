-- Data rights (issue 13): erasure by pseudonymisation, a worker's own erasure requests, and what
-- the export, the erasure and the worker's access log need from the owners of other tables.

-- People: an erased worker keeps their row (every link to it stays, so ledger totals and
-- aggregate reports still add up) but loses their name, email, birth date and external
-- reference; the birth date is kept only as the age band it gave on the day of erasure.
ALTER TABLE workers ALTER COLUMN birth_date DROP NOT NULL;
ALTER TABLE workers ADD COLUMN erased_at timestamptz;
ALTER TABLE workers ADD COLUMN age_band text
    CONSTRAINT workers_age_band_check
    CHECK (age_band IN ('under 25', '25-34', '35-44', '45-49', '50-64', '65+'));
ALTER TABLE workers ADD CONSTRAINT workers_erased_check CHECK (
    CASE WHEN erased_at IS NULL THEN birth_date IS NOT NULL AND age_band IS NULL
         ELSE birth_date IS NULL AND email IS NULL AND age_band IS NOT NULL END);

-- People: an erased worker is no longer anyone's to read: the audited read finds no such
-- worker (404 on every route about them). Same signature and columns as 0011.
CREATE OR REPLACE FUNCTION worker_audited(p_worker_id uuid, scope_any boolean, scope_branch text,
                                          scope_worker_id uuid, actor_role text, actor_id uuid,
                                          actor_name text, token_id uuid, action text,
                                          lock boolean)
RETURNS TABLE (id uuid, external_ref text, name text, email citext, birth_date date,
               branch text, employer text, region text, occupation text, contract_type text,
               weekly_hours float8, highest_qualification text, facing_redundancy boolean,
               priority_score integer, created_at timestamptz, updated_at timestamptz,
               visible boolean)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
BEGIN
    IF lock THEN
        PERFORM 1 FROM workers AS w WHERE w.id = p_worker_id FOR UPDATE;
    END IF;
    RETURN QUERY
    SELECT v.* FROM (
        SELECT w.id, w.external_ref, w.name, w.email, w.birth_date, w.branch, w.employer,
               w.region, w.occupation, w.contract_type, w.weekly_hours::float8,
               w.highest_qualification, w.facing_redundancy, w.priority_score, w.created_at,
               w.updated_at,
               coalesce(scope_any AND (scope_branch IS NULL OR w.branch = scope_branch)
                        AND (scope_worker_id IS NULL OR w.id = scope_worker_id), false)
        FROM workers AS w
        WHERE w.id = p_worker_id AND w.erased_at IS NULL
    ) AS v (id, external_ref, name, email, birth_date, branch, employer, region, occupation,
            contract_type, weekly_hours, highest_qualification, facing_redundancy,
            priority_score, created_at, updated_at, visible)
    -- CASE, not OR: only CASE promises that the audit row is written for a visible read only.
    WHERE CASE WHEN v.visible
               THEN audit_record(actor_role, actor_id, actor_name, token_id, action, v.id, NULL)
               ELSE true END;
END
$$;

-- People: whether a worker is erased, appended to people_workers (0012) so that accruals skip
-- erased workers while reports still count them.
CREATE OR REPLACE VIEW people_workers AS
SELECT w.id, w.occupation_id, w.highest_qualification, w.contract_type, w.created_at,
       w.erased_at IS NOT NULL AS erased
FROM workers AS w;

-- People: the names of reps and colleges by id, so that a worker's access log names who read
-- their data (kind 'rep' or 'provider', as people_subjects has it).
CREATE VIEW people_actor_names AS
SELECT 'rep'::text AS kind, r.id, r.name FROM reps AS r
UNION ALL
SELECT 'provider', p.id, p.name FROM providers AS p;

-- Oversight: when someone last did something with a worker's data (the newest audit row about
-- them by anyone but the system; accruals and priority refreshes do not count), for retention.
CREATE FUNCTION oversight_last_activity(worker_id uuid)
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    SELECT max(a.at) FROM audit_log AS a
    WHERE a.worker_id = oversight_last_activity.worker_id AND a.actor_role <> 'system'
$$;

-- Accounts: ledger entries are still never deleted, and never updated but for one edit: the
-- erasure of a worker clears the free text of their own entries (reference, reason) to the
-- marker '[erased]'. It is allowed only in a transaction that has set `ladder.erasing_worker`
-- to that entry's worker (service/accounts/datarights.sql), and only when no other column,
-- amounts and links above all, changes.
CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('ladder.erasing_worker', true) = OLD.worker_id::text
       AND to_jsonb(NEW) - 'reference' - 'reason' = to_jsonb(OLD) - 'reference' - 'reason'
       AND (NEW.reference IS NULL OR NEW.reference = '[erased]'
            OR NEW.reference IS NOT DISTINCT FROM OLD.reference)
       AND (NEW.reason IS NULL OR NEW.reason = '[erased]'
            OR NEW.reason IS NOT DISTINCT FROM OLD.reason) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger entries are never updated or deleted'
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

-- Data rights: a worker's own request to be erased, which an admin confirms (by erasing) or
-- declines. Rows are kept after the erasure: they hold nothing personal.
CREATE TABLE erasure_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id),
    status text NOT NULL DEFAULT 'requested' CONSTRAINT erasure_requests_status_check
        CHECK (status IN ('requested', 'erased', 'declined')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    decided_by text,
    CONSTRAINT erasure_requests_decided_check
        CHECK ((status = 'requested') = (decided_at IS NULL))
);
-- One open request per worker.
CREATE UNIQUE INDEX erasure_requests_one_open ON erasure_requests (worker_id)
    WHERE status = 'requested';
CREATE INDEX erasure_requests_status_idx ON erasure_requests (status, requested_at, id);
