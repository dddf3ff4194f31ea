-- name: policy_on
SELECT version, effective_from, rules, note, created_by, created_at
FROM policies
WHERE effective_from <= :day
ORDER BY effective_from DESC
LIMIT 1

-- name: get_policy
SELECT version, effective_from, rules, note, created_by, created_at
FROM policies
WHERE version = :version

-- name: latest_policy
SELECT version, effective_from, rules, note, created_by, created_at
FROM policies
ORDER BY effective_from DESC
LIMIT 1

-- name: list_policies
SELECT version, effective_from, rules, note, created_by, created_at
FROM policies
WHERE (:before_version::integer IS NULL OR version < :before_version)
ORDER BY version DESC
LIMIT :limit

-- name: insert_policy
-- Versions are numbered in order; the table lock makes two admins publishing at once get
-- consecutive numbers instead of a clash.
INSERT INTO policies (version, effective_from, rules, note, created_by)
SELECT coalesce(max(version), 0) + 1, :effective_from, :rules, :note, :created_by
FROM policies
RETURNING version, effective_from, rules, note, created_by, created_at

-- name: lock_policies
LOCK TABLE policies IN SHARE ROW EXCLUSIVE MODE
