-- name: enrolment_rows
SELECT id, presentation_id, course_id, provider_id, consent_id, status, priority_score,
       asked_at, requested_by, cost_pence, hold_id, hold_outcome, booked_at, offered_at,
       offer_expires_at, started_at, completed_at, cancelled_at, cancelled_by,
       cancelled_by_role, late_cancellation, updated_at
FROM enrolments WHERE worker_id = :worker_id ORDER BY asked_at, id

-- name: active_enrolments
-- Waiting, offered or booked: what an erasure cancels (a course started or completed stays).
SELECT id, presentation_id FROM enrolments
WHERE worker_id = :worker_id AND status IN ('waiting', 'offered', 'booked')
ORDER BY presentation_id, id

-- name: erase_enrolments
-- Statuses, courses, costs and times stay (reports count enrolments and courses started); the
-- worker's own name as who asked or cancelled goes.
UPDATE enrolments
SET requested_by = CASE WHEN requested_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE requested_by END,
    cancelled_by = CASE WHEN cancelled_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE cancelled_by END
WHERE worker_id = :worker_id
