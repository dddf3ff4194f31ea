-- name: account_row
SELECT worker_id, balance_pence, held_pence, credited_pence,
       balance_pence - held_pence AS available_pence, updated_at
FROM accounts WHERE worker_id = :worker_id

-- name: ledger_rows
SELECT id, seq, kind, amount_pence, pot, earmark, source, reference, reason, rule,
       policy_version, period, hold_id, provider_id, created_by, created_at
FROM ledger_entries WHERE worker_id = :worker_id ORDER BY seq

-- name: hold_rows
SELECT id, amount_pence, status, course_id, pathway_target, reference, provider_id, reason,
       created_at, closed_at
FROM holds WHERE worker_id = :worker_id ORDER BY created_at, id

-- name: accrual_rows
SELECT period, amount_pence, rule, policy_version, entry_id, created_at
FROM accruals WHERE worker_id = :worker_id ORDER BY period

-- name: allow_ledger_erasure
-- The one edit of ledger entries the append-only trigger allows (migrations 0024, 0029), for this
-- worker's entries, until the transaction ends.
SELECT set_config('ladder.erasing_worker', :worker_id, true)

-- name: erase_ledger_text
-- Amounts, kinds, pots and links stay, so balances and totals still add up.
-- The worker's own name as who made an entry goes too.
UPDATE ledger_entries
SET reference = CASE WHEN reference IS NULL THEN NULL ELSE :erased END,
    reason = CASE WHEN reason IS NULL THEN NULL ELSE :erased END,
    created_by = CASE WHEN created_by LIKE 'worker: %' THEN 'worker: ' || :erased
                      ELSE created_by END
WHERE worker_id = :worker_id
  AND (reference IS NOT NULL OR reason IS NOT NULL OR created_by LIKE 'worker: %')

-- name: erase_hold_text
UPDATE holds
SET reference = :erased, reason = CASE WHEN reason IS NULL THEN NULL ELSE :erased END
WHERE worker_id = :worker_id
