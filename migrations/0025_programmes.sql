-- Targeted retraining programmes for those facing redundancy (issue 14): a programme names an
-- employer and the occupations its announcement cuts; its members are the workers it covers
-- (matched, added by hand or imported), each with why they joined and, if they left, why; and
-- where each went afterwards is recorded as destinations. The programmes domain owns the three
-- tables; workers stay people's, reached through the functions and view people publishes below.

CREATE TABLE programmes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT programmes_name_check CHECK (length(name) BETWEEN 1 AND 300),
    employer text NOT NULL,
    occupation_refs text[] NOT NULL,  -- the ESCO references as given
    occupation_ids uuid[] NOT NULL,  -- their resolution, what workers are matched on
    announced_on date NOT NULL,
    last_day date NOT NULL,
    reason text NOT NULL CONSTRAINT programmes_reason_check CHECK (length(reason) <= 2000),
    -- the last reminder month (6, 11) for which reps were sent their members with no
    -- destination, so the scheduler does each once
    reminded_month integer,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT programmes_last_day_check CHECK (last_day >= announced_on),
    CONSTRAINT programmes_occupations_check CHECK (
        cardinality(occupation_refs) = cardinality(occupation_ids))
);
CREATE INDEX programmes_created_idx ON programmes (created_at DESC, id DESC);

CREATE TABLE programme_members (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id uuid NOT NULL REFERENCES programmes (id),
    worker_id uuid NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    source text NOT NULL CONSTRAINT programme_members_source_check
        CHECK (source IN ('matched', 'added', 'imported')),
    added_at timestamptz NOT NULL DEFAULT now(),
    added_by text NOT NULL,
    added_reason text NOT NULL CONSTRAINT programme_members_added_reason_check
        CHECK (length(added_reason) <= 2000),
    -- whether the worker's record said facing redundancy before this programme marked it, so
    -- that a removal clears only the mark the programme made
    was_facing_redundancy boolean NOT NULL,
    removed_at timestamptz,
    removed_by text,
    removed_reason text CONSTRAINT programme_members_removed_reason_check
        CHECK (length(removed_reason) <= 2000),
    CONSTRAINT programme_members_removed_check CHECK (
        (removed_at IS NULL) = (removed_reason IS NULL)
        AND (removed_at IS NULL) = (removed_by IS NULL))
);
-- A worker is a current member of a programme at most once; the history keeps earlier spells.
CREATE UNIQUE INDEX programme_members_current ON programme_members (programme_id, worker_id)
    WHERE removed_at IS NULL;
CREATE INDEX programme_members_worker_idx ON programme_members (worker_id)
    WHERE removed_at IS NULL;
CREATE INDEX programme_members_list_idx ON programme_members (programme_id, id);

CREATE TABLE destinations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    programme_id uuid NOT NULL REFERENCES programmes (id),
    recorded_on date NOT NULL,
    type text NOT NULL CONSTRAINT destinations_type_check CHECK (type IN (
        'new_job_permanent', 'new_job_fixed_term', 'same_employer_new_role', 'self_employed',
        'study', 'still_looking', 'retired', 'other')),
    occupation text,
    occupation_id uuid,
    pay_compared text NOT NULL CONSTRAINT destinations_pay_compared_check
        CHECK (pay_compared IN ('higher', 'same', 'lower', 'unknown')),
    recorded_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX destinations_programme_idx
    ON destinations (programme_id, worker_id, recorded_on DESC, created_at DESC);
CREATE INDEX destinations_worker_idx ON destinations (worker_id, recorded_on DESC);

-- People: mark workers facing redundancy in one set-based statement: the workers of
-- p_employer whose resolved occupation is one of p_occupation_ids, and the workers in
-- p_worker_ids (null or empty for none), except those in p_except (a programme's removed
-- members). Returns each worker marked with whether their record said facing redundancy
-- before; their rows stay locked to the end of the caller's transaction. The caller recomputes
-- their priority (people's service, `rescore_workers`).
CREATE FUNCTION people_mark_facing_redundancy(p_employer text, p_occupation_ids uuid[],
                                              p_worker_ids uuid[], p_except uuid[])
RETURNS TABLE (worker_id uuid, was_facing_redundancy boolean)
LANGUAGE sql VOLATILE
AS $$
    WITH target AS (
        SELECT w.id, w.facing_redundancy
        FROM workers AS w
        WHERE ((w.employer = p_employer AND w.occupation_id = ANY (p_occupation_ids))
               OR w.id = ANY (coalesce(p_worker_ids, '{}')))
          AND NOT w.id = ANY (coalesce(p_except, '{}'))
        FOR NO KEY UPDATE
    ), marked AS (
        UPDATE workers AS w SET facing_redundancy = true, updated_at = now()
        FROM target AS t
        WHERE w.id = t.id AND NOT t.facing_redundancy
        RETURNING w.id
    )
    SELECT t.id, t.facing_redundancy FROM target AS t
$$;

-- People: clear the facing-redundancy mark of the workers given (a programme's removed member
-- whose mark the programme made, and who is in no other programme); returns those changed.
CREATE FUNCTION people_clear_facing_redundancy(p_worker_ids uuid[])
RETURNS SETOF uuid
LANGUAGE sql VOLATILE
AS $$
    UPDATE workers AS w SET facing_redundancy = false, updated_at = now()
    WHERE w.id = ANY (p_worker_ids) AND w.facing_redundancy
    RETURNING w.id
$$;

-- People: the facts about a worker that aggregate reports group by (age band, contract type,
-- part-time) and a programme checks (employer, branch); no name or contact details.
CREATE VIEW people_report_facts AS
SELECT w.id, w.employer, w.branch, w.birth_date, w.contract_type,
       w.weekly_hours::float8 AS weekly_hours, w.facing_redundancy
FROM workers AS w;
