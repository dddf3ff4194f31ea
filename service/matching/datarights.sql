-- name: choice_rows
SELECT c.id, c.target_id, o.label AS target_label, c.similarity, c.risk_drop, c.topup_entry_id,
       c.actor_role, c.actor_id, c.actor_name, c.chosen_at
FROM pathway_choices AS c
JOIN reference_occupations AS o ON o.id = c.target_id
WHERE c.worker_id = :worker_id
ORDER BY c.chosen_at, c.id

-- name: erase_choices
-- The choices stay (which pathways workers took, for programme reports); the worker's own name
-- as who chose goes.
UPDATE pathway_choices
SET actor_name = :erased
WHERE worker_id = :worker_id AND actor_role = 'worker'
