-- Speeding events (Athena engine version 3): runs of at least min_fixes consecutive fixes of a car
-- whose speed is above limit_mmps. A fix with an unknown speed, a fix at or under the limit, or a gap
-- of more than max_gap_s seconds between two fixes (the car may have slowed in between) ends a run.
--
-- Parameters: 120 km/h = 33,333 mm/s, 3 fixes, 60 s; edit them in params. Edit the dt range too.
WITH params AS (
    SELECT 33333 AS limit_mmps, 3 AS min_fixes, 60 AS max_gap_s
),
flagged AS (
    SELECT f.car_id,
           f.ts,
           f.lat,
           f.lon,
           f.speed_mmps,
           coalesce(f.speed_mmps > p.limit_mmps, false) AS speeding,
           lag(coalesce(f.speed_mmps > p.limit_mmps, false)) OVER (PARTITION BY f.car_id ORDER BY f.ts) AS previous_speeding,
           date_diff('second', lag(f.ts) OVER (PARTITION BY f.car_id ORDER BY f.ts), f.ts) AS gap_s,
           p.max_gap_s
    FROM fixes f
    CROSS JOIN params p
    WHERE f.dt BETWEEN '2025-06-01' AND '2025-06-07'
),
runs AS (
    SELECT car_id,
           ts,
           lat,
           lon,
           speed_mmps,
           speeding,
           sum(CASE WHEN gap_s IS NULL OR speeding <> previous_speeding OR gap_s > max_gap_s THEN 1 ELSE 0 END)
               OVER (PARTITION BY car_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS run
    FROM flagged
)
SELECT r.car_id,
       min(r.ts) AS started,
       max(r.ts) AS ended,
       count(*) AS fixes,
       round(max(r.speed_mmps) * 0.0036, 1) AS top_speed_kmh,
       round(avg(r.speed_mmps) * 0.0036, 1) AS mean_speed_kmh,
       min_by(r.lat, r.ts) AS started_lat,
       min_by(r.lon, r.ts) AS started_lon
FROM runs r
CROSS JOIN params p
WHERE r.speeding
GROUP BY r.car_id, r.run, p.min_fixes
HAVING count(*) >= p.min_fixes
ORDER BY r.car_id, started;
