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
-- The worker's occupation's best :limit targets that are safer (lower risk, not High: checked
-- here too, not only by the build), best first, each with its gap skills: the target's
-- essential skills the worker does not hold at level 2 or above (an assumed skill of their own
-- occupation counts as held), with their ESCO collection tags. A target with no gap comes back
-- once with a null skill.
WITH targets AS (
    SELECT t.target_id, t.similarity, t.risk_drop, t.shared_essential, t.missing_essential
    FROM reference_transitions AS t
    WHERE t.occupation_id = :occupation_id
      AND t.target_risk < t.risk AND t.target_risk_category <> 'High'
      AND (:target_id::uuid IS NULL OR t.target_id = :target_id)
    ORDER BY t.similarity DESC, t.risk_drop DESC, t.target_id
    LIMIT :limit
)
SELECT t.target_id, g.uri AS target_uri, g.code AS target_code, g.label AS target_label,
       g.risk AS target_risk, g.risk_category AS target_risk_category,
       g.risk_source AS target_risk_source, t.similarity, t.risk_drop, t.shared_essential,
       t.missing_essential, k.id AS skill_id, k.uri AS skill_uri, k.label AS skill_label,
       ARRAY(SELECT x.tag FROM reference_skill_tags AS x WHERE x.skill_id = k.id
             ORDER BY x.tag) AS tags
FROM targets AS t
JOIN reference_occupations AS g ON g.id = t.target_id
LEFT JOIN LATERAL (
    SELECT r.skill_id
    FROM reference_occupation_skills AS r
    WHERE r.occupation_id = t.target_id AND r.relation = 'essential'
      AND NOT EXISTS (SELECT 1 FROM skills_worker_holdings AS h
                      WHERE h.worker_id = :worker_id AND h.skill_id = r.skill_id
                        AND (h.assumed OR h.level >= 2))
) AS m ON true
LEFT JOIN reference_skills AS k ON k.id = m.skill_id
ORDER BY t.similarity DESC, t.risk_drop DESC, t.target_id, k.label, k.id

-- name: offers
-- For each gap skill, up to :per_skill presentations of courses teaching it that the worker
-- can take: not full, starting after :today (or with no start date, or a flexible one still
-- running), online or with a venue in one of :areas (the postcode areas of the worker's
-- region). Those whose hours suit first (when :flexible_hours: evening, weekend, self-paced,
-- online or blended), then cheapest, then soonest. Each comes once, with every skill its
-- course teaches (a handful: the caller keeps the gaps among them; filtering here by
-- :skill_ids made the planner probe the skill index once per gap and row).
WITH fitting AS (
    SELECT DISTINCT ON (f.presentation_id) f.*
    FROM unnest(:skill_ids::uuid[]) AS g(skill_id)
    CROSS JOIN LATERAL (
        SELECT p.presentation_id, p.course_id, p.title, p.rqf_level, p.band, p.starts_on,
               p.ends_on, p.study_mode, p.attendance_pattern, p.delivery, p.venue_postcode,
               p.places_left, p.cost_pence, p.provider_name
        FROM courses_taught_skills AS s
        JOIN courses_current_presentations AS p ON p.course_id = s.course_id
        WHERE s.skill_id = g.skill_id
          AND p.status = 'open'
          AND (p.starts_on IS NULL OR p.starts_on > :today
               OR (p.study_mode = 'flexible' AND (p.ends_on IS NULL OR p.ends_on >= :today)))
          AND (p.delivery = 'online'
               OR substring(upper(p.venue_postcode) FROM '^[A-Z]{1,2}') = ANY (:areas::text[]))
        ORDER BY (:flexible_hours AND p.attendance_pattern IS DISTINCT FROM 'evening'
                  AND p.attendance_pattern IS DISTINCT FROM 'weekend'
                  AND p.attendance_pattern IS DISTINCT FROM 'self_paced'
                  AND p.delivery IS DISTINCT FROM 'online'
                  AND p.delivery IS DISTINCT FROM 'blended'),
                 p.cost_pence NULLS FIRST, p.starts_on NULLS FIRST, p.presentation_id
        LIMIT :per_skill
    ) AS f
    ORDER BY f.presentation_id
)
SELECT f.*,
       ARRAY(SELECT s.skill_id FROM courses_taught_skills AS s WHERE s.course_id = f.course_id)
           AS teaches
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
