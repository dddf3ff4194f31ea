-- Equality monitoring, challenges to automated decisions and the equality report (issue 13).
-- Equality answers are special-category data: their own table, read only by the equality domain
-- and, in aggregate, by the equality report through equality's view; no other query names them.

CREATE TABLE equality_answers (
    worker_id uuid PRIMARY KEY REFERENCES workers (id) ON DELETE CASCADE,
    sex text NOT NULL CONSTRAINT equality_answers_sex_check
        CHECK (sex IN ('female', 'male', 'prefer_not_to_say')),
    ethnicity text NOT NULL CONSTRAINT equality_answers_ethnicity_check CHECK (ethnicity IN (
        'white', 'white_british', 'white_irish', 'white_gypsy_or_irish_traveller', 'white_roma',
        'white_other',
        'mixed', 'mixed_white_and_black_caribbean', 'mixed_white_and_black_african',
        'mixed_white_and_asian', 'mixed_other',
        'asian', 'asian_indian', 'asian_pakistani', 'asian_bangladeshi', 'asian_chinese',
        'asian_other',
        'black', 'black_caribbean', 'black_african', 'black_other',
        'other', 'other_arab', 'other_any',
        'prefer_not_to_say')),
    disability text NOT NULL CONSTRAINT equality_answers_disability_check CHECK (disability IN (
        'disabled_limited_a_lot', 'disabled_limited_a_little',
        'not_disabled_condition_not_limiting', 'not_disabled_no_condition',
        'prefer_not_to_say')),
    -- The worker's consent to equality monitoring: given with every answer (a PUT without it is
    -- refused); withdrawing it is deleting the row.
    consented_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE challenges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id),
    decision text NOT NULL CONSTRAINT challenges_decision_check
        CHECK (decision IN ('priority', 'eligibility', 'matches', 'waiting_list_order')),
    reason text NOT NULL CONSTRAINT challenges_reason_check
        CHECK (length(reason) BETWEEN 1 AND 4000),
    raised_by text NOT NULL,
    raised_by_role text NOT NULL,
    status text NOT NULL DEFAULT 'open' CONSTRAINT challenges_status_check
        CHECK (status IN ('open', 'answered')),
    outcome text CONSTRAINT challenges_outcome_check CHECK (outcome IN ('upheld', 'changed')),
    explanation text CONSTRAINT challenges_explanation_check
        CHECK (length(explanation) BETWEEN 1 AND 4000),
    answered_by text,
    answered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT challenges_answer_check CHECK ((status = 'answered') = (outcome IS NOT NULL)
        AND (outcome IS NULL) = (explanation IS NULL)
        AND (outcome IS NULL) = (answered_at IS NULL))
);
CREATE INDEX challenges_created_idx ON challenges (created_at DESC, id DESC);
CREATE INDEX challenges_worker_idx ON challenges (worker_id, created_at DESC);
CREATE INDEX challenges_open_idx ON challenges (created_at) WHERE status = 'open';

-- Views for the equality report (service/reports/), each its owner's interface.

-- People: what the report groups workers by (no name, contact or reference).
CREATE VIEW people_report_workers AS
SELECT w.id, w.birth_date, w.contract_type, w.weekly_hours, w.region, w.created_at
FROM workers AS w;

-- Reviews: reviews whose outcome is recorded, by worker and start.
CREATE VIEW reviews_outcomes AS
SELECT r.id, r.worker_id, r.status, r.starts_at
FROM reviews AS r
WHERE r.status IN ('attended', 'no_show');

-- Accounts: ledger movements by worker, kind, amount and time.
CREATE VIEW accounts_movements AS
SELECT e.worker_id, e.kind, e.amount_pence, e.created_at
FROM ledger_entries AS e;

-- Equality: the consented answers, for the report's aggregates only.
CREATE VIEW equality_report_answers AS
SELECT a.worker_id, a.sex, a.ethnicity, a.disability, a.consented_at
FROM equality_answers AS a;

-- Challenges: decisions challenged, their status and outcome, by time.
CREATE VIEW challenges_outcomes AS
SELECT c.id, c.decision, c.status, c.outcome, c.created_at, c.answered_at
FROM challenges AS c;
