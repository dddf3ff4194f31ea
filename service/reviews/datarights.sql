-- name: review_rows
SELECT id, slot_id, rep_id, branch, starts_at, ends_at, mode, location, status, booked_by,
       cancel_reason, cancelled_by, cancelled_at, late_cancellation, action_plan,
       assessed_skills, target_occupations, outcome_by, outcome_at, sequence, created_at,
       updated_at
FROM reviews_shown WHERE worker_id = :worker_id ORDER BY starts_at, id

-- name: waitlist_rows
SELECT id, branch, priority_score, reasons, asked_at, status, offered_slot_id, offered_at,
       offer_expires_at, offer_reason, review_id, updated_at
FROM review_waitlist WHERE worker_id = :worker_id ORDER BY asked_at, id

-- name: cancel_bookings
-- An erased worker keeps no booking: the slot is free again (and offered on by the caller).
UPDATE reviews
SET status = 'cancelled', cancelled_by = :cancelled_by, cancelled_at = :now,
    sequence = sequence + 1, updated_at = :now
WHERE worker_id = :worker_id AND status = 'booked'
RETURNING slot_id

-- name: withdraw_entries
UPDATE review_waitlist
SET status = 'withdrawn', updated_at = :now
WHERE worker_id = :worker_id AND status IN ('waiting', 'offered')
RETURNING offered_slot_id

-- name: erase_reviews
-- Status, times, slots and assessed skills stay (reports count reviews held and no-shows); the
-- action plan and reasons are free text, and the worker's own name as who booked goes.
UPDATE reviews
SET action_plan = NULL, cancel_reason = NULL,
    booked_by = CASE WHEN booked_by LIKE 'worker: %' THEN 'worker: ' || :erased ELSE booked_by END,
    cancelled_by = CASE WHEN cancelled_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE cancelled_by END,
    outcome_by = CASE WHEN outcome_by LIKE 'worker: %' THEN 'worker: ' || :erased
                      ELSE outcome_by END
WHERE worker_id = :worker_id

-- name: erase_waitlist
-- The priority reasons in words name the worker's exact age; their rules and points stay.
UPDATE review_waitlist
SET offer_reason = NULL,
    reasons = (SELECT coalesce(jsonb_agg(r - 'reason'), '[]'::jsonb)
               FROM jsonb_array_elements(reasons) AS r)
WHERE worker_id = :worker_id
