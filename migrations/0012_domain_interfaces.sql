-- Each domain's published interface over its own tables, so that another domain's query uses the
-- owner's view or function and never names the owner's tables (as 0010 began with audit_record
-- and policy_in_force). Views are plain SELECTs the planner inlines, so a query that joins one
-- plans as if it named the table; what writes or locks is a function.

-- Reference: the one resolution of an occupation reference (an ESCO URI or code) to its id.
CREATE FUNCTION resolve_occupation(ref text)
RETURNS uuid
LANGUAGE sql STABLE STRICT
AS $$
    SELECT o.id FROM occupations AS o WHERE o.uri = ref OR o.code = ref LIMIT 1
$$;

-- Reference: occupations with their automation risk, as reference's OccupationSummary shows them.
CREATE VIEW reference_occupations AS
SELECT o.id, o.uri, o.code, o.isco_group, o.label, o.risk, o.risk_category, o.risk_source
FROM occupations AS o;

-- Reference: ESCO skills, their labels (preferred and alternative) and which skills each
-- occupation needs (relation 'essential' or 'optional').
CREATE VIEW reference_skills AS
SELECT k.id, k.uri, k.label, k.skill_type, k.reuse_level
FROM skills AS k;

CREATE VIEW reference_skill_labels AS
SELECT l.skill_id, l.label, l.preferred
FROM skill_labels AS l;

CREATE VIEW reference_occupation_skills AS
SELECT r.occupation_id, r.skill_id, r.relation
FROM occupation_skills AS r;

-- People: the facts about a worker that other domains' rules use (accruals, skills profiles);
-- not their name, contact details or birth date.
CREATE VIEW people_workers AS
SELECT w.id, w.occupation_id, w.highest_qualification, w.contract_type, w.created_at
FROM workers AS w;

-- People: colleges by id and UKPRN.
CREATE VIEW people_providers AS
SELECT p.id, p.ukprn, p.name
FROM providers AS p;

-- People: everyone a token can stand for, by kind ('worker', 'rep', 'provider'), with a
-- worker's or rep's branch and a provider's UKPRN.
CREATE VIEW people_subjects AS
SELECT 'worker'::text AS kind, w.id, w.branch, NULL::text AS ukprn FROM workers AS w
UNION ALL
SELECT 'rep', r.id, r.branch, NULL FROM reps AS r
UNION ALL
SELECT 'provider', p.id, NULL, p.ukprn FROM providers AS p;

-- People: a worker's row locked (FOR UPDATE) until the caller's transaction ends, so that
-- another domain's edits of one worker's data are serialised; null if there is no such worker.
CREATE FUNCTION people_lock_worker(worker_id uuid)
RETURNS uuid
LANGUAGE sql VOLATILE
AS $$
    SELECT w.id FROM workers AS w WHERE w.id = worker_id FOR UPDATE
$$;

-- People: a provider's row locked FOR NO KEY UPDATE (which does not block rows that refer to the
-- provider) until the caller's transaction ends; null if there is no such provider.
CREATE FUNCTION people_lock_provider(provider_id uuid)
RETURNS uuid
LANGUAGE sql VOLATILE
AS $$
    SELECT p.id FROM providers AS p WHERE p.id = provider_id FOR NO KEY UPDATE
$$;

-- People: workers recorded before the reference data was loaded get their occupation resolved
-- (reference's load calls this after a load); returns how many were.
CREATE FUNCTION people_resolve_worker_occupations()
RETURNS integer
LANGUAGE sql VOLATILE
AS $$
    WITH resolved AS (
        UPDATE workers AS w SET occupation_id = r.occupation_id
        FROM (SELECT u.id, resolve_occupation(u.occupation) AS occupation_id
              FROM workers AS u
              WHERE u.occupation_id IS NULL AND u.occupation IS NOT NULL) AS r
        WHERE w.id = r.id AND r.occupation_id IS NOT NULL
        RETURNING 1
    )
    SELECT count(*)::integer FROM resolved
$$;

-- People's trigger on workers (0002) now resolves the occupation through reference's function.
CREATE OR REPLACE FUNCTION workers_resolve_occupation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.occupation_id := resolve_occupation(NEW.occupation);
    RETURN NEW;
END
$$;
