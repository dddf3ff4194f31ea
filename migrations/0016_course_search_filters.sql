-- Course search's filters, each written once: the search statement tests them on the courses of
-- both its parts (heading matches, then description matches) and on their presentations. Plain
-- expressions of their arguments (IMMUTABLE SQL), so PostgreSQL inlines each call where it
-- stands and, under the search's custom plans, folds away every filter left null: the plans
-- are those of the conditions written out.

-- A presentation that is current and meets every presentation filter given (null: any).
CREATE FUNCTION course_presentation_meets(pr presentations, attendance text, delivery text,
                                          max_cost bigint, starting_after date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pr.withdrawn_at IS NULL
   AND (attendance IS NULL OR pr.attendance_pattern = attendance)
   AND (delivery IS NULL OR pr.delivery = delivery)
   AND (max_cost IS NULL OR pr.cost_pence <= max_cost)
   AND (starting_after IS NULL OR pr.starts_on > starting_after);

-- A course that is current and meets every course filter given, the presentation filters tested
-- on its summary columns (some presentation has that pattern, that delivery, a cost that low, a
-- start that late; whether one presentation has them all is the search's own subquery).
CREATE FUNCTION course_meets(c courses, level text, band text, provider_id uuid,
                             attendance text, delivery text, max_cost bigint,
                             starting_after date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN c.withdrawn_at IS NULL
   AND (level IS NULL OR c.rqf_level = level)
   AND (band IS NULL OR c.band = band)
   AND (provider_id IS NULL OR c.provider_id = provider_id)
   AND (attendance IS NULL OR attendance = ANY (c.attendance_patterns))
   AND (delivery IS NULL OR delivery = ANY (c.deliveries))
   AND (max_cost IS NULL OR c.lowest_cost_pence <= max_cost)
   AND (starting_after IS NULL OR c.last_starts_on > starting_after);
