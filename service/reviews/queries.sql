-- name: insert_slot
INSERT INTO review_slots (rep_id, branch, starts_at, ends_at, mode, location)
VALUES (:rep_id, :branch, :starts_at, :ends_at, :mode, :location)
RETURNING id

-- name: get_slot
SELECT * FROM review_slots_shown WHERE id = :slot_id

-- name: lock_slot
-- Bookings, offers and cancellations of one slot queue on its row.
SELECT id FROM review_slots WHERE id = :slot_id FOR UPDATE

-- name: list_slots
-- viewer_worker: a worker sees no slot offered to someone else.
SELECT * FROM review_slots_shown AS s
WHERE (:branch::text IS NULL OR s.branch = :branch)
  AND (:rep_id::uuid IS NULL OR s.rep_id = :rep_id)
  AND (:from_at::timestamptz IS NULL OR s.ends_at > :from_at)
  AND (:to_at::timestamptz IS NULL OR s.starts_at < :to_at)
  AND (:mode::text IS NULL OR s.mode = :mode)
  AND (:available::boolean IS NULL
       OR (s.status = 'open' AND s.starts_at > :now::timestamptz AND NOT s.booked) = :available)
  AND (:viewer_worker::uuid IS NULL OR s.offered_to IS NULL OR s.offered_to = :viewer_worker)
  AND (:after_starts_at::timestamptz IS NULL
       OR (s.starts_at, s.id) > (:after_starts_at, :after_id::uuid))
ORDER BY s.starts_at, s.id
LIMIT :limit

-- name: cancel_slot
UPDATE review_slots SET status = 'cancelled', cancel_reason = :reason, cancelled_at = :now
WHERE id = :slot_id AND status = 'open'
RETURNING id

-- name: insert_review
INSERT INTO reviews (slot_id, worker_id, rep_id, branch, starts_at, booked_by)
SELECT s.id, :worker_id, s.rep_id, :branch, s.starts_at, :booked_by
FROM review_slots AS s WHERE s.id = :slot_id
RETURNING id

-- name: get_review
SELECT * FROM reviews_shown WHERE id = :review_id

-- name: lock_review
SELECT id FROM reviews WHERE id = :review_id FOR UPDATE

-- name: active_review_on_slot
SELECT id, worker_id FROM reviews WHERE slot_id = :slot_id AND status <> 'cancelled'

-- name: upcoming_review_of
SELECT id FROM reviews WHERE worker_id = :worker_id AND status = 'booked'

-- name: cancel_review
UPDATE reviews
SET status = 'cancelled', cancel_reason = :reason, cancelled_by = :cancelled_by,
    cancelled_at = :now, late_cancellation = :late, sequence = sequence + 1, updated_at = :now
WHERE id = :review_id AND status = 'booked'
RETURNING id

-- name: set_outcome
UPDATE reviews
SET status = :status, action_plan = :action_plan, assessed_skills = :assessed_skills,
    target_occupations = :target_occupations, outcome_by = :outcome_by, outcome_at = :now,
    sequence = sequence + 1, updated_at = :now
WHERE id = :review_id AND status = 'booked'
RETURNING id

-- name: attended_before
-- Whether the worker had an attended review other than this one.
SELECT EXISTS (SELECT 1 FROM reviews
               WHERE worker_id = :worker_id AND status = 'attended' AND id <> :review_id)

-- name: list_reviews
-- :branch is the worker's branch now (people's), not the one recorded at booking: a worker who
-- moves takes their reviews, action plans included, to the new branch's reps.
SELECT * FROM reviews_shown AS r
WHERE (:worker_id::uuid IS NULL OR r.worker_id = :worker_id)
  AND (:rep_id::uuid IS NULL OR r.rep_id = :rep_id)
  AND (:branch::text IS NULL
       OR EXISTS (SELECT 1 FROM people_subjects AS p
                  WHERE p.kind = 'worker' AND p.id = r.worker_id AND p.branch = :branch))
  AND (:status::text IS NULL OR r.status = :status)
  AND (:after_starts_at::timestamptz IS NULL
       OR (r.starts_at, r.id) > (:after_starts_at, :after_id::uuid))
ORDER BY r.starts_at, r.id
LIMIT :limit

-- name: insert_entry
INSERT INTO review_waitlist (worker_id, branch, priority_score, reasons, asked_at, updated_at)
VALUES (:worker_id, :branch, :priority_score, :reasons, :now, :now)
RETURNING id

-- name: get_entry
-- An entry's branch is its worker's branch now (people's): a worker who moves waits there.
SELECT id, worker_id, (SELECT p.branch FROM people_subjects AS p WHERE p.kind = 'worker' AND p.id = worker_id) AS branch, NULL::integer AS position, priority_score, reasons, asked_at,
       status, offered_slot_id, offered_at, offer_expires_at, offer_reason, review_id, updated_at
FROM review_waitlist WHERE id = :entry_id

-- name: lock_entry
SELECT id, worker_id, (SELECT p.branch FROM people_subjects AS p WHERE p.kind = 'worker' AND p.id = worker_id) AS branch, status, offered_slot_id
FROM review_waitlist WHERE id = :entry_id FOR UPDATE

-- name: active_entry_of
SELECT id, status, offered_slot_id
FROM review_waitlist WHERE worker_id = :worker_id AND status IN ('waiting', 'offered')
FOR UPDATE

-- name: offer_on_slot
SELECT id, worker_id, offer_expires_at
FROM review_waitlist WHERE offered_slot_id = :slot_id AND status = 'offered'
FOR UPDATE

-- name: next_waiting
-- The first waiting entry of the branch (its worker's branch now, people's) by priority, then
-- time of asking; an entry another transaction is offering to is skipped, not waited for.
SELECT w.id, w.worker_id
FROM review_waitlist AS w
WHERE w.status = 'waiting'
  AND EXISTS (SELECT 1 FROM people_subjects AS p
              WHERE p.kind = 'worker' AND p.id = w.worker_id AND p.branch = :branch)
ORDER BY w.priority_score DESC, w.asked_at, w.id
LIMIT 1
FOR UPDATE OF w SKIP LOCKED

-- name: make_offer
UPDATE review_waitlist
SET status = 'offered', offered_slot_id = :slot_id, offered_at = :now,
    offer_expires_at = :expires_at, offer_reason = :reason, updated_at = :now
WHERE id = :entry_id
RETURNING id

-- name: set_entry_status
-- To waiting (an offer taken back), expired, withdrawn or booked (with the review).
UPDATE review_waitlist
SET status = :status, review_id = coalesce(:review_id, review_id), updated_at = :now,
    offered_slot_id = CASE WHEN :status = 'waiting' THEN NULL ELSE offered_slot_id END,
    offer_expires_at = CASE WHEN :status = 'waiting' THEN NULL ELSE offer_expires_at END
WHERE id = :entry_id

-- name: claim_lapsed_offers
-- Offers whose time is up, claimed by one instance: a row another instance holds is skipped.
-- The slot is locked with the entry (bookings lock the slot first), so the job never waits.
SELECT w.id, w.worker_id, w.offered_slot_id
FROM review_waitlist AS w
JOIN review_slots AS s ON s.id = w.offered_slot_id
WHERE w.status = 'offered' AND w.offer_expires_at <= :now
ORDER BY w.offer_expires_at, w.id
LIMIT :limit
FOR UPDATE OF w, s SKIP LOCKED

-- name: list_waitlist
-- position counts the entries still in the queue (waiting or offered), by priority then time;
-- the branch is the worker's branch now (people's), so a worker who moves waits there.
SELECT * FROM (
    SELECT w.id, w.worker_id, p.branch,
           CASE WHEN w.status IN ('waiting', 'offered') THEN
               row_number() OVER (PARTITION BY p.branch, w.status IN ('waiting', 'offered')
                                  ORDER BY w.priority_score DESC, w.asked_at, w.id)
           END::integer AS position,
           w.priority_score, w.reasons, w.asked_at, w.status, w.offered_slot_id, w.offered_at,
           w.offer_expires_at, w.offer_reason, w.review_id, w.updated_at,
           CASE WHEN w.status IN ('waiting', 'offered') THEN 0 ELSE 1 END AS queue_rank
    FROM review_waitlist AS w
    JOIN people_subjects AS p ON p.kind = 'worker' AND p.id = w.worker_id
    WHERE (:branch::text IS NULL OR p.branch = :branch)
) AS q
WHERE (:status::text IS NULL OR q.status = :status)
  AND (:after_rank::integer IS NULL
       OR (q.queue_rank, -q.priority_score, q.asked_at, q.id)
          > (:after_rank, -:after_score::integer, :after_asked_at::timestamptz, :after_id::uuid))
ORDER BY q.queue_rank, q.priority_score DESC, q.asked_at, q.id
LIMIT :limit

-- name: free_slots
-- The branch's open, unbooked, unoffered slots still to come, soonest first.
SELECT id FROM review_slots_shown
WHERE branch = :branch AND status = 'open' AND starts_at > :now AND NOT booked AND NOT offered
ORDER BY starts_at, id
LIMIT :limit

-- name: put_calendar_token
INSERT INTO review_calendar_tokens (rep_id, token_hash, created_at)
VALUES (:rep_id, :token_hash, :now)
ON CONFLICT (rep_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at

-- name: calendar_rep
SELECT rep_id FROM review_calendar_tokens WHERE token_hash = :token_hash

-- name: calendar_reviews
-- A rep's bookings for the feed: all that are not cancelled, and cancellations of the last
-- :keep_days days (so that calendars see them go); the newest first, at most :limit.
SELECT * FROM reviews_shown
WHERE rep_id = :rep_id
  AND (status <> 'cancelled' OR cancelled_at > :now::timestamptz - make_interval(days => :keep_days))
  AND starts_at > :now::timestamptz - make_interval(days => :keep_days * 12)
ORDER BY starts_at DESC, id
LIMIT :limit

-- name: reviewed_since
-- How many of these workers had a review attended that started on or after the day (a
-- programme's report).
SELECT count(DISTINCT worker_id)::integer
FROM reviews
WHERE worker_id = ANY (:worker_ids::uuid[]) AND status = 'attended' AND starts_at >= :since
