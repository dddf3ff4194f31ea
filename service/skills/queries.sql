-- name: lock_worker
-- Through people's row lock on the worker, held until the transaction ends.
SELECT people_lock_worker(:worker_id)

-- name: get_entry
SELECT level, source, evidence FROM worker_skills
WHERE worker_id = :worker_id AND skill_id = :skill_id

-- name: upsert_entry
INSERT INTO worker_skills (worker_id, skill_id, level, source, evidence, set_by_role, set_by_id,
                           set_by_name)
VALUES (:worker_id, :skill_id, :level, :source, :evidence, :set_by_role, :set_by_id, :set_by_name)
ON CONFLICT (worker_id, skill_id) DO UPDATE
SET level = EXCLUDED.level, source = EXCLUDED.source, evidence = EXCLUDED.evidence,
    set_by_role = EXCLUDED.set_by_role, set_by_id = EXCLUDED.set_by_id,
    set_by_name = EXCLUDED.set_by_name, updated_at = now()

-- name: delete_entry
DELETE FROM worker_skills WHERE worker_id = :worker_id AND skill_id = :skill_id

-- name: record_change
INSERT INTO worker_skill_history (worker_id, skill_id, change, old_level, new_level, old_source,
                                  new_source, evidence, actor_role, actor_id, actor_name)
VALUES (:worker_id, :skill_id, :change, :old_level, :new_level, :old_source, :new_source,
        :evidence, :actor_role, :actor_id, :actor_name)

-- name: profile_entry
SELECT k.id AS skill_id, k.uri, k.label, e.level, e.source, false AS assumed, e.evidence,
       e.updated_at, coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM reference_skill_tags AS t
                 WHERE t.skill_id = k.id), '{}') AS tags
FROM worker_skills e
JOIN reference_skills k ON k.id = e.skill_id
WHERE e.worker_id = :worker_id AND e.skill_id = :skill_id

-- name: profile
-- Explicit entries, and the essential skills of the worker's occupation that have none (assumed),
-- each with its ESCO collection tags.
SELECT skill_id, uri, label, level, source, assumed, evidence, updated_at,
       coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM reference_skill_tags AS t
                 WHERE t.skill_id = p.skill_id), '{}') AS tags
FROM (
    SELECT k.id AS skill_id, k.uri, k.label, e.level, e.source, false AS assumed, e.evidence,
           e.updated_at
    FROM worker_skills e
    JOIN reference_skills k ON k.id = e.skill_id
    WHERE e.worker_id = :worker_id
    UNION ALL
    SELECT k.id, k.uri, k.label, NULL::smallint, 'occupation', true, NULL::text,
           NULL::timestamptz
    FROM people_workers w
    JOIN reference_occupation_skills r
      ON r.occupation_id = w.occupation_id AND r.relation = 'essential'
    JOIN reference_skills k ON k.id = r.skill_id
    WHERE w.id = :worker_id
      AND NOT EXISTS (SELECT 1 FROM worker_skills e
                      WHERE e.worker_id = w.id AND e.skill_id = r.skill_id)
) p
WHERE :label::text IS NULL OR (label, skill_id) > (:label, :last_id::uuid)
ORDER BY label, skill_id
LIMIT :limit

-- name: worker_occupation
SELECT o.id, o.uri, o.code, o.isco_group, o.label, o.risk, o.risk_category, o.risk_source
FROM people_workers w
JOIN reference_occupations o ON o.id = w.occupation_id
WHERE w.id = :worker_id

-- name: history
SELECT h.id, h.skill_id, k.label AS skill_label, h.change, h.old_level, h.new_level,
       h.old_source, h.new_source, h.evidence, h.actor_role, h.actor_name, h.at
FROM worker_skill_history h
JOIN reference_skills k ON k.id = h.skill_id
WHERE h.worker_id = :worker_id
  AND (:before_id::bigint IS NULL OR h.id < :before_id)
ORDER BY h.id DESC
LIMIT :limit

-- name: skill_exists
SELECT EXISTS (SELECT 1 FROM reference_skills WHERE id = :skill_id)
