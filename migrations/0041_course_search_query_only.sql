-- Course search's commonest call, a query and nothing else (no filter, no cursor or a cursor
-- among the ranked heading matches), without planning its statement on every call.
--
-- Migration 0028's function plans its statement with its own values each time
-- (force_custom_plan), so that the filters not given (`p_x IS NULL OR ...`) are folded away.
-- On the demo catalogue that planning was about half of the search's database CPU, and the
-- generic plan was no cure: it evaluates the filters' ORs and the query's words
-- (course_search_all_words, course_search_any_word: websearch/plainto_tsquery) for every row.
-- That function is now course_search_page_general, unchanged, and course_search_page sends it
-- every call but the query-only one, which it runs itself: a statement with no optional filter,
-- the query's words computed once into variables, under a generic plan kept for the session.
-- Its rows are those of the general statement with every filter null, term for term
-- (course_meets and course_presentation_meets reduce to `withdrawn_at IS NULL`): the same
-- rows in the same order, so the same cursors. A cursor of rank 0 (the description matches)
-- goes to the general statement, whose custom plan seeks courses_start_idx to it. A query of
-- stop words only (no word left in v_all) matches nothing, as in the general statement.
ALTER FUNCTION course_search_page(text, text, text, uuid, uuid, text, text, bigint, date,
                                  boolean, float8, date, uuid, integer)
    RENAME TO course_search_page_general;

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
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    v_all tsquery;
    v_any tsquery;
BEGIN
    IF p_q IS NULL OR p_level IS NOT NULL OR p_band IS NOT NULL OR p_provider_id IS NOT NULL
       OR p_skill_id IS NOT NULL OR p_attendance IS NOT NULL OR p_delivery IS NOT NULL
       OR p_max_cost IS NOT NULL OR p_starting_after IS NOT NULL
       OR p_presentations_together IS NOT FALSE OR p_after_rank <= 0 THEN
        RETURN QUERY SELECT * FROM course_search_page_general(
            p_q, p_level, p_band, p_provider_id, p_skill_id, p_attendance, p_delivery,
            p_max_cost, p_starting_after, p_presentations_together, p_after_rank,
            p_after_starts_on, p_after_id, p_limit);
        RETURN;
    END IF;
    v_all := course_search_all_words(p_q);
    IF numnode(v_all) = 0 THEN
        RETURN;
    END IF;
    v_any := course_search_any_word(p_q);
    RETURN QUERY
    WITH page AS (
        (SELECT c.id, c.provider_id, c.ref, c.title, c.subjects, c.rqf_level, c.band, c.url,
                c.first_starts_on, ts_rank(c.heading, v_any)::float8 AS rank
         FROM courses AS c
         WHERE c.heading @@ v_any
           AND c.search @@ v_all
           AND c.withdrawn_at IS NULL
           AND (p_after_rank IS NULL
                OR (-ts_rank(c.heading, v_any)::float8,
                    coalesce(c.first_starts_on, 'infinity'::date), c.id)
                   > (-p_after_rank, coalesce(p_after_starts_on, 'infinity'::date), p_after_id))
         ORDER BY rank DESC, coalesce(c.first_starts_on, 'infinity'::date), c.id
         LIMIT p_limit)
        UNION ALL
        (SELECT c.id, c.provider_id, c.ref, c.title, c.subjects, c.rqf_level, c.band, c.url,
                c.first_starts_on, 0::float8 AS rank
         FROM courses AS c
         WHERE c.search @@ v_all
           AND NOT c.heading @@ v_any
           AND c.withdrawn_at IS NULL
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
          AND pr.withdrawn_at IS NULL
    ) AS m
    ORDER BY page.rank DESC, coalesce(page.first_starts_on, 'infinity'::date), page.id;
END
$$;
