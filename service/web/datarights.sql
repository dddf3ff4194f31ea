-- name: session_rows
-- A worker's web sessions and sign-in links (never their hashes).
SELECT 'session' AS kind, id, name, created_at, expires_at, ended_at AS closed_at
FROM web_sessions WHERE role = 'worker' AND subject_id = :worker_id
UNION ALL
SELECT 'sign_in_link', id, name, created_at, expires_at, used_at
FROM web_sign_in_links WHERE role = 'worker' AND subject_id = :worker_id
ORDER BY created_at, id

-- name: end_sessions
-- An erased worker is signed out at once; a session's name may be theirs.
UPDATE web_sessions SET ended_at = coalesce(ended_at, :now), name = :erased
WHERE role = 'worker' AND subject_id = :worker_id

-- name: spend_links
UPDATE web_sign_in_links SET used_at = coalesce(used_at, :now), name = :erased
WHERE role = 'worker' AND subject_id = :worker_id
