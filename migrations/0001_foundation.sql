-- Foundation: people, API tokens and the audit log.
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE providers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ukprn text NOT NULL CONSTRAINT providers_ukprn_key UNIQUE
        CONSTRAINT providers_ukprn_check CHECK (ukprn ~ '^1[0-9]{7}$'),
    name text NOT NULL CONSTRAINT providers_name_check CHECK (length(name) BETWEEN 1 AND 300),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reps (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT reps_name_check CHECK (length(name) BETWEEN 1 AND 300),
    email citext NOT NULL CONSTRAINT reps_email_key UNIQUE,
    branch text NOT NULL CONSTRAINT reps_branch_check CHECK (length(branch) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    external_ref text NOT NULL,
    employer text NOT NULL,
    name text NOT NULL,
    email citext,
    birth_date date NOT NULL,
    branch text NOT NULL,
    region text NOT NULL CONSTRAINT workers_region_check CHECK (region ~ '^[EWSN][0-9]{8}$'),
    occupation text,
    contract_type text NOT NULL CONSTRAINT workers_contract_type_check CHECK (
        contract_type IN ('permanent', 'fixed_term', 'zero_hours', 'agency', 'outsourced')),
    weekly_hours numeric(5, 2) NOT NULL
        CONSTRAINT workers_weekly_hours_check CHECK (weekly_hours >= 0 AND weekly_hours <= 100),
    highest_qualification text NOT NULL CONSTRAINT workers_highest_qualification_check CHECK (
        highest_qualification IN ('none', 'E1', 'E2', 'E3', '1', '2', '3', '4', '5', '6', '7', '8')),
    facing_redundancy boolean NOT NULL DEFAULT false,
    priority_score integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT workers_external_ref_key UNIQUE (employer, external_ref)
);
CREATE INDEX workers_branch_idx ON workers (branch, created_at DESC, id DESC);
CREATE INDEX workers_created_idx ON workers (created_at DESC, id DESC);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
    role text NOT NULL CONSTRAINT api_tokens_role_check
        CHECK (role IN ('worker', 'rep', 'college', 'admin')),
    name text NOT NULL,
    worker_id uuid REFERENCES workers (id) ON DELETE CASCADE,
    rep_id uuid REFERENCES reps (id) ON DELETE CASCADE,
    provider_id uuid REFERENCES providers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT api_tokens_subject_check CHECK (
        (role = 'worker') = (worker_id IS NOT NULL)
        AND (role = 'rep') = (rep_id IS NOT NULL)
        AND (role = 'college') = (provider_id IS NOT NULL))
);

-- Who read or changed which worker's personal data, and when. Rows are never updated.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_role text NOT NULL,
    actor_id uuid,
    actor_name text NOT NULL,
    token_id uuid,
    action text NOT NULL,
    worker_id uuid,
    detail jsonb
);
CREATE INDEX audit_log_worker_idx ON audit_log (worker_id, id DESC);
