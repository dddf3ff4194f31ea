-- Loading: staging tables filled by COPY, then merged so that an unchanged catalogue changes
-- nothing. Ids are the UUID at the end of each ESCO URI.

-- name: lock_reference
-- 327512507475 is 0x4C41444453, "LADDS" in ASCII (hex literals need PostgreSQL 16+).
SELECT pg_advisory_xact_lock(327512507475)

-- name: create_staging
DROP TABLE IF EXISTS stage_occupations, stage_skills, stage_relations, stage_risks,
    stage_isco_risks, stage_occupation_labels, stage_skill_labels, stage_everyday_job_titles,
    stage_skill_tags;
CREATE TEMP TABLE stage_occupations (
    uri text NOT NULL, code text, isco_group text, label text, alt_labels text, description text,
    id uuid GENERATED ALWAYS AS (substring(uri FROM '[^/]+$')::uuid) STORED
) ON COMMIT DROP;
CREATE TEMP TABLE stage_skills (
    uri text NOT NULL, label text, alt_labels text, skill_type text, reuse_level text,
    description text,
    id uuid GENERATED ALWAYS AS (substring(uri FROM '[^/]+$')::uuid) STORED
) ON COMMIT DROP;
CREATE TEMP TABLE stage_relations (
    occupation_uri text NOT NULL, skill_uri text NOT NULL, relation text,
    occupation_id uuid GENERATED ALWAYS AS (substring(occupation_uri FROM '[^/]+$')::uuid) STORED,
    skill_id uuid GENERATED ALWAYS AS (substring(skill_uri FROM '[^/]+$')::uuid) STORED
) ON COMMIT DROP;
CREATE TEMP TABLE stage_risks (
    occupation_uri text PRIMARY KEY, risk double precision, prevalence double precision,
    risk_category text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_isco_risks (
    isco_group text PRIMARY KEY, risk double precision, prevalence double precision,
    risk_category text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_everyday_job_titles (
    title text NOT NULL, occupation_uri text NOT NULL, occupation_label text, reason text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_skill_tags (
    skill_uri text NOT NULL, tag text NOT NULL,
    skill_id uuid GENERATED ALWAYS AS (substring(skill_uri FROM '[^/]+$')::uuid) STORED
) ON COMMIT DROP

-- name: index_staging
CREATE UNIQUE INDEX ON stage_occupations (id);
CREATE UNIQUE INDEX ON stage_skills (id);
CREATE UNIQUE INDEX ON stage_relations (occupation_id, skill_id);
CREATE UNIQUE INDEX ON stage_skill_tags (skill_id, tag);
CREATE TEMP TABLE stage_occupation_labels ON COMMIT DROP AS
    SELECT id AS occupation_id, label, bool_or(preferred) AS preferred
    FROM (SELECT id, label, true AS preferred FROM stage_occupations
          UNION ALL
          SELECT id, unnest(string_to_array(alt_labels, E'\n')), false FROM stage_occupations) l
    GROUP BY id, label;
CREATE UNIQUE INDEX ON stage_occupation_labels (occupation_id, label);
CREATE TEMP TABLE stage_skill_labels ON COMMIT DROP AS
    SELECT id AS skill_id, label, bool_or(preferred) AS preferred
    FROM (SELECT id, label, true AS preferred FROM stage_skills
          UNION ALL
          SELECT id, unnest(string_to_array(alt_labels, E'\n')), false FROM stage_skills) l
    GROUP BY id, label;
CREATE UNIQUE INDEX ON stage_skill_labels (skill_id, label);
ANALYZE stage_occupations, stage_skills, stage_relations, stage_risks, stage_isco_risks,
    stage_occupation_labels, stage_skill_labels, stage_skill_tags

-- name: drop_staging
DROP TABLE IF EXISTS stage_occupations, stage_skills, stage_relations, stage_risks,
    stage_isco_risks, stage_occupation_labels, stage_skill_labels, stage_everyday_job_titles,
    stage_skill_tags

-- name: merge_isco_risks
INSERT INTO isco_group_risks AS g (isco_group, risk, prevalence, risk_category)
SELECT isco_group, risk, prevalence, risk_category FROM stage_isco_risks
ON CONFLICT (isco_group) DO UPDATE
SET risk = EXCLUDED.risk, prevalence = EXCLUDED.prevalence, risk_category = EXCLUDED.risk_category
WHERE (g.risk, g.prevalence, g.risk_category)
      IS DISTINCT FROM (EXCLUDED.risk, EXCLUDED.prevalence, EXCLUDED.risk_category)

-- name: delete_stale_isco_risks
DELETE FROM isco_group_risks g
WHERE NOT EXISTS (SELECT 1 FROM stage_isco_risks s WHERE s.isco_group = g.isco_group)

-- name: merge_occupations
INSERT INTO occupations AS o (id, uri, code, isco_group, label, alt_labels, description, risk,
                              prevalence, risk_category, risk_source)
SELECT s.id, s.uri, s.code, s.isco_group, s.label,
       coalesce(string_to_array(s.alt_labels, E'\n'), '{}'), coalesce(s.description, ''),
       coalesce(r.risk, i.risk), coalesce(r.prevalence, i.prevalence),
       coalesce(r.risk_category, i.risk_category),
       CASE WHEN r.occupation_uri IS NOT NULL THEN 'nesta'
            WHEN i.isco_group IS NOT NULL THEN 'isco_average' END
FROM stage_occupations s
LEFT JOIN stage_risks r ON r.occupation_uri = s.uri
LEFT JOIN stage_isco_risks i ON i.isco_group = s.isco_group
ON CONFLICT (id) DO UPDATE
SET code = EXCLUDED.code, isco_group = EXCLUDED.isco_group, label = EXCLUDED.label,
    alt_labels = EXCLUDED.alt_labels, description = EXCLUDED.description, risk = EXCLUDED.risk,
    prevalence = EXCLUDED.prevalence, risk_category = EXCLUDED.risk_category,
    risk_source = EXCLUDED.risk_source
WHERE (o.code, o.isco_group, o.label, o.alt_labels, o.description, o.risk, o.prevalence,
       o.risk_category, o.risk_source)
      IS DISTINCT FROM (EXCLUDED.code, EXCLUDED.isco_group, EXCLUDED.label, EXCLUDED.alt_labels,
                        EXCLUDED.description, EXCLUDED.risk, EXCLUDED.prevalence,
                        EXCLUDED.risk_category, EXCLUDED.risk_source)

-- name: merge_skills
INSERT INTO skills AS k (id, uri, label, alt_labels, skill_type, reuse_level, description)
SELECT id, uri, label, coalesce(string_to_array(alt_labels, E'\n'), '{}'), skill_type,
       reuse_level, coalesce(description, '')
FROM stage_skills
ON CONFLICT (id) DO UPDATE
SET label = EXCLUDED.label, alt_labels = EXCLUDED.alt_labels, skill_type = EXCLUDED.skill_type,
    reuse_level = EXCLUDED.reuse_level, description = EXCLUDED.description
WHERE (k.label, k.alt_labels, k.skill_type, k.reuse_level, k.description)
      IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.alt_labels, EXCLUDED.skill_type,
                        EXCLUDED.reuse_level, EXCLUDED.description)

-- name: merge_occupation_labels
INSERT INTO occupation_labels AS l (occupation_id, label, preferred)
SELECT occupation_id, label, preferred FROM stage_occupation_labels
ON CONFLICT (occupation_id, label) DO UPDATE SET preferred = EXCLUDED.preferred
WHERE l.preferred IS DISTINCT FROM EXCLUDED.preferred

-- name: delete_stale_occupation_labels
DELETE FROM occupation_labels l
USING stage_occupations o
WHERE l.occupation_id = o.id
  AND NOT EXISTS (SELECT 1 FROM stage_occupation_labels s
                  WHERE s.occupation_id = l.occupation_id AND s.label = l.label)

-- name: merge_skill_labels
INSERT INTO skill_labels AS l (skill_id, label, preferred)
SELECT skill_id, label, preferred FROM stage_skill_labels
ON CONFLICT (skill_id, label) DO UPDATE SET preferred = EXCLUDED.preferred
WHERE l.preferred IS DISTINCT FROM EXCLUDED.preferred

-- name: delete_stale_skill_labels
DELETE FROM skill_labels l
USING stage_skills k
WHERE l.skill_id = k.id
  AND NOT EXISTS (SELECT 1 FROM stage_skill_labels s
                  WHERE s.skill_id = l.skill_id AND s.label = l.label)

-- name: merge_relations
INSERT INTO occupation_skills AS r (occupation_id, skill_id, relation)
SELECT occupation_id, skill_id, relation FROM stage_relations
ON CONFLICT (occupation_id, skill_id) DO UPDATE SET relation = EXCLUDED.relation
WHERE r.relation IS DISTINCT FROM EXCLUDED.relation

-- name: delete_stale_relations
-- Only for occupations in the catalogue: one it no longer lists keeps what it had.
DELETE FROM occupation_skills r
USING stage_occupations o
WHERE r.occupation_id = o.id
  AND NOT EXISTS (SELECT 1 FROM stage_relations s
                  WHERE s.occupation_id = r.occupation_id AND s.skill_id = r.skill_id)

-- name: merge_skill_tags
-- A tag whose skill is in neither the catalogue nor the database is skipped (as relations are).
INSERT INTO skill_tags (skill_id, tag)
SELECT s.skill_id, s.tag
FROM stage_skill_tags AS s
WHERE EXISTS (SELECT 1 FROM skills AS k WHERE k.id = s.skill_id)
ON CONFLICT (skill_id, tag) DO NOTHING

-- name: delete_stale_skill_tags
DELETE FROM skill_tags AS t
WHERE NOT EXISTS (SELECT 1 FROM stage_skill_tags AS s
                  WHERE s.skill_id = t.skill_id AND s.tag = t.tag)

-- name: unknown_everyday_job_titles
-- Titles pointing at an occupation that neither this catalogue nor the database holds.
SELECT s.title, s.occupation_uri
FROM stage_everyday_job_titles AS s
WHERE NOT EXISTS (SELECT 1 FROM occupations AS o WHERE o.uri = s.occupation_uri)
ORDER BY s.title

-- name: merge_everyday_job_titles
INSERT INTO everyday_job_titles AS t (title, occupation_id, reason)
SELECT DISTINCT ON (lower(btrim(s.title))) lower(btrim(s.title)), o.id, coalesce(s.reason, '')
FROM stage_everyday_job_titles AS s
JOIN occupations AS o ON o.uri = s.occupation_uri
ORDER BY lower(btrim(s.title)), s.occupation_uri
ON CONFLICT (title) DO UPDATE SET occupation_id = EXCLUDED.occupation_id,
                                  reason = EXCLUDED.reason
WHERE (t.occupation_id, t.reason) IS DISTINCT FROM (EXCLUDED.occupation_id, EXCLUDED.reason)

-- name: delete_stale_everyday_job_titles
DELETE FROM everyday_job_titles AS t
WHERE NOT EXISTS (SELECT 1 FROM stage_everyday_job_titles AS s
                  JOIN occupations AS o ON o.uri = s.occupation_uri
                  WHERE lower(btrim(s.title)) = t.title)

-- name: resolve_worker_occupations
-- Workers recorded before the reference data was loaded get their occupation resolved now, by
-- people's function (the column is people's); how many were.
SELECT people_resolve_worker_occupations()

-- name: analyze_reference
SELECT gin_clean_pending_list('occupation_labels_trgm_idx'::regclass),
       gin_clean_pending_list('skill_labels_trgm_idx'::regclass);
ANALYZE isco_group_risks, occupations, skills, occupation_labels, skill_labels, occupation_skills,
    everyday_job_titles, skill_tags, occupation_transitions

-- name: record_load
-- The counts come as JSON text, so that any connection can record them (jsonb codec or not).
INSERT INTO reference_loads (changed)
VALUES (:counts::text::jsonb)

-- name: reference_counts
SELECT (SELECT count(*) FROM occupations) AS occupations,
       (SELECT count(*) FROM skills) AS skills,
       (SELECT count(*) FROM occupation_skills) AS occupation_skills,
       (SELECT count(*) FROM isco_group_risks) AS isco_group_risks,
       (SELECT count(*) FROM everyday_job_titles) AS everyday_job_titles,
       (SELECT count(*) FROM skill_tags) AS skill_tags,
       (SELECT count(*) FROM occupation_transitions) AS occupation_transitions

-- name: has_occupations
SELECT EXISTS (SELECT 1 FROM occupations)

-- name: has_skill_tags
SELECT EXISTS (SELECT 1 FROM skill_tags)

-- name: has_transitions
SELECT EXISTS (SELECT 1 FROM occupation_transitions)

-- name: has_everyday_job_titles
SELECT EXISTS (SELECT 1 FROM everyday_job_titles)

-- Reading

-- name: search_occupations
-- Each occupation scores by its best label: an exact (case-blind) match first, then how well
-- the query matches whole words of the label (strict word similarity) plus how much of the
-- label it covers (similarity); an alternative label counts 90% of a preferred one, and an
-- everyday job title as much as a preferred one.
WITH scored AS (
    SELECT DISTINCT ON (l.occupation_id) l.occupation_id, l.label AS matched_label,
           ((lower(l.label) = lower(:q))::int * 2
            + (strict_word_similarity(:q, l.label) + similarity(:q, l.label))
              * CASE WHEN l.preferred THEN 1 ELSE 0.9 END)::float8 AS score
    FROM (SELECT occupation_id, label, preferred FROM occupation_labels
          UNION ALL
          SELECT occupation_id, title, true FROM everyday_job_titles) AS l
    WHERE l.label % :q OR :q <<% l.label
    ORDER BY l.occupation_id, score DESC, l.preferred DESC, l.label
)
SELECT o.id, o.uri, o.code, o.isco_group, o.label, o.risk, o.risk_category, o.risk_source,
       s.matched_label, s.score
FROM scored s
JOIN occupations o ON o.id = s.occupation_id
WHERE :score::float8 IS NULL OR (s.score, o.id) < (:score, :last_id::uuid)
ORDER BY s.score DESC, o.id DESC
LIMIT :limit

-- name: list_occupations
SELECT id, uri, code, isco_group, label, risk, risk_category, risk_source,
       NULL::text AS matched_label, NULL::float8 AS score
FROM occupations
WHERE :label::text IS NULL OR (label, id) > (:label, :last_id::uuid)
ORDER BY label, id
LIMIT :limit

-- name: search_skills
WITH scored AS (
    SELECT DISTINCT ON (l.skill_id) l.skill_id, l.label AS matched_label,
           ((lower(l.label) = lower(:q))::int * 2
            + (strict_word_similarity(:q, l.label) + similarity(:q, l.label))
              * CASE WHEN l.preferred THEN 1 ELSE 0.9 END)::float8 AS score
    FROM skill_labels l
    WHERE (l.label % :q OR :q <<% l.label)
      AND (:tag::text IS NULL
           OR EXISTS (SELECT 1 FROM skill_tags AS t WHERE t.skill_id = l.skill_id AND t.tag = :tag))
    ORDER BY l.skill_id, score DESC, l.preferred DESC, l.label
)
SELECT k.id, k.uri, k.label, k.skill_type, k.reuse_level, s.matched_label, s.score,
       coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM skill_tags AS t WHERE t.skill_id = k.id), '{}') AS tags
FROM scored s
JOIN skills k ON k.id = s.skill_id
WHERE :score::float8 IS NULL OR (s.score, k.id) < (:score, :last_id::uuid)
ORDER BY s.score DESC, k.id DESC
LIMIT :limit

-- name: list_skills
SELECT k.id, k.uri, k.label, k.skill_type, k.reuse_level, NULL::text AS matched_label,
       NULL::float8 AS score, coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM skill_tags AS t WHERE t.skill_id = k.id), '{}') AS tags
FROM skills AS k
WHERE :label::text IS NULL OR (k.label, k.id) > (:label, :last_id::uuid)
ORDER BY k.label, k.id
LIMIT :limit

-- name: list_skills_tagged
-- Skills with a tag, in label order: from the tag's index, not a scan of every skill.
SELECT k.id, k.uri, k.label, k.skill_type, k.reuse_level, NULL::text AS matched_label,
       NULL::float8 AS score, coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM skill_tags AS t WHERE t.skill_id = k.id), '{}') AS tags
FROM skill_tags AS g
JOIN skills AS k ON k.id = g.skill_id
WHERE g.tag = :tag
  AND (:label::text IS NULL OR (k.label, k.id) > (:label, :last_id::uuid))
ORDER BY k.label, k.id
LIMIT :limit

-- name: get_occupation
SELECT id, uri, code, isco_group, label, alt_labels, description, risk, prevalence,
       risk_category, risk_source
FROM occupations
WHERE id = :occupation_id

-- name: occupation_by_uri_or_code
SELECT id, uri, code, isco_group, label, alt_labels, description, risk, prevalence,
       risk_category, risk_source
FROM occupations
WHERE id = resolve_occupation(:value)

-- name: occupation_skills
SELECT k.id, k.uri, k.label, k.skill_type, k.reuse_level, r.relation,
       coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM skill_tags AS t WHERE t.skill_id = k.id), '{}') AS tags
FROM occupation_skills r
JOIN skills k ON k.id = r.skill_id
WHERE r.occupation_id = :occupation_id
ORDER BY r.relation, k.label, k.id

-- name: get_skill
SELECT k.id, k.uri, k.label, k.alt_labels, k.skill_type, k.reuse_level, k.description,
       coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM skill_tags AS t WHERE t.skill_id = k.id), '{}') AS tags
FROM skills AS k
WHERE k.id = :skill_id

-- name: skill_by_uri
SELECT k.id, k.uri, k.label, k.alt_labels, k.skill_type, k.reuse_level, k.description,
       coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM skill_tags AS t WHERE t.skill_id = k.id), '{}') AS tags
FROM skills AS k
WHERE k.uri = :uri

-- name: reference_version
-- The newest load that changed anything: reference data is the same while this is.
SELECT coalesce(max(id), 0) FROM reference_loads

-- Transitions (docs/matching.md): for each occupation, the safer targets closest in skills.

-- name: create_stage_transitions
DROP TABLE IF EXISTS stage_transitions;
CREATE TEMP TABLE stage_transitions (
    occupation_id uuid NOT NULL, target_id uuid NOT NULL, similarity double precision NOT NULL,
    shared_essential integer NOT NULL, missing_essential integer NOT NULL
) ON COMMIT DROP

-- name: score_transitions
-- Weighted Jaccard over the two occupations' skills, an essential relation weighing 1 and an
-- optional one :optional_weight: sum of min(weights) / sum of max(weights), where the sum of max
-- is both sizes less the sum of min. Only pairs sharing a skill, with a target that is safer
-- (lower risk, not High; an occupation without a risk is neither source nor target), at or
-- above :threshold, the :max_targets most similar per occupation (ties by target id).
INSERT INTO stage_transitions (occupation_id, target_id, similarity, shared_essential,
                               missing_essential)
WITH weighted AS (
    SELECT r.occupation_id, r.skill_id, r.relation = 'essential' AS essential,
           CASE WHEN r.relation = 'essential' THEN 1 ELSE :optional_weight::float8 END AS w
    FROM occupation_skills AS r
),
sizes AS (
    SELECT occupation_id, sum(w) AS weight, count(*) FILTER (WHERE essential) AS essentials
    FROM weighted
    GROUP BY occupation_id
),
pair_overlaps AS (
    SELECT a.occupation_id, b.occupation_id AS target_id, sum(least(a.w, b.w)) AS common,
           count(*) FILTER (WHERE a.essential AND b.essential) AS shared_essential
    FROM weighted AS a
    JOIN occupations AS source ON source.id = a.occupation_id
    JOIN weighted AS b ON b.skill_id = a.skill_id AND b.occupation_id <> a.occupation_id
    JOIN occupations AS target ON target.id = b.occupation_id
    WHERE target.risk < source.risk AND target.risk_category <> 'High'
    GROUP BY a.occupation_id, b.occupation_id
),
scored AS (
    SELECT o.occupation_id, o.target_id,
           o.common / (sa.weight + sb.weight - o.common) AS similarity,
           o.shared_essential, sb.essentials - o.shared_essential AS missing_essential
    FROM pair_overlaps AS o
    JOIN sizes AS sa ON sa.occupation_id = o.occupation_id
    JOIN sizes AS sb ON sb.occupation_id = o.target_id
),
ranked AS (
    SELECT s.*, row_number() OVER (PARTITION BY s.occupation_id
                                   ORDER BY s.similarity DESC, s.target_id) AS rank
    FROM scored AS s
    WHERE s.similarity >= :threshold::float8
)
SELECT occupation_id, target_id, least(similarity, 1), shared_essential, missing_essential
FROM ranked
WHERE rank <= :max_targets::int

-- name: merge_transitions
INSERT INTO occupation_transitions AS t (occupation_id, target_id, similarity, shared_essential,
                                         missing_essential)
SELECT occupation_id, target_id, similarity, shared_essential, missing_essential
FROM stage_transitions
ON CONFLICT (occupation_id, target_id) DO UPDATE
SET similarity = EXCLUDED.similarity, shared_essential = EXCLUDED.shared_essential,
    missing_essential = EXCLUDED.missing_essential
WHERE (t.similarity, t.shared_essential, t.missing_essential)
      IS DISTINCT FROM (EXCLUDED.similarity, EXCLUDED.shared_essential, EXCLUDED.missing_essential)

-- name: delete_stale_transitions
DELETE FROM occupation_transitions AS t
WHERE NOT EXISTS (SELECT 1 FROM stage_transitions AS s
                  WHERE s.occupation_id = t.occupation_id AND s.target_id = t.target_id)

-- name: drop_stage_transitions
DROP TABLE IF EXISTS stage_transitions

-- name: staged_transition_counts
SELECT count(*) AS transitions, count(DISTINCT occupation_id) AS occupations
FROM stage_transitions

-- name: analyze_transitions
ANALYZE occupation_transitions

-- name: transitions_page
-- An occupation's targets, most similar first (then by target id), after the cursor's key.
SELECT g.id, g.uri, g.label, g.risk, g.risk_category, g.risk_source, t.similarity,
       o.risk - g.risk AS risk_drop, t.shared_essential, t.missing_essential,
       o.label AS source_label, o.risk AS source_risk, o.risk_source AS source_risk_source
FROM occupation_transitions AS t
JOIN occupations AS o ON o.id = t.occupation_id
JOIN occupations AS g ON g.id = t.target_id
WHERE t.occupation_id = :occupation_id
  AND (:similarity::float8 IS NULL
       OR t.similarity < :similarity
       OR (t.similarity = :similarity AND t.target_id > :last_id::uuid))
ORDER BY t.similarity DESC, t.target_id
LIMIT :limit
