-- name: skill_rows
SELECT e.skill_id, k.uri, k.label, e.level, e.source, e.evidence, e.set_by_role, e.set_by_id,
       e.set_by_name, e.updated_at
FROM worker_skills AS e
JOIN reference_skills AS k ON k.id = e.skill_id
WHERE e.worker_id = :worker_id
ORDER BY k.label, e.skill_id

-- name: history_rows
SELECT id, skill_id, change, old_level, new_level, old_source, new_source, evidence, actor_role,
       actor_id, actor_name, at
FROM worker_skill_history WHERE worker_id = :worker_id ORDER BY id

-- name: erase_skills
-- Levels and sources stay (reports of skills gained); evidence is free text, and the worker's own
-- name as who set it goes.
UPDATE worker_skills
SET evidence = NULL,
    set_by_name = CASE WHEN set_by_role = 'worker' THEN :erased ELSE set_by_name END
WHERE worker_id = :worker_id

-- name: erase_history
UPDATE worker_skill_history
SET evidence = NULL,
    actor_name = CASE WHEN actor_role = 'worker' THEN :erased ELSE actor_name END
WHERE worker_id = :worker_id
