-- Distance per car per UTC day (Athena engine version 3), from the trips table (trips.sql): what a daily
-- summary and a distance bill are made from.
--
-- distance_km: the trips' path distance, gaps bridged; estimated_km: the bridged part of it (a tunnel, a dead
-- zone), which the trip's fixes do not measure. A trip counts on the day it starts, as in the API's daily
-- summary (GET /daily), so a drive across midnight is not split. Until schema 2 of the archive this query
-- summed the per-fix odometer of ingest; the odometer now lives in Derive, where late data revises it.
--
-- It reads the trips, a few hundred bytes a trip, not the fixes: a tiny fraction of the bytes (and of the cost).
-- Edit the dt range.
SELECT t.car_id,
       t.dt,
       count(*) AS trips,
       round(sum(t.distance_m) / 1000.0, 2) AS distance_km,
       round(sum(t.estimated_m) / 1000.0, 2) AS estimated_km,
       round(sum(t.duration_s) / 3600.0, 2) AS driving_hours,
       round(max(t.max_speed_kmh), 1) AS top_speed_kmh
FROM trips t
WHERE t.dt BETWEEN '2025-06-01' AND '2025-06-07'
GROUP BY t.car_id, t.dt
ORDER BY t.car_id, t.dt;
