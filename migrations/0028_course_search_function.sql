-- Course search as a function planned with its own values, in one round trip.
--
-- The search's optional filters are written `:name IS NULL OR ...`, so a generic plan (which
-- PostgreSQL switches a prepared statement to after five executions) cannot leave out the
-- filters not given; the search was therefore run in a read transaction begun with
-- `SET LOCAL plan_cache_mode = force_custom_plan`: three round trips (BEGIN, search, COMMIT).
-- A function's SET clause does the same for the statement inside it alone, so the search is now
-- one round trip, inside or outside the caller's transaction, and leaves no setting behind.
-- The statement is the one courses/queries.sql had as search_page (migration 0016), unchanged
-- but for its parameters, here p_<name>; see that file's comment for how it works.
CREATE FUNCTION course_search_page(
    p_q text,
    p_level text,
    p_band text,
    p_provider_id uuid,
    p_skill_id uuid,
    p_attendance text,
    p_delivery text,
    p_max_cost bigint,
    p_starting_after date,
    p_presentations_together boolean,
    p_after_rank float8,
    p_after_starts_on date,
    p_after_id uuid,
    p_limit integer)
RETURNS TABLE (id uuid, ukprn text, provider_name text, ref text, title text, subjects text[],
               rqf_level text, band text, url text, first_starts_on date, next_starts_on date,
               lowest_cost_pence bigint, presentations integer, rank float8)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH page AS (
        (SELECT c.id, c.provider_id, c.ref, c.title, c.subjects, c.rqf_level, c.band, c.url,
                c.first_starts_on, ts_rank(c.heading, course_search_any_word(p_q))::float8 AS rank
         FROM courses AS c
         WHERE numnode(course_search_all_words(p_q)) > 0
           AND (p_after_rank::float8 IS NULL OR p_after_rank > 0)
           AND c.heading @@ course_search_any_word(p_q)
           AND c.search @@ course_search_all_words(p_q)
           AND course_meets(c, p_level, p_band, p_provider_id, p_attendance, p_delivery, p_max_cost,
                            p_starting_after)
           AND (p_skill_id::uuid IS NULL OR EXISTS (SELECT 1 FROM course_skills AS cs
                                            WHERE cs.course_id = c.id AND cs.skill_id = p_skill_id))
           AND (NOT p_presentations_together::boolean OR (
               SELECT true FROM presentations AS pr
               WHERE pr.course_id = c.id
                 AND course_presentation_meets(pr, p_attendance, p_delivery, p_max_cost,
                                               p_starting_after)
               LIMIT 1))
           AND (p_after_rank IS NULL
                OR (-ts_rank(c.heading, course_search_any_word(p_q))::float8,
                    coalesce(c.first_starts_on, 'infinity'::date), c.id)
                   > (-p_after_rank, coalesce(p_after_starts_on::date, 'infinity'::date),
                      p_after_id::uuid))
         ORDER BY rank DESC, coalesce(c.first_starts_on, 'infinity'::date), c.id
         LIMIT p_limit)
        UNION ALL
        (SELECT c.id, c.provider_id, c.ref, c.title, c.subjects, c.rqf_level, c.band, c.url,
                c.first_starts_on, 0::float8 AS rank
         FROM courses AS c
         WHERE (p_q::text IS NULL
                OR (numnode(course_search_all_words(p_q)) > 0
                    AND c.search @@ course_search_all_words(p_q)
                    AND NOT c.heading @@ course_search_any_word(p_q)))
           AND course_meets(c, p_level, p_band, p_provider_id, p_attendance, p_delivery, p_max_cost,
                            p_starting_after)
           AND (p_skill_id IS NULL OR EXISTS (SELECT 1 FROM course_skills AS cs
                                             WHERE cs.course_id = c.id AND cs.skill_id = p_skill_id))
           AND (NOT p_presentations_together OR (
               SELECT true FROM presentations AS pr
               WHERE pr.course_id = c.id
                 AND course_presentation_meets(pr, p_attendance, p_delivery, p_max_cost,
                                               p_starting_after)
               LIMIT 1))
           AND (p_after_rank IS NULL OR p_after_rank > 0
                OR (coalesce(c.first_starts_on, 'infinity'::date), c.id)
                   > (coalesce(p_after_starts_on, 'infinity'::date), p_after_id))
         ORDER BY coalesce(c.first_starts_on, 'infinity'::date), c.id
         LIMIT p_limit)
        LIMIT p_limit
    )
    SELECT page.id, p.ukprn, p.name AS provider_name, page.ref, page.title, page.subjects,
           page.rqf_level, page.band, page.url, page.first_starts_on, m.next_starts_on,
           m.lowest_cost_pence, m.presentations, page.rank
    FROM page
    JOIN people_providers AS p ON p.id = page.provider_id
    CROSS JOIN LATERAL (
        SELECT count(*)::integer AS presentations, min(pr.starts_on) AS next_starts_on,
               min(pr.cost_pence) AS lowest_cost_pence
        FROM presentations AS pr
        WHERE pr.course_id = page.id
          AND course_presentation_meets(pr, p_attendance, p_delivery, p_max_cost, p_starting_after)
    ) AS m
    ORDER BY page.rank DESC, coalesce(page.first_starts_on, 'infinity'::date), page.id;
END
$$;
