-- Learning accounts: the versioned policy, the append-only ledger, holds, accrual records and
-- idempotency keys for money-moving requests.

-- The published policy, one row per version. A version applies from its effective_from date
-- until the next version's. Version 1 holds DESIGN.md's defaults.
CREATE TABLE policies (
    version integer PRIMARY KEY CONSTRAINT policies_version_check CHECK (version >= 1),
    effective_from date NOT NULL CONSTRAINT policies_effective_from_key UNIQUE,
    rules jsonb NOT NULL,
    note text NOT NULL DEFAULT '',
    created_by text NOT NULL DEFAULT 'migration',
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO policies (version, effective_from, note, rules) VALUES (1, DATE '2000-01-01',
'The scheme''s defaults (DESIGN.md sections 2 and 3).', '{
  "annual_credit_pence": 50000,
  "annual_ceiling_pence": 500000,
  "enhanced_credit_pence": 80000,
  "enhanced_ceiling_pence": 800000,
  "enhanced_qualifications": ["none", "E1", "E2", "E3", "1", "2"],
  "enhanced_contracts": ["fixed_term", "zero_hours", "agency", "outsourced"],
  "midlife_topup_pence": 100000,
  "midlife_min_age": 45,
  "retraining_topup_pence": 150000,
  "priority": {
    "age_50_plus": 3,
    "age_45_to_49": 2,
    "part_time": 2,
    "insecure_contract": 3,
    "high_risk_occupation": 3,
    "facing_redundancy": 3,
    "low_qualification": 1,
    "full_time_hours": 37.0
  }
}'::jsonb);

-- Cached totals per worker, changed only in the transaction that inserts the ledger entries
-- they sum. The CHECKs are what keep `available` from going below zero under concurrency.
CREATE TABLE accounts (
    worker_id uuid PRIMARY KEY REFERENCES workers (id),
    balance_pence bigint NOT NULL DEFAULT 0,
    held_pence bigint NOT NULL DEFAULT 0 CONSTRAINT accounts_held_pence_check
        CHECK (held_pence >= 0),
    credited_pence bigint NOT NULL DEFAULT 0 CONSTRAINT accounts_credited_pence_check
        CHECK (credited_pence >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_available_pence_check CHECK (balance_pence - held_pence >= 0)
);

CREATE TABLE holds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES accounts (worker_id),
    amount_pence bigint NOT NULL CONSTRAINT holds_amount_pence_check CHECK (amount_pence > 0),
    status text NOT NULL DEFAULT 'open'
        CONSTRAINT holds_status_check CHECK (status IN ('open', 'released', 'settled')),
    course_id uuid,
    pathway_target text,
    reference text NOT NULL CONSTRAINT holds_reference_check
        CHECK (length(reference) BETWEEN 1 AND 200),
    provider_id uuid,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    CONSTRAINT holds_closed_check CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX holds_worker_idx ON holds (worker_id, created_at DESC);

-- The ledger. Amounts are positive pence except adjustments, which are signed. `pot` is where the
-- money sits: 'general' or an earmark ('course:<id>', 'pathway:<target>', 'pathway:*').
CREATE TABLE ledger_entries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT ledger_entries_seq_key UNIQUE,
    worker_id uuid NOT NULL REFERENCES accounts (worker_id),
    kind text NOT NULL CONSTRAINT ledger_entries_kind_check CHECK (kind IN (
        'annual_credit', 'midlife_topup', 'retraining_topup', 'contribution', 'hold', 'release',
        'settlement', 'adjustment')),
    amount_pence bigint NOT NULL CONSTRAINT ledger_entries_amount_pence_check CHECK (
        amount_pence > 0 OR (kind = 'adjustment' AND amount_pence <> 0)),
    pot text NOT NULL DEFAULT 'general',
    earmark jsonb,
    source text CONSTRAINT ledger_entries_source_check CHECK (
        (kind = 'contribution') = (source IS NOT NULL)
        AND (source IS NULL OR source IN ('employer', 'union', 'other'))),
    reference text,
    reason text,
    rule text,
    policy_version integer,
    period text,
    hold_id uuid REFERENCES holds (id),
    provider_id uuid,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_entries_rule_check CHECK (
        kind NOT IN ('annual_credit', 'midlife_topup', 'retraining_topup')
        OR (rule IS NOT NULL AND policy_version IS NOT NULL)),
    CONSTRAINT ledger_entries_period_check CHECK ((kind = 'annual_credit') = (period IS NOT NULL)),
    CONSTRAINT ledger_entries_hold_id_check CHECK (
        (kind IN ('hold', 'release', 'settlement')) = (hold_id IS NOT NULL)),
    CONSTRAINT ledger_entries_reason_check CHECK (kind <> 'adjustment' OR reason IS NOT NULL)
);
CREATE INDEX ledger_entries_worker_idx ON ledger_entries (worker_id, seq DESC);
CREATE INDEX ledger_entries_hold_idx ON ledger_entries (hold_id) WHERE hold_id IS NOT NULL;
-- One annual credit per worker and period; each top-up once per worker, ever.
CREATE UNIQUE INDEX ledger_entries_period_key ON ledger_entries (worker_id, period)
    WHERE kind = 'annual_credit';
CREATE UNIQUE INDEX ledger_entries_midlife_topup_key ON ledger_entries (worker_id)
    WHERE kind = 'midlife_topup';
CREATE UNIQUE INDEX ledger_entries_retraining_topup_key ON ledger_entries (worker_id)
    WHERE kind = 'retraining_topup';

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never updated or deleted'
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- Which workers an accrual period has dealt with, including those at their ceiling who got
-- nothing: this is what makes a run resumable and a re-run add nothing.
CREATE TABLE accruals (
    period text NOT NULL CONSTRAINT accruals_period_check CHECK (period ~ '^[0-9]{4}$'),
    worker_id uuid NOT NULL REFERENCES accounts (worker_id),
    amount_pence bigint NOT NULL CONSTRAINT accruals_amount_pence_check CHECK (amount_pence >= 0),
    rule text NOT NULL,
    policy_version integer NOT NULL,
    entry_id uuid REFERENCES ledger_entries (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (period, worker_id)
);

-- The first answer to each money-moving request, replayed for a retry with the same key.
CREATE TABLE idempotency_keys (
    actor text NOT NULL,
    key text NOT NULL CONSTRAINT idempotency_keys_key_check CHECK (length(key) BETWEEN 1 AND 200),
    scope text NOT NULL,
    request_hash bytea NOT NULL,
    status_code integer,
    response_body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);

-- What an entry does to the balance, the held total and the lifetime credited total; the same
-- rules as service/accounts/logic.py::effect, used by statements and by the consistency checks.
CREATE FUNCTION ledger_balance_delta(kind text, amount bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('hold', 'release') THEN 0
                WHEN kind = 'settlement' THEN -amount
                ELSE amount END;
CREATE FUNCTION ledger_held_delta(kind text, amount bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind = 'hold' THEN amount
                WHEN kind IN ('release', 'settlement') THEN -amount
                ELSE 0 END;
CREATE FUNCTION ledger_credited_delta(kind text, amount bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('annual_credit', 'midlife_topup', 'retraining_topup',
                              'contribution') THEN amount
                ELSE 0 END;
