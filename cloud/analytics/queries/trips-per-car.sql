-- Trips per car over a range of days (Athena engine version 3), from the trips table (trips.sql).
--
-- The trips are Derive's (issue 17): a trip needs a minimum distance and duration, parked jitter never makes
-- one, a tunnel or dead zone inside a trip does not split it (its distance is bridged and counted in
-- estimated_m), and late data revises a trip instead of adding one. A trip is a row of the day it starts on, so
-- a trip across midnight is counted once, on its first day, and its whole distance with it.
--
-- Edit the dt range (a literal range, so partition projection reads only those days' folders).
SELECT t.car_id,
       count(*) AS trips,
       round(sum(t.distance_m) / 1000.0, 1) AS distance_km,
       round(sum(t.estimated_m) / 1000.0, 1) AS estimated_km,
       round(sum(t.duration_s) / 3600.0, 2) AS driving_hours,
       round(avg(t.duration_s) / 60.0, 1) AS mean_trip_minutes,
       round(max(t.max_speed_kmh), 1) AS top_speed_kmh,
       min(t.start_ts) AS first_trip_started,
       max(t.end_ts) AS last_trip_ended
FROM trips t
WHERE t.dt BETWEEN '2025-06-01' AND '2025-06-07'
GROUP BY t.car_id
ORDER BY t.car_id;
