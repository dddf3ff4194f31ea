-- The query's words as course search reads them, as immutable functions, so that the search's
-- statements compute them from the query text themselves (one round trip fewer than asking for
-- them first). Under the search's custom plans PostgreSQL folds each call to a constant before
-- planning, so the estimates and index conditions are those of the words themselves.

-- The query as a web search reads it: every word, "phrases", -not, or.
CREATE FUNCTION course_search_all_words(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN websearch_to_tsquery('english', q);

-- Its words joined by OR: a course whose title or subjects hold any of them is a heading match.
CREATE FUNCTION course_search_any_word(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN replace(plainto_tsquery('english', q)::text, ' & ', ' | ')::tsquery;
