-- Inferring the skills a course teaches is a follow-on job, not part of the catalogue sync. A
-- course without college-given skills needs it while this table lacks its current content_hash.
-- Workers claim such courses with FOR UPDATE SKIP LOCKED, so instances can share the work. Kept
-- apart from `courses` so that marking a course done rewrites no full-text vector or index.
CREATE TABLE course_skill_inferences (
    course_id uuid PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    content_hash text NOT NULL,
    inferred_at timestamptz NOT NULL DEFAULT now()
);

-- Courses synced before this migration had their skills inferred during the sync.
INSERT INTO course_skill_inferences (course_id, content_hash)
SELECT id, content_hash FROM courses WHERE cardinality(skill_uris) = 0;
