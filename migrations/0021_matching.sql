-- Matching: the worker's choice of pathway, and the views matching reads from the domains that
-- own the data (courses, skills, accounts). Each view belongs to its owner, as in 0012: a plain
-- SELECT the planner inlines, so a query joining one plans as if it named the table.

-- Courses: the skills each course teaches (given by the college or inferred), withdrawn or not.
CREATE VIEW courses_taught_skills AS
SELECT s.course_id, s.skill_id
FROM course_skills AS s;

-- Courses: presentations that are not withdrawn, of courses that are not withdrawn, with their
-- course and college. `places_left` is `places` until enrolments take places (null: the
-- college gave no number); `status` is 'full' when none is left, else 'open'. Past runs stay in:
-- the reader decides what has started.
CREATE VIEW courses_current_presentations AS
SELECT p.id AS presentation_id, p.course_id, c.title, c.provider_id, v.ukprn AS provider_ukprn,
       v.name AS provider_name, p.starts_on, p.ends_on, p.study_mode, p.attendance_pattern,
       p.delivery, p.venue_postcode, p.places, p.places AS places_left, p.cost_pence,
       c.rqf_level, c.band,
       CASE WHEN p.places = 0 THEN 'full' ELSE 'open' END AS status
FROM presentations AS p
JOIN courses AS c ON c.id = p.course_id
JOIN people_providers AS v ON v.id = c.provider_id
WHERE p.withdrawn_at IS NULL AND c.withdrawn_at IS NULL;

-- Skills: what a worker holds, as their profile shows it: explicit entries with their level,
-- and the essential skills of their occupation that have no entry (assumed, no level).
CREATE VIEW skills_worker_holdings AS
SELECT e.worker_id, e.skill_id, e.level, e.source, false AS assumed
FROM worker_skills AS e
UNION ALL
SELECT w.id, r.skill_id, NULL::smallint, 'occupation', true
FROM workers AS w
JOIN occupation_skills AS r ON r.occupation_id = w.occupation_id AND r.relation = 'essential'
WHERE NOT EXISTS (SELECT 1 FROM worker_skills AS e
                  WHERE e.worker_id = w.id AND e.skill_id = r.skill_id);

-- Accounts: a worker's available money (balance less open holds, every pot) and the part of it
-- that is earmarked (for a course or pathway); zero for a worker with no account yet.
CREATE VIEW accounts_available AS
SELECT a.worker_id, a.balance_pence - a.held_pence AS available_pence,
       coalesce((SELECT sum(ledger_balance_delta(e.kind, e.amount_pence)
                            - ledger_held_delta(e.kind, e.amount_pence))
                 FROM ledger_entries AS e
                 WHERE e.worker_id = a.worker_id AND e.pot <> 'general'), 0)::bigint
           AS earmarked_pence
FROM accounts AS a;

-- Matching: the pathways workers chose, every choice kept (the newest is the current one), with
-- who chose it and the retraining top-up it brought, if any (once per worker: the ledger's
-- unique index decides).
CREATE TABLE pathway_choices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    target_id uuid NOT NULL REFERENCES occupations (id),
    similarity double precision NOT NULL,
    risk_drop double precision,
    topup_entry_id uuid REFERENCES ledger_entries (id),
    actor_role text NOT NULL,
    actor_id uuid,
    actor_name text NOT NULL,
    chosen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pathway_choices_worker_idx ON pathway_choices (worker_id, chosen_at DESC, id DESC);
