-- name: principal_for_token
-- The live token's caller, with a rep's branch and a college's UKPRN through people's
-- people_subjects, and when the token expires.
SELECT t.id AS token_id, t.role, t.name, t.worker_id, t.rep_id, t.provider_id,
       s.branch, s.ukprn, t.expires_at
FROM api_tokens t
LEFT JOIN people_subjects s
       ON s.kind = CASE t.role WHEN 'rep' THEN 'rep' WHEN 'college' THEN 'provider' END
      AND s.id = coalesce(t.rep_id, t.provider_id)
WHERE t.token_hash = :token_hash
  AND t.revoked_at IS NULL
  AND (t.expires_at IS NULL OR t.expires_at > now())

-- name: insert_token
INSERT INTO api_tokens (token_hash, role, name, worker_id, rep_id, provider_id, expires_at)
VALUES (:token_hash, :role, :name, :worker_id, :rep_id, :provider_id, :expires_at)
RETURNING id, role, name, created_at, expires_at

-- name: revoke_token
UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
WHERE id = :token_id
RETURNING id, revoked_at

-- name: subject_exists
-- Through people's people_subjects; a college token stands for a provider.
SELECT EXISTS (SELECT 1 FROM people_subjects
               WHERE kind = CASE :role::text WHEN 'college' THEN 'provider' ELSE :role END
                 AND id = :subject_id)
