-- name: choice_rows
SELECT id, target_id, similarity, risk_drop, actor_role, actor_id, actor_name, topup_entry_id,
       chosen_at
FROM pathway_choices WHERE worker_id = :worker_id ORDER BY chosen_at, id

-- name: erase_choices
-- The choices stay (reports of pathways chosen); the worker's own name as who chose goes.
UPDATE pathway_choices SET actor_name = :erased
WHERE worker_id = :worker_id AND actor_role = 'worker'
