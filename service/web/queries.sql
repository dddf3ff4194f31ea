-- name: insert_link
INSERT INTO web_sign_in_links (token_hash, role, subject_id, name, expires_at)
VALUES (:token_hash, :role, :subject_id, :name, now() + make_interval(secs => :seconds))
RETURNING id

-- name: use_link
-- Marks a live link used and answers whom it signs in; nothing for a link that is unknown,
-- used or expired. The row lock makes a link usable once however many requests race for it.
UPDATE web_sign_in_links SET used_at = now()
WHERE token_hash = :token_hash AND used_at IS NULL AND expires_at > now()
RETURNING role, subject_id, name

-- name: insert_session
INSERT INTO web_sessions (token_hash, role, subject_id, name, expires_at)
VALUES (:token_hash, :role, :subject_id, :name, now() + make_interval(secs => :seconds))
RETURNING id, expires_at

-- name: session_principal
-- The live session's caller, with a rep's branch and a college's UKPRN through people's
-- people_subjects (a session whose subject no longer exists is refused).
SELECT ws.id AS token_id, ws.role, ws.name, ws.subject_id, s.branch, s.ukprn
FROM web_sessions ws
JOIN people_subjects s
  ON s.kind = CASE ws.role WHEN 'college' THEN 'provider' ELSE ws.role END
 AND s.id = ws.subject_id
WHERE ws.token_hash = :token_hash AND ws.ended_at IS NULL AND ws.expires_at > now()

-- name: end_session
UPDATE web_sessions SET ended_at = now() WHERE token_hash = :token_hash AND ended_at IS NULL

-- name: count_hit
-- One more request for `key` in the window starting at :window_start; the count so far.
INSERT INTO web_rate_limits AS r (key, window_start, hits) VALUES (:key, :window_start, 1)
ON CONFLICT (key, window_start) DO UPDATE SET hits = r.hits + 1
RETURNING hits

-- name: forget_old
-- What no longer counts for anything: rate-limit windows past, links and sessions long over.
WITH windows AS (DELETE FROM web_rate_limits WHERE window_start < :before),
     links AS (DELETE FROM web_sign_in_links WHERE expires_at < :before)
DELETE FROM web_sessions WHERE expires_at < :before
