-- One row per `ladder reference load` that changed anything, with the rows changed per table.
-- Its latest id versions the reference data: caches built from ESCO labels (the course-skill
-- lexicon) are rebuilt when it moves, whatever changed.
CREATE TABLE reference_loads (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    changed jsonb NOT NULL
);
