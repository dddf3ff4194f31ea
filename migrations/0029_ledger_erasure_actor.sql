-- Accounts: an erasure may also clear the worker's own name as who made a ledger entry. Since
-- workers enrol themselves (migration 0022), the hold of an enrolment records
-- `created_by = 'worker: <name>'`; erasure now turns that into 'worker: [erased]'. Everything
-- else about the one allowed edit is as migration 0024 made it: only in a transaction that has
-- set `ladder.erasing_worker` to that entry's worker, free text to the marker, no other column.
CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('ladder.erasing_worker', true) = OLD.worker_id::text
       AND to_jsonb(NEW) - 'reference' - 'reason' - 'created_by'
           = to_jsonb(OLD) - 'reference' - 'reason' - 'created_by'
       AND (NEW.reference IS NULL OR NEW.reference = '[erased]'
            OR NEW.reference IS NOT DISTINCT FROM OLD.reference)
       AND (NEW.reason IS NULL OR NEW.reason = '[erased]'
            OR NEW.reason IS NOT DISTINCT FROM OLD.reason)
       AND (NEW.created_by IS NOT DISTINCT FROM OLD.created_by
            OR (OLD.created_by LIKE 'worker: %' AND NEW.created_by = 'worker: [erased]')) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger entries are never updated or deleted'
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
