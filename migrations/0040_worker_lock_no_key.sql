-- People: the audited read's lock on the worker (`visible_worker(..., for_update=True)`: a
-- contribution, a booking, a programme member, an edit of the worker) is FOR NO KEY UPDATE, no
-- longer FOR UPDATE. It still serialises those writers, each other and an erasure
-- (people's `lock_for_erasure`, FOR UPDATE); what it no longer blocks is a row elsewhere that
-- only refers to the worker (a foreign key check takes FOR KEY SHARE). FOR UPDATE did, and so
-- deadlocked a contribution (the worker locked, waiting for the account) with an enrolment of
-- the same worker (the account locked for its hold, then inserting the enrolment, whose check
-- waited for the worker): PostgreSQL ended one of them, answered 409 "retry" (twice in a
-- 180 s soak, docs/benchmarks.md). Same signature and body as 0024 otherwise.
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
        PERFORM 1 FROM workers AS w WHERE w.id = p_worker_id FOR NO KEY UPDATE;
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
