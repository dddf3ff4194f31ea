-- name: enrolment_rows
SELECT id, presentation_id, course_id, provider_id, consent_id, status, position,
       priority_score, asked_at, requested_by, cost_pence, hold_id, offered_at,
       offer_expires_at, booked_at, started_at, completed_at, cancelled_at, cancelled_by,
       late_cancellation, hold_outcome, updated_at, title
FROM enrolments_shown WHERE worker_id = :worker_id ORDER BY asked_at, id

-- name: cancel_waiting
-- An erased worker waits for no place: their waiting and offered enrolments (which hold no
-- money) are cancelled, and the scheduler's job offers the places to the next in line. A
-- booked place stays, with its hold, for the college to start or cancel: erasure moves no money.
UPDATE enrolments
SET status = 'cancelled', cancelled_at = :now, cancelled_by = :cancelled_by,
    cancelled_by_role = 'system', updated_at = :now
WHERE worker_id = :worker_id AND status IN ('waiting', 'offered')

-- name: erase_enrolments
-- Statuses, dates, amounts and links stay (reports count enrolments and starts); the worker's
-- own name as who asked or cancelled goes.
UPDATE enrolments
SET requested_by = CASE WHEN requested_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE requested_by END,
    cancelled_by = CASE WHEN cancelled_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE cancelled_by END
WHERE worker_id = :worker_id
