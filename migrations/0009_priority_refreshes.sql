-- Stored priority scores order queues, and they go stale: a worker turns 45 or 50, or a new
-- policy with other priority points takes effect. The scheduler recomputes them once a day and
-- whenever the policy in force changes; a row here says that day's refresh under that policy
-- version is done, so one instance does it and the others skip.
CREATE TABLE priority_refreshes (
    refreshed_on date NOT NULL,
    policy_version integer NOT NULL,
    changed integer NOT NULL CONSTRAINT priority_refreshes_changed_check CHECK (changed >= 0),
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (refreshed_on, policy_version)
);
