-- Web pages (issue 15): sign-in by emailed link, sessions kept in the database (so any instance
-- serves them), and the counters that rate-limit sign-in requests. Owned by service/web/.
-- A link and a session stand for one subject (a worker, rep or provider), as a token does; who
-- that is, and a rep's branch or a college's UKPRN, is read through people's people_subjects.

CREATE TABLE web_sign_in_links (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL CONSTRAINT web_sign_in_links_token_hash_key UNIQUE,
    role text NOT NULL CONSTRAINT web_sign_in_links_role_check
        CHECK (role IN ('worker', 'rep', 'college')),
    subject_id uuid NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CONSTRAINT web_sign_in_links_expires_at_check CHECK (expires_at > created_at)
);
CREATE INDEX web_sign_in_links_expires_idx ON web_sign_in_links (expires_at);

CREATE TABLE web_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL CONSTRAINT web_sessions_token_hash_key UNIQUE,
    role text NOT NULL CONSTRAINT web_sessions_role_check
        CHECK (role IN ('worker', 'rep', 'college')),
    subject_id uuid NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz
);
CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at);

-- One row per key (an email's or an address's hash) and window: how many sign-in requests
-- were made in it. Old windows are deleted as new ones are counted.
CREATE TABLE web_rate_limits (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL DEFAULT 0,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX web_rate_limits_window_idx ON web_rate_limits (window_start);
