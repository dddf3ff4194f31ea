-- Search ranks courses by their heading: the title and subjects. Scoring that small vector is
-- cheap, and a GIN index on it finds the courses to score. Courses that match only in their
-- description follow, unranked, by start date, which walks courses_start_idx and stops at a
-- page. Before this, ts_rank scored every match of the whole text: for a common word that was
-- every other course in the catalogue.
ALTER TABLE courses ADD COLUMN heading tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', courses_words(subjects)), 'B')) STORED;

CREATE INDEX courses_heading_idx ON courses USING gin (heading);

-- What the course's current presentations offer, written by the sync with first_starts_on and
-- lowest_cost_pence. One presentation filter is then a test on the course row; several still
-- need one presentation that meets them all, but only courses passing these are probed.
ALTER TABLE courses
    ADD COLUMN last_starts_on date,
    ADD COLUMN attendance_patterns text[] NOT NULL DEFAULT '{}',
    ADD COLUMN deliveries text[] NOT NULL DEFAULT '{}';

UPDATE courses AS c
SET last_starts_on = s.last_starts_on, attendance_patterns = s.attendance_patterns,
    deliveries = s.deliveries
FROM (SELECT course_id, max(starts_on) AS last_starts_on,
             coalesce(array_agg(DISTINCT attendance_pattern ORDER BY attendance_pattern)
                      FILTER (WHERE attendance_pattern IS NOT NULL), '{}') AS attendance_patterns,
             coalesce(array_agg(DISTINCT delivery ORDER BY delivery)
                      FILTER (WHERE delivery IS NOT NULL), '{}') AS deliveries
      FROM presentations
      WHERE withdrawn_at IS NULL
      GROUP BY course_id) AS s
WHERE s.course_id = c.id;
