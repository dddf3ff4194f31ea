-- Course catalogue: provider -> course -> presentation, the ESCO skills each course teaches,
-- every sync's report, and the feeds Ladder pulls. Courses and presentations are withdrawn,
-- never deleted, so that ids stay stable for enrolments.

-- array_to_string is only STABLE; a generated column needs an IMMUTABLE expression.
CREATE FUNCTION courses_words(words text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_to_string(words, ' ');

CREATE TABLE courses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider_id uuid NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    ref text NOT NULL CONSTRAINT courses_ref_check CHECK (length(ref) BETWEEN 1 AND 200),
    title text NOT NULL CONSTRAINT courses_title_check CHECK (length(title) BETWEEN 1 AND 500),
    description text NOT NULL DEFAULT '',
    subjects text[] NOT NULL DEFAULT '{}',
    rqf_level text CONSTRAINT courses_rqf_level_check
        CHECK (rqf_level IN ('E1', 'E2', 'E3', '1', '2', '3', '4', '5', '6', '7', '8')),
    band text CONSTRAINT courses_band_check
        CHECK (band IN ('introductory', 'intermediate', 'advanced')),
    qualification text,
    learning_outcomes text NOT NULL DEFAULT '',
    url text,
    skill_uris text[] NOT NULL DEFAULT '{}',
    -- SHA-256 of the record as the college sent it: an identical record is not rewritten.
    content_hash text NOT NULL,
    -- Over the current presentations, kept by the sync, so that search needs no join for them.
    first_starts_on date,
    lowest_cost_pence bigint,
    presentation_count integer NOT NULL DEFAULT 0,
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', courses_words(subjects)), 'B')
        || setweight(to_tsvector('english', description), 'C')
    ) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    CONSTRAINT courses_ref_key UNIQUE (provider_id, ref),
    CONSTRAINT courses_band_level_check CHECK ((band IS NULL) = (rqf_level IS NULL))
);
CREATE INDEX courses_search_idx ON courses USING gin (search);
CREATE INDEX courses_start_idx ON courses ((coalesce(first_starts_on, 'infinity'::date)), id)
    WHERE withdrawn_at IS NULL;

CREATE TABLE presentations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    ref text NOT NULL CONSTRAINT presentations_ref_check CHECK (length(ref) BETWEEN 1 AND 200),
    starts_on date,
    ends_on date,
    study_mode text CONSTRAINT presentations_study_mode_check
        CHECK (study_mode IN ('full_time', 'part_time', 'flexible')),
    attendance_pattern text CONSTRAINT presentations_attendance_pattern_check
        CHECK (attendance_pattern IN ('daytime', 'evening', 'weekend', 'day_release',
                                      'self_paced')),
    delivery text CONSTRAINT presentations_delivery_check
        CHECK (delivery IN ('classroom', 'online', 'blended', 'work_based')),
    cost_pence bigint CONSTRAINT presentations_cost_pence_check CHECK (cost_pence >= 0),
    places integer CONSTRAINT presentations_places_check CHECK (places >= 0),
    venue_postcode text,
    apply_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    CONSTRAINT presentations_ref_key UNIQUE (course_id, ref),
    CONSTRAINT presentations_ends_on_check CHECK (ends_on >= starts_on)
);
CREATE INDEX presentations_starts_idx ON presentations (starts_on) WHERE withdrawn_at IS NULL;

-- Skills a course teaches: given by the college (ESCO URIs), or inferred from its text with
-- the words that matched and the ESCO label they matched, as the explanation.
CREATE TABLE course_skills (
    course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    skill_id uuid NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    source text NOT NULL CONSTRAINT course_skills_source_check
        CHECK (source IN ('college', 'inferred')),
    confidence real NOT NULL
        CONSTRAINT course_skills_confidence_check CHECK (confidence > 0 AND confidence <= 1),
    matched_label text,
    matched_words text[] NOT NULL DEFAULT '{}',
    matched_in text CONSTRAINT course_skills_matched_in_check
        CHECK (matched_in IN ('title', 'subjects', 'description')),
    PRIMARY KEY (course_id, skill_id)
);
CREATE INDEX course_skills_skill_idx ON course_skills (skill_id, course_id);

CREATE TABLE feeds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider_id uuid NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    url text NOT NULL
        CONSTRAINT feeds_url_check CHECK (url ~* '^https?://' AND length(url) <= 2000),
    interval_minutes integer NOT NULL DEFAULT 1440
        CONSTRAINT feeds_interval_minutes_check CHECK (interval_minutes BETWEEN 5 AND 43200),
    next_pull_at timestamptz NOT NULL DEFAULT now(),
    -- Set while one instance pulls the feed; others skip it until it is cleared or lapses.
    lease_until timestamptz,
    etag text,
    last_modified text,
    last_pulled_at timestamptz,
    last_outcome text CONSTRAINT feeds_last_outcome_check
        CHECK (last_outcome IN ('synced', 'not_modified', 'failed')),
    last_error text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feeds_url_key UNIQUE (provider_id, url)
);
CREATE INDEX feeds_due_idx ON feeds (next_pull_at);

-- Every sync, applied or failed, with its report. Rows are never updated.
CREATE TABLE syncs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider_id uuid NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    feed_id uuid REFERENCES feeds (id) ON DELETE SET NULL,
    mode text NOT NULL CONSTRAINT syncs_mode_check CHECK (mode IN ('full', 'delta')),
    format text NOT NULL CONSTRAINT syncs_format_check CHECK (format IN ('json', 'xcri')),
    status text NOT NULL CONSTRAINT syncs_status_check CHECK (status IN ('applied', 'failed')),
    error text,
    received integer NOT NULL DEFAULT 0,
    created integer NOT NULL DEFAULT 0,
    updated integer NOT NULL DEFAULT 0,
    unchanged integer NOT NULL DEFAULT 0,
    restored integer NOT NULL DEFAULT 0,
    withdrawn integer NOT NULL DEFAULT 0,
    rejected integer NOT NULL DEFAULT 0,
    rejected_records jsonb NOT NULL DEFAULT '[]',
    warnings jsonb NOT NULL DEFAULT '[]',
    actor_role text NOT NULL,
    actor_name text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX syncs_provider_idx ON syncs (provider_id, started_at DESC, id DESC);
