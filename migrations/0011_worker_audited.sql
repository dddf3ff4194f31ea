-- People's audited read of a worker as a function, so that another domain's statement can read a
-- worker, record the audit row of the read and read its own data in one round trip (GET /account
-- does). people's get_worker_audited queries use it too: one definition of the audited read.
--
-- scope_any, scope_branch and scope_worker_id are the caller's WorkerScope; actor_* and token_id
-- who reads, action why, as oversight's audit_record takes them. The row comes back with
-- `visible` false (and nothing audited) when the scope does not cover the worker, and no row
-- when there is no such worker. plpgsql, not sql, so that its plans are kept for the session
-- on PostgreSQL 15 as well.
CREATE FUNCTION worker_audited(p_worker_id uuid, scope_any boolean, scope_branch text,
                               scope_worker_id uuid, actor_role text, actor_id uuid,
                               actor_name text, token_id uuid, action text, lock boolean)
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
        WHERE w.id = p_worker_id
    ) AS v (id, external_ref, name, email, birth_date, branch, employer, region, occupation,
            contract_type, weekly_hours, highest_qualification, facing_redundancy,
            priority_score, created_at, updated_at, visible)
    -- CASE, not OR: only CASE promises that the audit row is written for a visible read only.
    WHERE CASE WHEN v.visible
               THEN audit_record(actor_role, actor_id, actor_name, token_id, action, v.id, NULL)
               ELSE true END;
END
$$;
