-- name: choice_rows
SELECT id, target_id, similarity, risk_drop, actor_role, actor_name, chosen_at, topup_entry_id
FROM pathway_choices WHERE worker_id = :worker_id ORDER BY chosen_at, id

-- name: erase_choices
UPDATE pathway_choices SET actor_name = :erased
WHERE worker_id = :worker_id AND actor_role = 'worker'
