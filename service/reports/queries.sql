-- name: equality_sums
-- One row per combination of the workers' characteristics, with the sums of each measure over
-- [:from_at, :to_at) and the workers behind each. Workers are those recorded before :to_at;
-- their age is on :on_day; part-time is below :full_time_hours. Equality answers are the ones
-- consented to (equality's view); a worker without answers has nulls there. Enrolments come
-- from enrolments' view `enrolments_shown`.
WITH people AS (
    -- An erased worker has no birth date but the age band it gave (people's age_band).
    SELECT w.id, date_part('year', age(:on_day::date, w.birth_date))::int AS age, w.age_band,
           w.contract_type, w.weekly_hours < :full_time_hours AS part_time, w.region
    FROM people_report_workers AS w
    WHERE w.created_at < :to_at
), held AS (
    SELECT r.worker_id, count(*) FILTER (WHERE r.status = 'attended') AS reviews_held,
           count(*) FILTER (WHERE r.status = 'no_show') AS no_shows
    FROM reviews_outcomes AS r
    WHERE r.starts_at >= :from_at AND r.starts_at < :to_at
    GROUP BY r.worker_id
), money AS (
    SELECT m.worker_id,
           coalesce(sum(m.amount_pence) FILTER (WHERE m.kind IN (
               'annual_credit', 'midlife_topup', 'retraining_topup', 'contribution')), 0)
               AS credited,
           coalesce(sum(m.amount_pence) FILTER (WHERE m.kind = 'settlement'), 0) AS spent
    FROM accounts_movements AS m
    WHERE m.created_at >= :from_at AND m.created_at < :to_at
    GROUP BY m.worker_id
), enrolments_of_workers AS (
    -- Enrolments' published view: places booked (enrolments made) and courses started in
    -- [:from_at, :to_at), per worker.
    SELECT e.worker_id,
           count(*) FILTER (WHERE e.booked_at >= :from_at AND e.booked_at < :to_at)
               AS enrolments,
           count(*) FILTER (WHERE e.started_at >= :from_at AND e.started_at < :to_at)
               AS courses_started
    FROM enrolments_shown AS e
    WHERE (e.booked_at >= :from_at AND e.booked_at < :to_at)
       OR (e.started_at >= :from_at AND e.started_at < :to_at)
    GROUP BY e.worker_id
)
SELECT p.age, p.age_band, p.contract_type, p.part_time, p.region, e.sex, e.ethnicity,
       e.disability, count(*) AS workers,
       coalesce(sum(h.reviews_held), 0)::bigint AS reviews_held,
       count(*) FILTER (WHERE h.reviews_held > 0) AS reviews_held_people,
       coalesce(sum(h.no_shows), 0)::bigint AS no_shows,
       count(*) FILTER (WHERE h.no_shows > 0) AS no_shows_people,
       coalesce(sum(n.enrolments), 0)::bigint AS enrolments,
       count(*) FILTER (WHERE n.enrolments > 0) AS enrolments_people,
       coalesce(sum(n.courses_started), 0)::bigint AS courses_started,
       count(*) FILTER (WHERE n.courses_started > 0) AS courses_started_people,
       coalesce(sum(m.credited), 0)::bigint AS credit_credited_pence,
       count(*) FILTER (WHERE m.credited > 0) AS credited_people,
       coalesce(sum(m.spent), 0)::bigint AS credit_spent_pence,
       count(*) FILTER (WHERE m.spent > 0) AS spent_people
FROM people AS p
LEFT JOIN held AS h ON h.worker_id = p.id
LEFT JOIN money AS m ON m.worker_id = p.id
LEFT JOIN enrolments_of_workers AS n ON n.worker_id = p.id
LEFT JOIN equality_report_answers AS e ON e.worker_id = p.id
GROUP BY p.age, p.age_band, p.contract_type, p.part_time, p.region, e.sex, e.ethnicity,
         e.disability;

-- name: challenge_outcomes
-- Challenges raised in [:from_at, :to_at) by where they stand: open, upheld, changed.
SELECT coalesce(c.outcome, c.status) AS outcome, count(*) AS n
FROM challenges_outcomes AS c
WHERE c.created_at >= :from_at AND c.created_at < :to_at
GROUP BY 1;
