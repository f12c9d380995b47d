-- Distance per car per UTC day, two ways (Athena engine version 3).
--
-- odometer_km: the steps of the odometer that ingest keeps (odometer_m of a fix minus that of the
--   car's previous fix). A step is counted on the day of the fix that ends it, so the drive between a
--   car's last fix of one day and its first fix of the next is not lost. A step that goes backwards
--   (the odometer restarts at 0 when a car's history has expired) or touches an unknown odometer is
--   left out.
-- haversine_km: the great-circle distance between consecutive fixes (haversine, mean Earth radius
--   6,371,008.8 m), counted when the car was moving at either end, as ingest counts the odometer. It
--   checks the odometer and covers cars whose odometer is unknown.
--
-- Edit both dt ranges: the inner one starts one day earlier, so the first fix of each reported day
-- has its predecessor.
WITH ordered AS (
    SELECT f.car_id,
           f.dt,
           f.lat,
           f.lon,
           f.moving,
           f.odometer_m,
           lag(f.odometer_m) OVER (PARTITION BY f.car_id ORDER BY f.ts) AS previous_odometer_m,
           lag(f.lat) OVER (PARTITION BY f.car_id ORDER BY f.ts) AS previous_lat,
           lag(f.lon) OVER (PARTITION BY f.car_id ORDER BY f.ts) AS previous_lon,
           lag(f.moving) OVER (PARTITION BY f.car_id ORDER BY f.ts) AS previous_moving
    FROM fixes f
    WHERE f.dt BETWEEN '2025-05-31' AND '2025-06-07'
),
steps AS (
    SELECT car_id,
           dt,
           CASE WHEN odometer_m >= previous_odometer_m THEN odometer_m - previous_odometer_m END AS odometer_step_m,
           CASE WHEN moving OR previous_moving THEN
               2 * 6371008.8 * asin(sqrt(
                   power(sin(radians(lat - previous_lat) / 2), 2)
                   + cos(radians(previous_lat)) * cos(radians(lat)) * power(sin(radians(lon - previous_lon) / 2), 2)))
           ELSE 0 END AS haversine_step_m
    FROM ordered
    WHERE previous_lat IS NOT NULL
)
SELECT car_id,
       dt,
       round(sum(odometer_step_m) / 1000.0, 2) AS odometer_km,
       round(sum(haversine_step_m) / 1000.0, 2) AS haversine_km,
       count(*) AS steps
FROM steps
WHERE dt BETWEEN '2025-06-01' AND '2025-06-07'
GROUP BY car_id, dt
ORDER BY car_id, dt;
