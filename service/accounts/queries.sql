-- name: ensure_account
INSERT INTO accounts (worker_id)
VALUES (:worker_id)
ON CONFLICT (worker_id) DO NOTHING

-- name: lock_account
-- Every change to an account starts here: one writer per account at a time, on any instance.
SELECT worker_id, balance_pence, held_pence, credited_pence
FROM accounts
WHERE worker_id = :worker_id
FOR UPDATE

-- name: get_account
SELECT worker_id, balance_pence, held_pence, credited_pence
FROM accounts
WHERE worker_id = :worker_id

-- name: add_to_account
UPDATE accounts
SET balance_pence = balance_pence + :balance, held_pence = held_pence + :held,
    credited_pence = credited_pence + :credited, updated_at = now()
WHERE worker_id = :worker_id

-- name: pot_available
SELECT pot, sum(ledger_balance_delta(kind, amount_pence)
               - ledger_held_delta(kind, amount_pence))::bigint AS available_pence
FROM ledger_entries
WHERE worker_id = :worker_id
GROUP BY pot

-- name: insert_entry
INSERT INTO ledger_entries (worker_id, kind, amount_pence, pot, earmark, source, reference,
                            reason, rule, policy_version, period, hold_id, provider_id,
                            created_by)
VALUES (:worker_id, :kind, :amount_pence, :pot, :earmark, :source, :reference, :reason, :rule,
        :policy_version, :period, :hold_id, :provider_id, :created_by)
RETURNING id, kind, amount_pence, earmark, source, reference, reason, rule, policy_version,
          period, hold_id, created_by, created_at

-- name: insert_topup
-- A top-up is granted once per worker: the partial unique index decides, not the caller.
INSERT INTO ledger_entries (worker_id, kind, amount_pence, pot, earmark, reference, reason, rule,
                            policy_version, created_by)
VALUES (:worker_id, :kind, :amount_pence, :pot, :earmark, :reference, :reason, :rule,
        :policy_version, :created_by)
ON CONFLICT DO NOTHING
RETURNING id, kind, amount_pence, earmark, source, reference, reason, rule, policy_version,
          period, hold_id, created_by, created_at

-- name: list_entries
SELECT id, seq, kind, amount_pence, earmark, source, reference, reason, rule, policy_version,
       period, hold_id, created_by, created_at
FROM ledger_entries
WHERE worker_id = :worker_id
  AND (:kind::text IS NULL OR kind = :kind)
  AND (:before_seq::bigint IS NULL OR seq < :before_seq)
ORDER BY seq DESC
LIMIT :limit

-- name: statement
SELECT created_at, kind, amount_pence, source, reference, reason, rule, period,
       ledger_balance_delta(kind, amount_pence) AS balance_change_pence,
       ledger_held_delta(kind, amount_pence) AS held_change_pence,
       (sum(ledger_balance_delta(kind, amount_pence)) OVER running)::bigint AS balance_pence,
       (sum(ledger_held_delta(kind, amount_pence)) OVER running)::bigint AS held_pence
FROM ledger_entries
WHERE worker_id = :worker_id
WINDOW running AS (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY seq

-- name: ledger_totals
SELECT coalesce(sum(ledger_balance_delta(kind, amount_pence)), 0)::bigint AS balance_pence,
       coalesce(sum(ledger_held_delta(kind, amount_pence)), 0)::bigint AS held_pence,
       coalesce(sum(ledger_credited_delta(kind, amount_pence)), 0)::bigint AS credited_pence
FROM ledger_entries
WHERE worker_id = :worker_id

-- name: insert_hold
INSERT INTO holds (worker_id, amount_pence, course_id, pathway_target, reference)
VALUES (:worker_id, :amount, :course_id, :pathway_target, :reference)
RETURNING id, worker_id, amount_pence, status, course_id, pathway_target, reference,
          provider_id, reason, created_at, closed_at

-- name: hold_worker
SELECT worker_id
FROM holds
WHERE id = :hold_id

-- name: lock_hold
SELECT id, worker_id, amount_pence, status, course_id, pathway_target, reference, provider_id,
       reason, created_at, closed_at
FROM holds
WHERE id = :hold_id
FOR UPDATE

-- name: close_hold
UPDATE holds
SET status = :status, provider_id = :provider_id, reason = :reason, closed_at = now()
WHERE id = :hold_id AND status = 'open'
RETURNING id, worker_id, amount_pence, status, course_id, pathway_target, reference,
          provider_id, reason, created_at, closed_at

-- name: list_holds
-- Newest first; the keyset cursor is (created_at, id).
SELECT id, worker_id, amount_pence, status, course_id, pathway_target, reference, provider_id,
       reason, created_at, closed_at
FROM holds
WHERE worker_id = :worker_id
  AND (:status::text IS NULL OR status = :status)
  AND (:after_created_at::timestamptz IS NULL
       OR (created_at, id) < (:after_created_at, :after_id::uuid))
ORDER BY created_at DESC, id DESC
LIMIT :limit

-- name: hold_portions
SELECT pot, earmark, amount_pence
FROM ledger_entries
WHERE hold_id = :hold_id AND kind = 'hold'
ORDER BY seq

-- name: try_accrual_lock
SELECT pg_try_advisory_lock(:lock, hashtext(:period))

-- name: accrual_unlock
SELECT pg_advisory_unlock(:lock, hashtext(:period))

-- name: accrual_batch
-- Eligible: a worker record made before the run started, not erased, not yet dealt with for
-- the period.
SELECT w.id, w.highest_qualification, w.contract_type
FROM people_workers AS w
WHERE w.created_at <= :cutoff AND NOT w.erased
  AND (:after::uuid IS NULL OR w.id > :after)
  AND NOT EXISTS (SELECT 1 FROM accruals AS a WHERE a.period = :period AND a.worker_id = w.id)
ORDER BY w.id
LIMIT :limit

-- name: ensure_accounts
INSERT INTO accounts (worker_id)
SELECT unnest(:worker_ids::uuid[])
ON CONFLICT (worker_id) DO NOTHING

-- name: lock_accounts
SELECT worker_id, balance_pence
FROM accounts
WHERE worker_id = ANY(:worker_ids::uuid[])
ORDER BY worker_id
FOR UPDATE

-- name: insert_credits
INSERT INTO ledger_entries (worker_id, kind, amount_pence, rule, policy_version, period,
                            reference, created_by)
SELECT t.worker_id, 'annual_credit', t.amount, t.rule, :policy_version, :period,
       'accrual ' || :period, :created_by
FROM unnest(:worker_ids::uuid[], :amounts::bigint[], :rules::text[]) AS t(worker_id, amount, rule)
RETURNING id, worker_id

-- name: insert_accruals
INSERT INTO accruals (period, worker_id, amount_pence, rule, policy_version, entry_id)
SELECT :period, t.worker_id, t.amount, t.rule, :policy_version, t.entry_id
FROM unnest(:worker_ids::uuid[], :amounts::bigint[], :rules::text[], :entry_ids::uuid[])
     AS t(worker_id, amount, rule, entry_id)

-- name: add_credits
UPDATE accounts AS a
SET balance_pence = a.balance_pence + t.amount, credited_pence = a.credited_pence + t.amount,
    updated_at = now()
FROM unnest(:worker_ids::uuid[], :amounts::bigint[]) AS t(worker_id, amount)
WHERE a.worker_id = t.worker_id

-- name: accrual_summary
SELECT count(*) AS workers, count(*) FILTER (WHERE amount_pence = 0) AS at_ceiling,
       coalesce(sum(amount_pence), 0)::bigint AS credited_pence
FROM accruals
WHERE period = :period

-- name: now
SELECT now()

-- name: account_summary
-- What GET /account shows, in one round trip: the worker read and audited through people's
-- worker_audited (the scope_, actor_, token_id and action parameters are the caller's scope and
-- who reads and why, as it takes them; no row if there is no such worker), of which only
-- `visible` and the two columns the rate depends on are sent, cached totals, earmarked money
-- still available, whether :period's accrual has reached the worker, and the version and rules
-- (as JSON text, which the policy domain decodes once per rules seen) of the policy in force on
-- :day (through the policy domain's policy_in_force; null if there is none). lazy_commit: as
-- people's get_worker_audited takes it.
-- The account is joined on :worker_id, not on w.id: PostgreSQL guesses a set-returning
-- function gives about 1,000 rows, so a join on its output hash-joined the whole accounts
-- table on every read; on the parameter it is one accounts_pkey probe (w has at most that row).
WITH earmarked AS (
    SELECT pot, sum(ledger_balance_delta(kind, amount_pence)
                    - ledger_held_delta(kind, amount_pence))::bigint AS available
    FROM ledger_entries
    WHERE worker_id = :worker_id AND pot <> 'general'
    GROUP BY pot
)
SELECT w.visible, w.highest_qualification, w.contract_type,
       coalesce(a.balance_pence, 0) AS balance_pence, coalesce(a.held_pence, 0) AS held_pence,
       coalesce(a.credited_pence, 0) AS credited_pence,
       EXISTS (SELECT 1 FROM accruals AS r
               WHERE r.period = :period AND r.worker_id = :worker_id) AS accrued,
       ARRAY(SELECT pot FROM earmarked WHERE available > 0 ORDER BY pot) AS pots,
       ARRAY(SELECT available FROM earmarked WHERE available > 0 ORDER BY pot) AS available,
       p.version AS policy_version, p.rules::text AS policy_rules
FROM worker_audited(:worker_id, :scope_any, :scope_branch, :scope_worker_id, :actor_role,
                    :actor_id, :actor_name, :token_id, :action, false) AS w
LEFT JOIN accounts AS a ON a.worker_id = :worker_id
LEFT JOIN LATERAL policy_in_force(:day) AS p ON true
WHERE audit_commit_lazily(:lazy_commit)

-- name: spent_since
-- Pence paid to providers for these workers' courses (settlements) since the day.
SELECT coalesce(sum(amount_pence), 0)::bigint
FROM ledger_entries
WHERE worker_id = ANY (:worker_ids::uuid[]) AND kind = 'settlement' AND created_at >= :since
