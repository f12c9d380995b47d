-- Trips per car over a range of days (Athena engine version 3).
--
-- A trip is a run of moving fixes (moving = true: speed at or above ingest's threshold). A gap of
-- 5 minutes or more between two consecutive moving fixes, whether the car was stopped or sent
-- nothing, ends one trip and starts the next. Gaps and islands: lag() finds the gap before each
-- moving fix, a running sum of "starts a trip" numbers the trips.
--
-- Edit the dt range (a literal range, so partition projection reads only those days' folders). A
-- trip that crosses midnight is one trip when both days are in the range.
WITH moving_fixes AS (
    SELECT f.car_id,
           f.ts,
           f.odometer_m,
           f.speed_mmps,
           lag(f.ts) OVER (PARTITION BY f.car_id ORDER BY f.ts) AS previous_ts
    FROM fixes f
    WHERE f.dt BETWEEN '2025-06-01' AND '2025-06-07'
      AND f.moving
),
numbered AS (
    SELECT car_id,
           ts,
           odometer_m,
           speed_mmps,
           sum(CASE WHEN previous_ts IS NULL OR ts >= previous_ts + INTERVAL '5' MINUTE THEN 1 ELSE 0 END)
               OVER (PARTITION BY car_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS trip
    FROM moving_fixes
),
trips AS (
    SELECT car_id,
           trip,
           min(ts) AS started,
           max(ts) AS ended,
           count(*) AS fixes,
           max(odometer_m) - min(odometer_m) AS distance_m,
           max(speed_mmps) AS top_speed_mmps
    FROM numbered
    GROUP BY car_id, trip
)
SELECT car_id,
       count(*) AS trips,
       round(sum(distance_m) / 1000.0, 1) AS distance_km,
       round(sum(date_diff('second', started, ended)) / 3600.0, 2) AS driving_hours,
       round(avg(date_diff('second', started, ended)) / 60.0, 1) AS mean_trip_minutes,
       round(max(top_speed_mmps) * 0.0036, 1) AS top_speed_kmh,
       min(started) AS first_trip_started,
       max(ended) AS last_trip_ended
FROM trips
GROUP BY car_id
ORDER BY car_id;
