-- Reference data (ESCO v1.1.1 occupations and skills, their essential/optional relations, and
-- Nesta's automation-risk scores), filled by `ladder reference load`; workers' skills profiles.
-- ESCO ids are the UUID that ends each concept URI, so they are the same in every installation.

CREATE TABLE isco_group_risks (
    isco_group text PRIMARY KEY
        CONSTRAINT isco_group_risks_isco_group_check CHECK (isco_group ~ '^[0-9]{4}$'),
    risk double precision NOT NULL CONSTRAINT isco_group_risks_risk_check CHECK (risk BETWEEN 1 AND 5),
    prevalence double precision NOT NULL
        CONSTRAINT isco_group_risks_prevalence_check CHECK (prevalence BETWEEN 0 AND 1),
    risk_category text NOT NULL
        CONSTRAINT isco_group_risks_risk_category_check CHECK (risk_category IN ('High', 'Low', 'Other'))
);

CREATE TABLE occupations (
    id uuid PRIMARY KEY,
    uri text NOT NULL CONSTRAINT occupations_uri_key UNIQUE
        CONSTRAINT occupations_uri_check CHECK (uri = 'http://data.europa.eu/esco/occupation/' || id),
    code text NOT NULL CONSTRAINT occupations_code_key UNIQUE DEFERRABLE INITIALLY DEFERRED
        CONSTRAINT occupations_code_check CHECK (code ~ '^[0-9]{4}(\.[0-9]+)+$'),
    isco_group text NOT NULL CONSTRAINT occupations_isco_group_check CHECK (isco_group ~ '^[0-9]{4}$'),
    label text NOT NULL,
    alt_labels text[] NOT NULL DEFAULT '{}',
    description text NOT NULL DEFAULT '',
    -- Nesta's score for the occupation, else the average of its ISCO unit group, else none.
    risk double precision CONSTRAINT occupations_risk_check CHECK (risk BETWEEN 1 AND 5),
    prevalence double precision
        CONSTRAINT occupations_prevalence_check CHECK (prevalence BETWEEN 0 AND 1),
    risk_category text
        CONSTRAINT occupations_risk_category_check CHECK (risk_category IN ('High', 'Low', 'Other')),
    risk_source text
        CONSTRAINT occupations_risk_source_check CHECK (risk_source IN ('nesta', 'isco_average')),
    CONSTRAINT occupations_risk_complete_check CHECK (
        (risk IS NULL) = (risk_source IS NULL) AND (risk IS NULL) = (risk_category IS NULL))
);
CREATE INDEX occupations_isco_group_idx ON occupations (isco_group);
CREATE INDEX occupations_label_idx ON occupations (label, id);

CREATE TABLE skills (
    id uuid PRIMARY KEY,
    uri text NOT NULL CONSTRAINT skills_uri_key UNIQUE
        CONSTRAINT skills_uri_check CHECK (uri = 'http://data.europa.eu/esco/skill/' || id),
    label text NOT NULL,
    alt_labels text[] NOT NULL DEFAULT '{}',
    skill_type text
        CONSTRAINT skills_skill_type_check CHECK (skill_type IN ('skill/competence', 'knowledge')),
    reuse_level text CONSTRAINT skills_reuse_level_check CHECK (
        reuse_level IN ('transversal', 'cross-sector', 'sector-specific', 'occupation-specific')),
    description text NOT NULL DEFAULT ''
);
CREATE INDEX skills_label_idx ON skills (label, id);

-- Every preferred and alternative label, one row each, for typo-tolerant (trigram) search.
CREATE TABLE occupation_labels (
    occupation_id uuid NOT NULL REFERENCES occupations (id) ON DELETE CASCADE,
    label text NOT NULL,
    preferred boolean NOT NULL,
    PRIMARY KEY (occupation_id, label)
);
CREATE INDEX occupation_labels_trgm_idx ON occupation_labels USING gin (label gin_trgm_ops);

CREATE TABLE skill_labels (
    skill_id uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    label text NOT NULL,
    preferred boolean NOT NULL,
    PRIMARY KEY (skill_id, label)
);
CREATE INDEX skill_labels_trgm_idx ON skill_labels USING gin (label gin_trgm_ops);

-- The primary key answers "skills of occupation X" (index-only, relation included); the second
-- index answers "occupations that need skill Y", hence "occupations sharing skills with X".
CREATE TABLE occupation_skills (
    occupation_id uuid NOT NULL REFERENCES occupations (id) ON DELETE CASCADE,
    skill_id uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    relation text NOT NULL
        CONSTRAINT occupation_skills_relation_check CHECK (relation IN ('essential', 'optional')),
    PRIMARY KEY (occupation_id, skill_id) INCLUDE (relation)
);
CREATE INDEX occupation_skills_skill_idx ON occupation_skills (skill_id, relation, occupation_id);

-- The API keeps `occupation` as given (an ESCO URI or code); the database resolves it.
ALTER TABLE workers ADD COLUMN occupation_id uuid REFERENCES occupations (id);
CREATE INDEX workers_occupation_idx ON workers (occupation_id);

CREATE FUNCTION workers_resolve_occupation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.occupation_id := (SELECT id FROM occupations
                          WHERE uri = NEW.occupation OR code = NEW.occupation LIMIT 1);
    RETURN NEW;
END
$$;
CREATE TRIGGER workers_resolve_occupation BEFORE INSERT OR UPDATE OF occupation ON workers
    FOR EACH ROW EXECUTE FUNCTION workers_resolve_occupation();

-- Explicit skill entries; the occupation's essential skills are assumed, not stored.
CREATE TABLE worker_skills (
    worker_id uuid NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    skill_id uuid NOT NULL REFERENCES skills (id),
    level smallint NOT NULL CONSTRAINT worker_skills_level_check CHECK (level BETWEEN 1 AND 4),
    source text NOT NULL
        CONSTRAINT worker_skills_source_check CHECK (source IN ('self', 'review', 'course')),
    evidence text CONSTRAINT worker_skills_evidence_check CHECK (length(evidence) <= 2000),
    set_by_role text NOT NULL,
    set_by_id uuid,
    set_by_name text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (worker_id, skill_id)
);
CREATE INDEX worker_skills_skill_idx ON worker_skills (skill_id);

-- Who changed which skill entry, from what to what, and when. Rows are never updated.
CREATE TABLE worker_skill_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id uuid NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    skill_id uuid NOT NULL REFERENCES skills (id),
    change text NOT NULL CONSTRAINT worker_skill_history_change_check
        CHECK (change IN ('set', 'removed')),
    old_level smallint,
    new_level smallint,
    old_source text,
    new_source text,
    evidence text,
    actor_role text NOT NULL,
    actor_id uuid,
    actor_name text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX worker_skill_history_worker_idx ON worker_skill_history (worker_id, id DESC);
