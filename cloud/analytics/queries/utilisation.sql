-- Utilisation per car per UTC day (Athena engine version 3), from the trips and stops tables (trips.sql,
-- stops.sql): how much of each day a car drove, and how long it stood with the engine running.
--
-- driving_hours: the trips that start that day; idle_hours: the ignition on while standing, in the stops that
-- start that day (0 for a car that reports no ignition); utilisation_pct: driving time over the 24 hours of the
-- day. A day the car only idled is a row too (a full outer join of the two sums).
--
-- Edit both dt ranges.
WITH driving AS (
    SELECT t.car_id,
           t.dt,
           count(*) AS trips,
           sum(t.distance_m) AS distance_m,
           sum(t.duration_s) AS driving_s
    FROM trips t
    WHERE t.dt BETWEEN '2025-06-01' AND '2025-06-07'
    GROUP BY t.car_id, t.dt
),
idling AS (
    SELECT s.car_id,
           s.dt,
           sum(s.idle_s) AS idle_s
    FROM stops s
    WHERE s.dt BETWEEN '2025-06-01' AND '2025-06-07'
    GROUP BY s.car_id, s.dt
)
SELECT coalesce(d.car_id, i.car_id) AS car_id,
       coalesce(d.dt, i.dt) AS day,
       coalesce(d.trips, 0) AS trips,
       round(coalesce(d.distance_m, 0) / 1000.0, 2) AS distance_km,
       round(coalesce(d.driving_s, 0) / 3600.0, 2) AS driving_hours,
       round(coalesce(i.idle_s, 0) / 3600.0, 2) AS idle_hours,
       round(coalesce(d.driving_s, 0) * 100.0 / 86400, 1) AS utilisation_pct
FROM driving d
FULL OUTER JOIN idling i ON d.car_id = i.car_id AND d.dt = i.dt
ORDER BY car_id, day;
