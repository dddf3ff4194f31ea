-- Reference data that matching reads: ESCO's skill collections as tags, and the precomputed
-- transitions between occupations. Both belong to the reference domain and are rebuilt by the
-- reference load (and `ladder reference transitions`); others read them through the views.

-- A skill's membership of ESCO's collections (digitalSkillsCollection, digCompSkillsCollection,
-- greenSkillsCollection, transversalSkillsCollection), derived into catalogue/.
CREATE TABLE skill_tags (
    skill_id uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    tag text NOT NULL
        CONSTRAINT skill_tags_tag_check CHECK (tag IN ('digital', 'digcomp', 'green', 'transversal')),
    PRIMARY KEY (skill_id, tag)
);
CREATE INDEX skill_tags_tag_idx ON skill_tags (tag, skill_id);

-- For each occupation, the safer and viable targets (docs/matching.md gives the formula and the
-- threshold): similarity in (0, 1], the counts of the source's essential skills the target shares
-- and of the target's essential skills the source lacks.
CREATE TABLE occupation_transitions (
    occupation_id uuid NOT NULL REFERENCES occupations (id) ON DELETE CASCADE,
    target_id uuid NOT NULL REFERENCES occupations (id) ON DELETE CASCADE,
    similarity double precision NOT NULL
        CONSTRAINT occupation_transitions_similarity_check CHECK (similarity > 0 AND similarity <= 1),
    shared_essential integer NOT NULL
        CONSTRAINT occupation_transitions_shared_check CHECK (shared_essential >= 0),
    missing_essential integer NOT NULL
        CONSTRAINT occupation_transitions_missing_check CHECK (missing_essential >= 0),
    PRIMARY KEY (occupation_id, target_id),
    CONSTRAINT occupation_transitions_not_self CHECK (occupation_id <> target_id)
);
CREATE INDEX occupation_transitions_rank_idx
    ON occupation_transitions (occupation_id, similarity DESC, target_id);

CREATE VIEW reference_skill_tags AS
SELECT t.skill_id, t.tag
FROM skill_tags AS t;

-- Transitions with both ends' risk, so a reader needs no other reference table.
CREATE VIEW reference_transitions AS
SELECT t.occupation_id, t.target_id, t.similarity, t.shared_essential, t.missing_essential,
       o.risk AS risk, g.uri AS target_uri, g.label AS target_label, g.risk AS target_risk,
       g.risk_category AS target_risk_category, g.risk_source AS target_risk_source,
       o.risk - g.risk AS risk_drop
FROM occupation_transitions AS t
JOIN occupations AS o ON o.id = t.occupation_id
JOIN occupations AS g ON g.id = t.target_id;
