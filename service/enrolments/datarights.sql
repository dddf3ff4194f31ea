-- name: enrolment_rows
SELECT id, presentation_id, course_id, provider_id, status, priority_score, cost_pence,
       hold_id, hold_outcome, consent_id, requested_by, asked_at, offered_at, offer_expires_at,
       booked_at, started_at, completed_at, cancelled_at, cancelled_by, cancelled_by_role,
       late_cancellation, updated_at
FROM enrolments WHERE worker_id = :worker_id ORDER BY asked_at, id

-- name: cancel_unbooked
UPDATE enrolments
SET status = 'cancelled', cancelled_at = :now, cancelled_by = 'system: erasure',
    cancelled_by_role = 'system', updated_at = :now
WHERE worker_id = :worker_id AND status IN ('waiting', 'offered')

-- name: erase_enrolments
UPDATE enrolments
SET requested_by = CASE WHEN requested_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE requested_by END,
    cancelled_by = CASE WHEN cancelled_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE cancelled_by END
WHERE worker_id = :worker_id
