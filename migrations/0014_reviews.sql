-- Mid-life career reviews (issue 11): reps' slots, bookings, the waiting list. Reviews' own
-- tables; the branch of a slot (its rep's) and of a review or waiting entry (its worker's) is
-- copied in when the row is made, so that lists filter by branch without reading people's tables.
-- Foreign keys to reps and workers are part of the schema, as elsewhere.
CREATE EXTENSION IF NOT EXISTS btree_gist;  -- also in 0001; the exclusion constraint needs it

CREATE TABLE review_slots (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    rep_id uuid NOT NULL REFERENCES reps (id),
    branch text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    mode text NOT NULL CONSTRAINT review_slots_mode_check
        CHECK (mode IN ('in_person', 'video', 'phone')),
    location text CONSTRAINT review_slots_location_check CHECK (length(location) <= 300),
    status text NOT NULL DEFAULT 'open' CONSTRAINT review_slots_status_check
        CHECK (status IN ('open', 'cancelled')),
    cancel_reason text,
    cancelled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT review_slots_ends_at_check
        CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '3 hours'),
    -- A rep's open slots never overlap, whichever instance made them.
    CONSTRAINT review_slots_no_overlap_excl EXCLUDE USING gist (
        rep_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status = 'open')
);
CREATE INDEX review_slots_branch_idx ON review_slots (branch, starts_at, id);
CREATE INDEX review_slots_rep_idx ON review_slots (rep_id, starts_at, id);

CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slot_id uuid NOT NULL REFERENCES review_slots (id),
    worker_id uuid NOT NULL REFERENCES workers (id),
    rep_id uuid NOT NULL REFERENCES reps (id),
    branch text NOT NULL,
    starts_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'booked' CONSTRAINT reviews_status_check
        CHECK (status IN ('booked', 'cancelled', 'attended', 'no_show')),
    booked_by text NOT NULL,
    cancel_reason text CONSTRAINT reviews_cancel_reason_check CHECK (length(cancel_reason) <= 2000),
    cancelled_by text,
    cancelled_at timestamptz,
    late_cancellation boolean NOT NULL DEFAULT false,
    action_plan text CONSTRAINT reviews_action_plan_check CHECK (length(action_plan) <= 20000),
    assessed_skills jsonb NOT NULL DEFAULT '[]',
    target_occupations uuid[] NOT NULL DEFAULT '{}',
    outcome_by text,
    outcome_at timestamptz,
    sequence integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- One booking per slot (a cancelled one frees it) and at most one upcoming review per worker
-- (booked and not yet given an outcome): the database holds both under any concurrency.
CREATE UNIQUE INDEX reviews_one_per_slot ON reviews (slot_id) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX reviews_one_upcoming ON reviews (worker_id) WHERE status = 'booked';
CREATE INDEX reviews_worker_idx ON reviews (worker_id, starts_at, id);
CREATE INDEX reviews_branch_idx ON reviews (branch, starts_at, id);
CREATE INDEX reviews_rep_idx ON reviews (rep_id, starts_at, id);

CREATE TABLE review_waitlist (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id),
    branch text NOT NULL,
    priority_score integer NOT NULL,
    reasons jsonb NOT NULL DEFAULT '[]',
    asked_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'waiting' CONSTRAINT review_waitlist_status_check
        CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'withdrawn')),
    offered_slot_id uuid REFERENCES review_slots (id),
    offered_at timestamptz,
    offer_expires_at timestamptz,
    offer_reason text,
    review_id uuid REFERENCES reviews (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT review_waitlist_offer_check
        CHECK (status <> 'offered' OR (offered_slot_id IS NOT NULL AND offer_expires_at IS NOT NULL))
);
-- A worker waits once at a time; a slot is offered to one entry at a time.
CREATE UNIQUE INDEX review_waitlist_one_active ON review_waitlist (worker_id)
    WHERE status IN ('waiting', 'offered');
CREATE UNIQUE INDEX review_waitlist_one_offer ON review_waitlist (offered_slot_id)
    WHERE status = 'offered';
CREATE INDEX review_waitlist_queue_idx ON review_waitlist (branch, priority_score DESC, asked_at, id)
    WHERE status = 'waiting';
CREATE INDEX review_waitlist_offers_idx ON review_waitlist (offer_expires_at) WHERE status = 'offered';

-- What the API shows of a slot: whether it is booked, and to whom it is offered (never sent).
CREATE VIEW review_slots_shown AS
SELECT s.id, s.rep_id, s.branch, s.starts_at, s.ends_at, s.mode, s.location, s.status,
       EXISTS (SELECT 1 FROM reviews AS r
               WHERE r.slot_id = s.id AND r.status <> 'cancelled') AS booked,
       o.worker_id IS NOT NULL AS offered, o.worker_id AS offered_to, o.offer_expires_at,
       s.cancel_reason, s.created_at
FROM review_slots AS s
LEFT JOIN review_waitlist AS o ON o.offered_slot_id = s.id AND o.status = 'offered';

-- A review with its slot's end, mode and place.
CREATE VIEW reviews_shown AS
SELECT r.id, r.slot_id, r.worker_id, r.rep_id, r.branch, r.starts_at, s.ends_at, s.mode,
       s.location, r.status, r.booked_by, r.cancel_reason, r.cancelled_by, r.cancelled_at,
       r.late_cancellation, r.action_plan, r.assessed_skills, r.target_occupations,
       r.outcome_by, r.outcome_at, r.sequence, r.created_at, r.updated_at
FROM reviews AS r
JOIN review_slots AS s ON s.id = r.slot_id;

-- A rep's calendar feed is fetched by calendar applications, which cannot send a bearer
-- header: a secret URL instead, kept as the SHA-256 hash of its token, one per rep (issuing
-- again replaces it, so the old URL stops working at once).
CREATE TABLE review_calendar_tokens (
    rep_id uuid PRIMARY KEY REFERENCES reps (id),
    token_hash bytea NOT NULL CONSTRAINT review_calendar_tokens_token_hash_key UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
