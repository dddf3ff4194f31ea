-- Enrolments (issue 12) and the consents they need (issue 13): a worker's place on a course
-- presentation, its waiting list and offers, and the record of what the worker agreed to share.
-- Enrolments and consents own their tables; what they read of courses and people comes through
-- the views and functions below, owned by those domains and published here.

-- Courses: the college may give a minimum class size (optional in the catalogue): the number of
-- enrolments a presentation needs to run.
ALTER TABLE presentations ADD COLUMN min_places integer
    CONSTRAINT presentations_min_places_check CHECK (min_places >= 0);

-- Courses: a presentation as enrolment needs it, with its course and college; `withdrawn` if
-- the presentation or its course is withdrawn.
CREATE VIEW courses_presentation_for_enrolment AS
SELECT p.id, p.course_id, c.provider_id, c.title, c.rqf_level, c.band, p.starts_on, p.ends_on,
       p.attendance_pattern, p.delivery, p.cost_pence, p.places, p.min_places,
       (p.withdrawn_at IS NOT NULL OR c.withdrawn_at IS NOT NULL) AS withdrawn
FROM presentations AS p
JOIN courses AS c ON c.id = p.course_id;

-- Courses: the presentation's row locked FOR NO KEY UPDATE to the end of the caller's
-- transaction (places are counted and taken under it, on any instance; a catalogue sync that
-- changes the presentation waits for it), and the presentation as the view above shows it;
-- no row if there is no such presentation.
CREATE FUNCTION courses_lock_presentation(presentation_id uuid)
RETURNS SETOF courses_presentation_for_enrolment
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM 1 FROM presentations AS p WHERE p.id = presentation_id FOR NO KEY UPDATE;
    RETURN QUERY SELECT v.* FROM courses_presentation_for_enrolment AS v
                 WHERE v.id = presentation_id;
END
$$;

-- Courses: the same lock, taken only if nobody holds it (true), else false at once; for jobs
-- that leave a busy presentation to the next round.
CREATE FUNCTION courses_try_lock_presentation(presentation_id uuid)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM 1 FROM presentations AS p WHERE p.id = presentation_id
        FOR NO KEY UPDATE SKIP LOCKED;
    RETURN FOUND;
END
$$;

-- People: a worker's name and contact address, for what a worker has agreed to share (a
-- college's list of its enrolments shows the name, and the email only under a consent).
CREATE VIEW people_worker_contacts AS
SELECT w.id, w.name, w.email::text AS email, w.branch
FROM workers AS w;

-- Consents: what a worker agreed to, when, and its withdrawal. `share_with_provider` names the
-- college; other purposes name none. One consent in force per worker, purpose and college.
CREATE TABLE consents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id),
    purpose text NOT NULL CONSTRAINT consents_purpose_check
        CHECK (purpose IN ('share_with_provider', 'equality_monitoring')),
    provider_id uuid REFERENCES providers (id),
    detail text CONSTRAINT consents_detail_check CHECK (length(detail) <= 500),
    given_at timestamptz NOT NULL DEFAULT now(),
    given_by text NOT NULL,
    withdrawn_at timestamptz,
    withdrawn_by text,
    CONSTRAINT consents_provider_id_check
        CHECK ((purpose = 'share_with_provider') = (provider_id IS NOT NULL)),
    CONSTRAINT consents_withdrawn_check CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE UNIQUE INDEX consents_one_in_force ON consents
    (worker_id, purpose, coalesce(provider_id, '00000000-0000-0000-0000-000000000000'::uuid))
    WHERE withdrawn_at IS NULL;
CREATE INDEX consents_worker_idx ON consents (worker_id, given_at DESC, id DESC);

-- Consents: those in force now, for other domains (a college sees an email only under one).
CREATE VIEW consents_in_force AS
SELECT c.id, c.worker_id, c.purpose, c.provider_id, c.given_at
FROM consents AS c
WHERE c.withdrawn_at IS NULL;

-- Enrolments: one row per request for a place, from the waiting list to completion.
--   waiting   on the presentation's waiting list (no hold), by priority then time of asking;
--   offered   a freed place held for the worker until offer_expires_at (no hold yet);
--   booked    a place, with the hold for the cost (none if the course is free);
--   started   the college confirmed the start: the hold was settled to the college;
--   completed the college confirmed completion: the course's skills are in the profile;
--   cancelled left the list, or gave up the place (the hold released or, late, settled);
--   expired   an offer that lapsed.
CREATE TABLE enrolments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    worker_id uuid NOT NULL REFERENCES workers (id),
    presentation_id uuid NOT NULL REFERENCES presentations (id),
    course_id uuid NOT NULL REFERENCES courses (id),
    provider_id uuid NOT NULL REFERENCES providers (id),
    consent_id uuid NOT NULL REFERENCES consents (id),
    status text NOT NULL CONSTRAINT enrolments_status_check CHECK (status IN (
        'waiting', 'offered', 'booked', 'started', 'completed', 'cancelled', 'expired')),
    priority_score integer NOT NULL,
    asked_at timestamptz NOT NULL DEFAULT now(),
    requested_by text NOT NULL,
    cost_pence bigint CONSTRAINT enrolments_cost_pence_check CHECK (cost_pence >= 0),
    hold_id uuid REFERENCES holds (id),
    offered_at timestamptz,
    offer_expires_at timestamptz,
    booked_at timestamptz,
    started_at timestamptz,
    completed_at timestamptz,
    cancelled_at timestamptz,
    cancelled_by text,
    cancelled_by_role text,
    late_cancellation boolean NOT NULL DEFAULT false,
    hold_outcome text CONSTRAINT enrolments_hold_outcome_check
        CHECK (hold_outcome IN ('released', 'settled')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT enrolments_offer_check
        CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL),
    CONSTRAINT enrolments_booked_check
        CHECK (status NOT IN ('booked', 'started', 'completed') OR booked_at IS NOT NULL)
);
-- One enrolment per worker and presentation, unless it was cancelled or its offer lapsed.
CREATE UNIQUE INDEX enrolments_one_per_presentation ON enrolments (worker_id, presentation_id)
    WHERE status NOT IN ('cancelled', 'expired');
CREATE INDEX enrolments_queue_idx ON enrolments (presentation_id, priority_score DESC, asked_at, id)
    WHERE status = 'waiting';
CREATE INDEX enrolments_presentation_idx ON enrolments (presentation_id, status);
CREATE INDEX enrolments_worker_idx ON enrolments (worker_id, asked_at DESC, id DESC);
CREATE INDEX enrolments_provider_idx ON enrolments (provider_id, asked_at DESC, id DESC);
CREATE INDEX enrolments_offers_idx ON enrolments (offer_expires_at) WHERE status = 'offered';

-- Enrolments' own view: an enrolment with its presentation's dates, places and counts, and its
-- place on the waiting list (1 = next to be offered) while it waits.
CREATE VIEW enrolments_shown AS
SELECT e.id, e.worker_id, e.presentation_id, e.course_id, e.provider_id, e.consent_id, e.status,
       CASE WHEN e.status = 'waiting' THEN
           (SELECT count(*) + 1 FROM enrolments AS q
            WHERE q.presentation_id = e.presentation_id AND q.status = 'waiting'
              AND (q.priority_score > e.priority_score
                   OR (q.priority_score = e.priority_score
                       AND (q.asked_at, q.id) < (e.asked_at, e.id))))::integer
       END AS position,
       e.priority_score, e.asked_at, e.requested_by, e.cost_pence, e.hold_id, e.offered_at,
       e.offer_expires_at, e.booked_at, e.started_at, e.completed_at, e.cancelled_at,
       e.cancelled_by, e.late_cancellation, e.hold_outcome, e.updated_at,
       p.title, p.starts_on, p.ends_on, p.places, p.min_places,
       (SELECT count(*) FROM enrolments AS t
        WHERE t.presentation_id = e.presentation_id
          AND t.status IN ('offered', 'booked', 'started', 'completed'))::integer AS places_taken,
       (SELECT count(*) FROM enrolments AS t
        WHERE t.presentation_id = e.presentation_id AND t.status = 'waiting')::integer AS waiting
FROM enrolments AS e
JOIN courses_presentation_for_enrolment AS p ON p.id = e.presentation_id;
