-- Cars that stayed offline (Athena engine version 3).
--
-- The fleet is every car seen in the 30 days that end with the report day (the archive has no other
-- car list, and a car that has not reported for 30 days has left the fleet or needs a visit anyway).
-- A car is offline when its newest fix is older than 30 minutes: the one definition, which the API
-- and the live map apply too (cloud/Tracker.Cloud.Core/Cars/CarRules.cs, OfflineAfter). This report
-- lists the cars that have been offline for at least threshold_hours at the end of the report day:
-- with 24 hours, the cars that sent no fix at all that day. Longest silence first, with where each
-- car was last seen.
--
-- Parameters: the end of the report day and the threshold, in params; the dt range is the 30 days
-- ending with the report day (2025-05-12 to 2025-06-10 for a report on 2025-06-10).
WITH params AS (
    SELECT TIMESTAMP '2025-06-11 00:00:00' AS report_end, 24 AS threshold_hours
),
fleet AS (
    SELECT f.car_id,
           max(f.ts) AS last_fix,
           max_by(f.lat, f.ts) AS last_lat,
           max_by(f.lon, f.ts) AS last_lon,
           count(DISTINCT f.dt) AS days_seen
    FROM fixes f
    WHERE f.dt BETWEEN '2025-05-12' AND '2025-06-10'
    GROUP BY f.car_id
)
SELECT c.car_id,
       c.last_fix,
       round(date_diff('minute', c.last_fix, p.report_end) / 60.0, 1) AS hours_offline,
       c.last_lat,
       c.last_lon,
       c.days_seen
FROM fleet c
CROSS JOIN params p
WHERE c.last_fix < p.report_end - p.threshold_hours * INTERVAL '1' HOUR
ORDER BY hours_offline DESC, c.car_id;
