-- name: worker_context
-- The worker read and audited through people's worker_audited (the scope_, actor_, token_id
-- and action parameters are the caller's scope and who reads and why; no row if there is no
-- such worker), their occupation with its risk, their available and earmarked money, and the
-- full-time week of the policy in force on :day, in one round trip. The joins name :worker_id,
-- not w.id: the planner takes a function's result for 1,000 rows and would hash all workers.
SELECT w.*, o.id AS occupation_id, o.uri AS occupation_uri, o.code AS occupation_code,
       o.label AS occupation_label, o.risk AS occupation_risk,
       o.risk_category AS occupation_risk_category, o.risk_source AS occupation_risk_source,
       coalesce(a.available_pence, 0) AS available_pence,
       coalesce(a.earmarked_pence, 0) AS earmarked_pence,
       (p.rules -> 'priority' ->> 'full_time_hours')::float8 AS full_time_hours
FROM worker_audited(:worker_id, :scope_any, :scope_branch, :scope_worker_id, :actor_role,
                    :actor_id, :actor_name, :token_id, :action, :lock) AS w
LEFT JOIN people_workers AS pw ON pw.id = :worker_id
LEFT JOIN reference_occupations AS o ON o.id = pw.occupation_id
LEFT JOIN accounts_available AS a ON a.worker_id = :worker_id
LEFT JOIN LATERAL policy_in_force(:day) AS p ON true

-- name: targets_with_gaps
-- In one round trip, what a worker's pathways are built from: the worker's occupation's best
-- :limit targets that are safer (lower risk, not High: checked here too, not only by the
-- build), best first, each with its gap skills (the target's essential skills the worker does
-- not hold at level 2 or above; an assumed skill of their own occupation counts as held) and
-- their ESCO collection tags, rows of kind 'g' (a target with no gap comes back once with a
-- null skill); and then, rows of kind 'o', the presentations that fit for all those gaps at
-- once (none when :per_skill is 0, as for a pathway choice).
--
-- A presentation fits when it is not full, starts after :today (or has no start date, or a
-- flexible one still running), and is online or has a venue in one of :areas (the postcode
-- areas of the worker's region; the area is the postcode's leading letters). For each gap
-- skill, up to :per_skill of them: those whose hours suit first (when :flexible_hours:
-- evening, weekend, self-paced, online or blended), then cheapest, then soonest; then one per
-- course, the best by the same order (a course's level is the same for all its
-- presentations), with every skill the course teaches (a handful: the caller keeps the gaps
-- among them; filtering here by the gaps made the planner probe the skill index once per gap
-- and row).
WITH targets AS (
    SELECT t.target_id, t.similarity, t.risk_drop, t.shared_essential, t.missing_essential
    FROM reference_transitions AS t
    WHERE t.occupation_id = :occupation_id
      AND t.target_risk < t.risk AND t.target_risk_category <> 'High'
      AND (:target_id::uuid IS NULL OR t.target_id = :target_id)
    ORDER BY t.similarity DESC, t.risk_drop DESC, t.target_id
    LIMIT :limit
), described AS (
    -- the occupations joined to the few targets here: joined to their gaps, the planner
    -- hashed all 3,007 occupations
    SELECT t.*, o.uri AS target_uri, o.code AS target_code, o.label AS target_label,
           o.risk AS target_risk, o.risk_category AS target_risk_category,
           o.risk_source AS target_risk_source
    FROM targets AS t
    JOIN reference_occupations AS o ON o.id = t.target_id
), gaps AS (
    SELECT t.*, m.skill_id
    FROM described AS t
    LEFT JOIN LATERAL (
        SELECT r.skill_id
        FROM reference_occupation_skills AS r
        WHERE r.occupation_id = t.target_id AND r.relation = 'essential'
          AND NOT EXISTS (SELECT 1 FROM skills_worker_holdings AS h
                          WHERE h.worker_id = :worker_id AND h.skill_id = r.skill_id
                            AND (h.assumed OR h.level >= 2))
    ) AS m ON true
), fitting AS (
    SELECT DISTINCT ON (f.course_id) f.*
    FROM (SELECT DISTINCT skill_id FROM gaps WHERE skill_id IS NOT NULL) AS g
    CROSS JOIN LATERAL (
        SELECT p.presentation_id, p.course_id, p.title, p.rqf_level, p.band, p.starts_on,
               p.ends_on, p.study_mode, p.attendance_pattern, p.delivery, p.venue_postcode,
               p.places_left, p.cost_pence, p.provider_name,
               (:flexible_hours AND p.attendance_pattern IS DISTINCT FROM 'evening'
                AND p.attendance_pattern IS DISTINCT FROM 'weekend'
                AND p.attendance_pattern IS DISTINCT FROM 'self_paced'
                AND p.delivery IS DISTINCT FROM 'online'
                AND p.delivery IS DISTINCT FROM 'blended') AS unsuited
        FROM courses_taught_skills AS s
        JOIN courses_current_presentations AS p ON p.course_id = s.course_id
        WHERE s.skill_id = g.skill_id
          AND p.status = 'open'
          AND (p.starts_on IS NULL OR p.starts_on > :today
               OR (p.study_mode = 'flexible' AND (p.ends_on IS NULL OR p.ends_on >= :today)))
          AND (p.delivery = 'online'
               OR rtrim(upper(left(p.venue_postcode, 2)), '0123456789') = ANY (:areas::text[]))
        ORDER BY 15, p.cost_pence NULLS FIRST, p.starts_on NULLS FIRST, p.presentation_id
        LIMIT :per_skill
    ) AS f
    ORDER BY f.course_id, f.unsuited, f.cost_pence NULLS FIRST, f.starts_on NULLS FIRST,
             f.presentation_id
)
(SELECT 'g' AS kind, t.target_id, t.target_uri, t.target_code, t.target_label,
        t.target_risk, t.target_risk_category, t.target_risk_source, t.similarity, t.risk_drop, t.shared_essential, t.missing_essential,
        k.id AS skill_id, k.uri AS skill_uri, k.label AS skill_label,
        ARRAY(SELECT x.tag FROM reference_skill_tags AS x WHERE x.skill_id = k.id
              ORDER BY x.tag) AS tags,
        NULL::uuid AS presentation_id, NULL::uuid AS course_id, NULL::text AS title,
        NULL::text AS rqf_level, NULL::text AS band, NULL::date AS starts_on,
        NULL::date AS ends_on, NULL::text AS study_mode, NULL::text AS attendance_pattern,
        NULL::text AS delivery, NULL::text AS venue_postcode, NULL::integer AS places_left,
        NULL::bigint AS cost_pence, NULL::text AS provider_name, NULL::uuid[] AS teaches
 FROM gaps AS t
 LEFT JOIN reference_skills AS k ON k.id = t.skill_id
 ORDER BY t.similarity DESC, t.risk_drop DESC, t.target_id, k.label, k.id)
UNION ALL
SELECT 'o', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, f.presentation_id, f.course_id, f.title, f.rqf_level, f.band, f.starts_on,
       f.ends_on, f.study_mode, f.attendance_pattern, f.delivery, f.venue_postcode,
       f.places_left, f.cost_pence, f.provider_name,
       ARRAY(SELECT s.skill_id FROM courses_taught_skills AS s WHERE s.course_id = f.course_id)
FROM fitting AS f

-- name: insert_choice
INSERT INTO pathway_choices (worker_id, target_id, similarity, risk_drop, topup_entry_id,
                             actor_role, actor_id, actor_name)
VALUES (:worker_id, :target_id, :similarity, :risk_drop, :topup_entry_id, :actor_role,
        :actor_id, :actor_name)
RETURNING id, chosen_at

-- name: chose_since
-- How many of these workers chose a pathway at or after the moment (a programme's report).
SELECT count(DISTINCT worker_id)::integer
FROM pathway_choices
WHERE worker_id = ANY (:worker_ids::uuid[]) AND chosen_at >= :since
