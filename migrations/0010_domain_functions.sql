-- Functions through which one domain's statement uses another domain's table without naming it,
-- so that a request can do in one round trip what would otherwise take two.

-- Oversight's audit insert: another domain's read records its audit row in the same statement as
-- the read, so a read whose audit row cannot be written fails and is not served. Returns true,
-- so that a caller can select it.
CREATE FUNCTION audit_record(actor_role text, actor_id uuid, actor_name text, token_id uuid,
                             action text, worker_id uuid, detail jsonb)
RETURNS boolean
LANGUAGE sql VOLATILE
AS $$
    INSERT INTO audit_log (actor_role, actor_id, actor_name, token_id, action, worker_id, detail)
    VALUES (actor_role, actor_id, actor_name, token_id, action, worker_id, detail)
    RETURNING true
$$;

-- The policy version in force on a day (policy's own policy_on query, as a function).
CREATE FUNCTION policy_in_force(day date)
RETURNS TABLE (version integer, effective_from date, rules jsonb, note text, created_by text,
               created_at timestamptz)
LANGUAGE sql STABLE
AS $$
    SELECT p.version, p.effective_from, p.rules, p.note, p.created_by, p.created_at
    FROM policies AS p
    WHERE p.effective_from <= day
    ORDER BY p.effective_from DESC
    LIMIT 1
$$;
