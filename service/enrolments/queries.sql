-- name: lock_presentation
-- Places are counted and taken under the presentation's row lock (courses' function), on any
-- instance; every change of an enrolment's status takes it first, then the enrolment's row.
SELECT id, course_id, provider_id, title, starts_on, ends_on, cost_pence, places, min_places,
       withdrawn
FROM courses_lock_presentation(:presentation_id)

-- name: try_lock_presentation
SELECT courses_try_lock_presentation(:presentation_id)

-- name: presentation
SELECT id, course_id, provider_id, title, starts_on, ends_on, cost_pence, places, min_places,
       withdrawn
FROM courses_presentation_for_enrolment
WHERE id = :presentation_id

-- name: counts
SELECT count(*) FILTER (WHERE status IN ('offered', 'booked', 'started', 'completed'))::integer
           AS taken,
       count(*) FILTER (WHERE status = 'waiting')::integer AS waiting
FROM enrolments
WHERE presentation_id = :presentation_id

-- name: active_of
SELECT id, status
FROM enrolments
WHERE worker_id = :worker_id AND presentation_id = :presentation_id
  AND status NOT IN ('cancelled', 'expired')

-- name: insert_enrolment
INSERT INTO enrolments (worker_id, presentation_id, course_id, provider_id, consent_id, status,
                        priority_score, asked_at, requested_by, cost_pence, hold_id, booked_at,
                        updated_at)
VALUES (:worker_id, :presentation_id, :course_id, :provider_id, :consent_id, :status,
        :priority_score, :now, :requested_by, :cost_pence, :hold_id,
        CASE WHEN :status = 'booked' THEN :now::timestamptz END, :now)
RETURNING id

-- name: get_enrolment
SELECT * FROM enrolments_shown WHERE id = :enrolment_id

-- name: enrolment_parties
-- Whose enrolment it is and on which presentation, to take the locks in order.
SELECT id, worker_id, presentation_id, provider_id FROM enrolments WHERE id = :enrolment_id

-- name: lock_enrolment
SELECT id, worker_id, presentation_id, course_id, provider_id, status, cost_pence, hold_id,
       offer_expires_at
FROM enrolments
WHERE id = :enrolment_id
FOR UPDATE

-- name: book
-- An offered place accepted: the hold is placed and the place is the worker's.
UPDATE enrolments
SET status = 'booked', hold_id = :hold_id, cost_pence = :cost_pence, booked_at = :now,
    updated_at = :now
WHERE id = :enrolment_id

-- name: cancel
UPDATE enrolments
SET status = 'cancelled', cancelled_at = :now, cancelled_by = :cancelled_by,
    cancelled_by_role = :cancelled_by_role, late_cancellation = :late,
    hold_outcome = :hold_outcome, updated_at = :now
WHERE id = :enrolment_id

-- name: set_started
UPDATE enrolments
SET status = 'started', started_at = :now, hold_outcome = :hold_outcome, updated_at = :now
WHERE id = :enrolment_id AND status = 'booked'

-- name: set_completed
UPDATE enrolments
SET status = 'completed', completed_at = :now, updated_at = :now
WHERE id = :enrolment_id AND status = 'started'

-- name: expire_lapsed
-- Offers of the presentation whose time is up; the caller holds the presentation's lock.
UPDATE enrolments
SET status = 'expired', updated_at = :now
WHERE presentation_id = :presentation_id AND status = 'offered' AND offer_expires_at <= :now
RETURNING id, worker_id

-- name: next_waiting
-- The first in line, by priority then time of asking; the caller holds the presentation's lock.
SELECT id, worker_id
FROM enrolments
WHERE presentation_id = :presentation_id AND status = 'waiting'
ORDER BY priority_score DESC, asked_at, id
LIMIT :limit
FOR UPDATE

-- name: make_offer
UPDATE enrolments
SET status = 'offered', offered_at = :now, offer_expires_at = :expires_at, updated_at = :now
WHERE id = :enrolment_id AND status = 'waiting'

-- name: presentations_to_fill
-- Presentations with an offer that has lapsed, or with people waiting while places are free
-- (places raised by a sync, say): the scheduler's job fills them, in a fixed order (each in its
-- own transaction, so a job killed part way has committed exactly those before it).
SELECT e.presentation_id
FROM enrolments AS e
WHERE e.status = 'offered' AND e.offer_expires_at <= :now
UNION
SELECT w.presentation_id
FROM enrolments AS w
JOIN courses_presentation_for_enrolment AS p ON p.id = w.presentation_id
WHERE w.status = 'waiting' AND NOT p.withdrawn
  AND (p.starts_on IS NULL OR p.starts_on > :today)
  AND (p.places IS NULL
       OR p.places > (SELECT count(*) FROM enrolments AS t
                      WHERE t.presentation_id = w.presentation_id
                        AND t.status IN ('offered', 'booked', 'started', 'completed')))
ORDER BY presentation_id
LIMIT :limit

-- name: list_for_worker
-- Newest first; the keyset cursor is (asked_at, id).
SELECT * FROM enrolments_shown
WHERE worker_id = :worker_id
  AND (:after_asked_at::timestamptz IS NULL
       OR (asked_at, id) < (:after_asked_at, :after_id::uuid))
ORDER BY asked_at DESC, id DESC
LIMIT :limit

-- name: list_for_provider
-- A college's enrolments that were given a place (not those only waiting or offered), newest
-- first: the worker's name, and their email only under a consent in force to share it with
-- this college (consents' view: a withdrawal hides it at once).
SELECT e.*, w.name AS worker_name,
       CASE WHEN EXISTS (SELECT 1 FROM consents_in_force AS c
                         WHERE c.worker_id = e.worker_id AND c.purpose = 'share_with_provider'
                           AND c.provider_id = e.provider_id)
            THEN w.email END AS worker_email
FROM enrolments_shown AS e
JOIN people_worker_contacts AS w ON w.id = e.worker_id
WHERE e.provider_id = :provider_id
  AND e.booked_at IS NOT NULL
  AND (:status::text IS NULL OR e.status = :status)
  AND (:presentation_id::uuid IS NULL OR e.presentation_id = :presentation_id)
  AND (:after_asked_at::timestamptz IS NULL
       OR (e.asked_at, e.id) < (:after_asked_at, :after_id::uuid))
ORDER BY e.asked_at DESC, e.id DESC
LIMIT :limit

-- name: progress_since
-- How many of these workers had a place booked, started and completed a course at or after the
-- moment (a programme's report).
SELECT count(DISTINCT worker_id) FILTER (WHERE booked_at >= :since)::integer AS enrolled,
       count(DISTINCT worker_id) FILTER (WHERE started_at >= :since)::integer AS started,
       count(DISTINCT worker_id) FILTER (WHERE completed_at >= :since)::integer AS completed
FROM enrolments
WHERE worker_id = ANY (:worker_ids::uuid[])
