-- name: lock_provider_catalogue
-- One sync per provider at a time, through people's row lock on the provider (NO KEY UPDATE,
-- which does not block rows that refer to the provider).
SELECT people_lock_provider(:provider_id)

-- name: existing_courses
SELECT id, ref, content_hash, withdrawn_at IS NOT NULL AS withdrawn
FROM courses
WHERE provider_id = :provider_id

-- name: upsert_courses
INSERT INTO courses (provider_id, ref, title, description, subjects, rqf_level, band,
                     qualification, learning_outcomes, url, skill_uris, content_hash,
                     first_starts_on, last_starts_on, lowest_cost_pence, presentation_count,
                     attendance_patterns, deliveries)
SELECT :provider_id, r.ref, r.title, r.description, r.subjects, r.rqf_level, r.band,
       r.qualification, r.learning_outcomes, r.url, r.skill_uris, r.content_hash, r.first_starts_on,
       r.last_starts_on, r.lowest_cost_pence, r.presentation_count, r.attendance_patterns,
       r.deliveries
FROM jsonb_to_recordset(:rows::jsonb) AS r(ref text, title text, description text, subjects text[],
                                       rqf_level text, band text, qualification text,
                                       learning_outcomes text, url text, skill_uris text[],
                                       content_hash text, first_starts_on date,
                                       last_starts_on date, lowest_cost_pence bigint,
                                       presentation_count integer, attendance_patterns text[],
                                       deliveries text[])
ON CONFLICT (provider_id, ref) DO UPDATE
SET title = EXCLUDED.title, description = EXCLUDED.description, subjects = EXCLUDED.subjects,
    rqf_level = EXCLUDED.rqf_level, band = EXCLUDED.band, qualification = EXCLUDED.qualification,
    learning_outcomes = EXCLUDED.learning_outcomes, url = EXCLUDED.url,
    skill_uris = EXCLUDED.skill_uris, content_hash = EXCLUDED.content_hash,
    first_starts_on = EXCLUDED.first_starts_on, last_starts_on = EXCLUDED.last_starts_on,
    lowest_cost_pence = EXCLUDED.lowest_cost_pence,
    presentation_count = EXCLUDED.presentation_count,
    attendance_patterns = EXCLUDED.attendance_patterns, deliveries = EXCLUDED.deliveries,
    updated_at = now(), withdrawn_at = NULL
RETURNING id, ref

-- name: upsert_presentations
-- Keyed by (course, the college's ref) so that a presentation keeps its id across syncs.
INSERT INTO presentations (course_id, ref, starts_on, ends_on, study_mode, attendance_pattern,
                           delivery, cost_pence, places, min_places, venue_postcode, apply_url)
SELECT r.course_id, r.ref, r.starts_on, r.ends_on, r.study_mode, r.attendance_pattern,
       r.delivery, r.cost_pence, r.places, r.min_places, r.venue_postcode, r.apply_url
FROM jsonb_to_recordset(:rows::jsonb) AS r(course_id uuid, ref text, starts_on date, ends_on date,
                                       study_mode text, attendance_pattern text, delivery text,
                                       cost_pence bigint, places integer, min_places integer,
                                       venue_postcode text, apply_url text)
ON CONFLICT (course_id, ref) DO UPDATE
SET starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
    study_mode = EXCLUDED.study_mode, attendance_pattern = EXCLUDED.attendance_pattern,
    delivery = EXCLUDED.delivery, cost_pence = EXCLUDED.cost_pence, places = EXCLUDED.places,
    min_places = EXCLUDED.min_places,
    venue_postcode = EXCLUDED.venue_postcode, apply_url = EXCLUDED.apply_url,
    updated_at = now(), withdrawn_at = NULL
WHERE presentations.withdrawn_at IS NOT NULL
   OR (presentations.starts_on, presentations.ends_on, presentations.study_mode,
       presentations.attendance_pattern, presentations.delivery, presentations.cost_pence,
       presentations.places, presentations.min_places, presentations.venue_postcode,
       presentations.apply_url)
      IS DISTINCT FROM
      (EXCLUDED.starts_on, EXCLUDED.ends_on, EXCLUDED.study_mode, EXCLUDED.attendance_pattern,
       EXCLUDED.delivery, EXCLUDED.cost_pence, EXCLUDED.places, EXCLUDED.min_places,
       EXCLUDED.venue_postcode, EXCLUDED.apply_url)

-- name: withdraw_missing_presentations
-- Presentations of the changed courses that the college no longer lists.
UPDATE presentations AS p
SET withdrawn_at = now(), updated_at = now()
WHERE p.course_id = ANY(:course_ids::uuid[])
  AND p.withdrawn_at IS NULL
  AND NOT EXISTS (SELECT 1
                  FROM unnest(:kept_course_ids::uuid[], :kept_refs::text[]) AS kept(course_id, ref)
                  WHERE kept.course_id = p.course_id AND kept.ref = p.ref)

-- name: restore_courses
UPDATE courses
SET withdrawn_at = NULL, updated_at = now()
WHERE id = ANY(:course_ids::uuid[])

-- name: withdraw_missing_courses
UPDATE courses
SET withdrawn_at = now(), updated_at = now()
WHERE provider_id = :provider_id
  AND withdrawn_at IS NULL
  AND NOT (ref = ANY(:kept_refs::text[]))
RETURNING id

-- name: clear_course_skills
DELETE FROM course_skills
WHERE course_id = ANY(:course_ids::uuid[])

-- name: insert_college_skills
INSERT INTO course_skills (course_id, skill_id, source, confidence)
SELECT given.course_id, s.id, 'college', 1
FROM unnest(:course_ids::uuid[], :uris::text[]) AS given(course_id, uri)
JOIN reference_skills AS s ON s.uri = given.uri
ON CONFLICT (course_id, skill_id) DO NOTHING

-- name: known_skill_uris
SELECT uri
FROM reference_skills
WHERE uri = ANY(:uris::text[])

-- name: skill_labels
SELECT skill_id, label, preferred
FROM reference_skill_labels

-- name: lexemes
-- Each word's English stem, as full-text search sees it; stop words give an empty vector.
SELECT word, to_tsvector('english', word)::text AS lexemes
FROM unnest(:words::text[]) AS word

-- name: insert_sync
INSERT INTO syncs (provider_id, feed_id, mode, format, status, error, received, created, updated,
                   unchanged, restored, withdrawn, rejected, rejected_records, warnings,
                   actor_role, actor_name, started_at)
VALUES (:provider_id, :feed_id, :mode, :format, :status, :error, :received, :created, :updated,
        :unchanged, :restored, :withdrawn, :rejected, :rejected_records, :warnings, :actor_role,
        :actor_name, :started_at)
RETURNING id, finished_at

-- name: list_syncs
-- A running sync whose lease has run out is shown as abandoned even before the scheduler marks
-- it so (`abandon_expired_syncs`).
SELECT s.id, p.ukprn, s.mode, s.format,
       CASE WHEN s.status = 'running' AND s.lease_until < clock_timestamp() THEN 'abandoned'
            ELSE s.status END AS status,
       CASE WHEN s.status = 'running' AND s.lease_until < clock_timestamp()
            THEN :abandoned_error::text ELSE s.error END AS error,
       s.received, s.created, s.updated,
       s.unchanged, s.restored, s.withdrawn, s.rejected, s.rejected_records, s.warnings,
       s.feed_id, s.actor_role, s.actor_name, s.started_at,
       CASE WHEN s.status = 'running' AND s.lease_until < clock_timestamp() THEN s.lease_until
            ELSE s.finished_at END AS finished_at,
       s.lease_until
FROM syncs AS s
JOIN people_providers AS p ON p.id = s.provider_id
WHERE s.provider_id = :provider_id
  AND (:after_started_at::timestamptz IS NULL
       OR (s.started_at, s.id) < (:after_started_at, :after_id::uuid))
ORDER BY s.started_at DESC, s.id DESC
LIMIT :limit

-- name: begin_sync
-- A sync's running row, written before its import starts (migration 0037).
INSERT INTO syncs (provider_id, feed_id, mode, format, status, actor_role, actor_name,
                   started_at, finished_at, lease_until)
VALUES (:provider_id, :feed_id, :mode, :format, 'running', :actor_role, :actor_name,
        :started_at, NULL, clock_timestamp() + make_interval(secs => :lease_seconds))
RETURNING id

-- name: finish_sync
-- In the import's transaction. An abandoned row (its lease ran out, yet the sync went on) gets
-- the sync's true outcome.
UPDATE syncs
SET status = :status, error = :error, received = :received, created = :created,
    updated = :updated, unchanged = :unchanged, restored = :restored, withdrawn = :withdrawn,
    rejected = :rejected, rejected_records = :rejected_records, warnings = :warnings,
    finished_at = clock_timestamp(), lease_until = NULL
WHERE id = :sync_id AND status IN ('running', 'abandoned')
RETURNING finished_at

-- name: renew_sync_lease
-- Never waits: a row the import is finishing (locked in its transaction) is skipped. A row the
-- sweep marked abandoned while its sync was still alive (no renewal reached the database for a
-- whole lease: a long pause, a partition) is taken back: running again, the abandonment's error
-- and end cleared. `was` says which it was.
UPDATE syncs AS s
SET status = 'running', error = NULL, finished_at = NULL,
    lease_until = clock_timestamp() + make_interval(secs => :lease_seconds)
FROM (SELECT id, status FROM syncs WHERE id = :sync_id AND status IN ('running', 'abandoned')
      FOR UPDATE SKIP LOCKED) AS was
WHERE s.id = was.id
RETURNING s.lease_until, was.status AS was

-- name: fail_running_sync
-- The import stopped with an error its transaction could not record (it was rolled back); the
-- true end of a sync the sweep had marked abandoned too.
UPDATE syncs
SET status = 'failed', error = :error, finished_at = clock_timestamp(), lease_until = NULL
WHERE id = (SELECT id FROM syncs WHERE id = :sync_id AND status IN ('running', 'abandoned')
            FOR UPDATE SKIP LOCKED)

-- name: abandon_expired_syncs
-- Any number of instances may run this at once: each expired row is claimed by one.
UPDATE syncs
SET status = 'abandoned', error = :abandoned_error, finished_at = lease_until
WHERE id IN (SELECT id FROM syncs WHERE status = 'running' AND lease_until < clock_timestamp()
             FOR UPDATE SKIP LOCKED)
RETURNING id

-- name: insert_feed
INSERT INTO feeds (provider_id, url, interval_minutes)
VALUES (:provider_id, :url, :interval_minutes)
RETURNING id

-- name: get_feed
SELECT f.id, p.ukprn, f.provider_id, f.url, f.interval_minutes, f.next_pull_at, f.etag,
       f.last_modified, f.last_pulled_at, f.last_outcome, f.last_error, f.consecutive_failures,
       f.created_at
FROM feeds AS f
JOIN people_providers AS p ON p.id = f.provider_id
WHERE f.id = :feed_id

-- name: list_feeds
SELECT f.id, p.ukprn, f.provider_id, f.url, f.interval_minutes, f.next_pull_at, f.etag,
       f.last_modified, f.last_pulled_at, f.last_outcome, f.last_error, f.consecutive_failures,
       f.created_at
FROM feeds AS f
JOIN people_providers AS p ON p.id = f.provider_id
WHERE f.provider_id = :provider_id
  AND (:after_created_at::timestamptz IS NULL
       OR (f.created_at, f.id) < (:after_created_at, :after_id::uuid))
ORDER BY f.created_at DESC, f.id DESC
LIMIT :limit

-- name: claim_due_feeds
-- A short transaction: the lease keeps other instances away while this one fetches.
UPDATE feeds AS f
SET lease_until = now() + make_interval(secs => :lease_seconds)
FROM (SELECT id
      FROM feeds
      WHERE next_pull_at <= now()
        AND (lease_until IS NULL OR lease_until < now())
      ORDER BY next_pull_at
      LIMIT :limit
      FOR UPDATE SKIP LOCKED) AS due
WHERE f.id = due.id
RETURNING f.id

-- name: claim_feed
UPDATE feeds AS f
SET lease_until = now() + make_interval(secs => :lease_seconds)
FROM (SELECT id
      FROM feeds
      WHERE id = :feed_id
        AND (lease_until IS NULL OR lease_until < now())
      FOR UPDATE SKIP LOCKED) AS free
WHERE f.id = free.id
RETURNING f.id

-- name: finish_pull
UPDATE feeds
SET lease_until = NULL,
    last_pulled_at = now(),
    last_outcome = :outcome,
    last_error = :error,
    etag = CASE WHEN :outcome = 'synced' THEN :etag ELSE etag END,
    last_modified = CASE WHEN :outcome = 'synced' THEN :last_modified ELSE last_modified END,
    consecutive_failures = CASE WHEN :outcome = 'failed' THEN consecutive_failures + 1 ELSE 0 END,
    -- A failing feed is retried sooner than its interval, but backs off: 5 min, 10, 20, ...
    next_pull_at = now() + CASE
        WHEN :outcome = 'failed' THEN least(make_interval(mins => interval_minutes),
                                      make_interval(mins => 5 * (2 ^ least(consecutive_failures, 10))::integer))
        ELSE make_interval(mins => interval_minutes) END
WHERE id = :feed_id

-- name: defer_pull
-- The pull found the college's catalogue busy: its lease given back, due again in a round's
-- time (not at once: the round claiming due feeds would take it straight back), with nothing
-- of how its pulls went changed (no failure counted, no back-off). From the clock, not now():
-- the transaction began before the wait on the lock, which can be as long as a poll interval.
UPDATE feeds
SET lease_until = NULL, next_pull_at = clock_timestamp() + make_interval(secs => :seconds)
WHERE id = :feed_id

-- name: get_course
-- Skills are pending while the college gave none and the inference job has not yet seen this
-- version of the text (the same test as claim_courses_for_inference).
SELECT c.id, p.ukprn, p.name AS provider_name, c.ref, c.title, c.description, c.subjects,
       c.rqf_level, c.band, c.qualification, c.learning_outcomes, c.url, c.created_at,
       c.updated_at, c.withdrawn_at,
       (c.withdrawn_at IS NULL AND cardinality(c.skill_uris) = 0
        AND NOT EXISTS (SELECT 1 FROM course_skill_inferences AS i
                        WHERE i.course_id = c.id AND i.content_hash = c.content_hash))
           AS skills_pending
FROM courses AS c
JOIN people_providers AS p ON p.id = c.provider_id
WHERE c.id = :course_id

-- name: course_presentations
SELECT id, ref, starts_on, ends_on, study_mode, attendance_pattern, delivery, cost_pence,
       places, min_places, venue_postcode, apply_url
FROM presentations
WHERE course_id = :course_id
  AND withdrawn_at IS NULL
ORDER BY starts_on NULLS LAST, ref

-- name: course_skills
SELECT cs.skill_id, s.uri, s.label, cs.source,
       round(cs.confidence::numeric, 2)::float8 AS confidence,
       cs.matched_label, cs.matched_words, cs.matched_in
FROM course_skills AS cs
JOIN reference_skills AS s ON s.id = cs.skill_id
WHERE cs.course_id = :course_id
ORDER BY cs.confidence DESC, s.label

-- name: skill_by_uri_or_id
SELECT id
FROM reference_skills
WHERE uri = :uri OR id = :skill_id

-- name: search_page
-- One page of course search, in one statement. First the courses matching the query :q
-- (course_search_all_words) that hold one of its words (course_search_any_word) in their title
-- or subjects, ranked by those, then by first start date, then id; then, if that leaves the page
-- short (PostgreSQL runs the second part only then), the courses matching :q only outside their
-- heading, by first start date and id, with rank 0, walking courses_start_idx; with no :q, that
-- second part is every course. None match a :q of stop words only. The keyset cursor
-- (:after_rank, :after_starts_on, :after_id) is that triple, the rank negated so that all three
-- sort ascending; a cursor of rank 0 is one of the second part. Presentation filters
-- (:attendance, :delivery, :max_cost, :starting_after) are tested on the course's summary
-- columns (course_meets); when there are several (:presentations_together), one presentation
-- must meet them all (course_presentation_meets), probed per course (a scalar subquery, so that
-- it is never hashed over every presentation). The page's dates, costs and counts are those of
-- its matching presentations. The statement is the function course_search_page_general
-- (migration 0028), planned with its own values each time (its SET plan_cache_mode), in one
-- round trip. course_search_page (migration 0041) sends it every call but the commonest, a :q
-- and nothing else (no filter; no cursor, or one of the first part): that one it runs itself,
-- the same statement with the null filters left out and the query's words computed once,
-- under a generic plan kept for the session (re-planning was about half the search's database
-- CPU; docs/benchmarks.md). Both return the same rows in the same order.
SELECT * FROM course_search_page(:q, :level, :band, :provider_id, :skill_id, :attendance,
                                  :delivery, :max_cost, :starting_after,
                                  :presentations_together, :after_rank, :after_starts_on,
                                  :after_id, :limit)

-- name: claim_courses_for_inference
-- Current courses without college-given skills whose text changed since their skills were last
-- inferred; rows another worker (or an open sync) holds are skipped, not waited for.
SELECT c.id
FROM courses AS c
LEFT JOIN course_skill_inferences AS i ON i.course_id = c.id
WHERE c.withdrawn_at IS NULL
  AND cardinality(c.skill_uris) = 0
  AND (:provider_id::uuid IS NULL OR c.provider_id = :provider_id)
  AND i.content_hash IS DISTINCT FROM c.content_hash
ORDER BY c.id
LIMIT :limit
FOR UPDATE OF c SKIP LOCKED

-- name: still_pending_inference
-- Re-read after the claim, in a new snapshot: a worker that finished one of these courses and
-- released its lock just before we took it only wrote course_skill_inferences, so the claim's
-- own (older) snapshot would not show it.
SELECT c.id, c.title, c.subjects, c.description, c.content_hash
FROM courses AS c
LEFT JOIN course_skill_inferences AS i ON i.course_id = c.id
WHERE c.id = ANY(:course_ids::uuid[])
  AND i.content_hash IS DISTINCT FROM c.content_hash

-- name: mark_skills_inferred
INSERT INTO course_skill_inferences (course_id, content_hash)
SELECT course_id, content_hash
FROM unnest(:course_ids::uuid[], :content_hashes::text[]) AS done(course_id, content_hash)
ON CONFLICT (course_id) DO UPDATE
SET content_hash = EXCLUDED.content_hash, inferred_at = now()

-- name: forget_skill_inferences
DELETE FROM course_skill_inferences AS i
USING courses AS c
WHERE c.id = i.course_id
  AND (:provider_id::uuid IS NULL OR c.provider_id = :provider_id)
