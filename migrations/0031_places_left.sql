-- Courses' `courses_current_presentations` counted no enrolments: `places_left` was `places`,
-- so matching offered presentations whose places were all taken. Enrolments publish the places
-- their enrolments hold on each presentation (the statuses of `HAS_PLACE` in
-- service/enrolments/logic.py: offered, booked, started, completed, as `enrolments_shown`
-- counts them), and courses' view subtracts them. Same columns, same order.

-- Enrolments: how many places enrolments hold on a presentation (no row: none).
CREATE VIEW enrolments_places_taken AS
SELECT e.presentation_id, count(*)::integer AS places_taken
FROM enrolments AS e
WHERE e.status IN ('offered', 'booked', 'started', 'completed')
GROUP BY e.presentation_id;

-- Courses: `places_left` is `places` less the places enrolments hold, never below 0 (null: the
-- college gave no number, no limit); `status` is 'full' when none is left, else 'open'. The
-- count is a correlated subquery over enrolments' view, so the presentation's id reaches the
-- enrolments index (enrolments_presentation_idx) for each row read.
CREATE OR REPLACE VIEW courses_current_presentations AS
SELECT p.id AS presentation_id, p.course_id, c.title, c.provider_id, v.ukprn AS provider_ukprn,
       v.name AS provider_name, p.starts_on, p.ends_on, p.study_mode, p.attendance_pattern,
       p.delivery, p.venue_postcode, p.places, l.places_left, p.cost_pence,
       c.rqf_level, c.band,
       CASE WHEN l.places_left = 0 THEN 'full' ELSE 'open' END AS status
FROM presentations AS p
JOIN courses AS c ON c.id = p.course_id
JOIN people_providers AS v ON v.id = c.provider_id
CROSS JOIN LATERAL (
    SELECT greatest(0, p.places - coalesce((SELECT t.places_taken
                                            FROM enrolments_places_taken AS t
                                            WHERE t.presentation_id = p.id), 0))::integer
               AS places_left
) AS l
WHERE p.withdrawn_at IS NULL AND c.withdrawn_at IS NULL;
