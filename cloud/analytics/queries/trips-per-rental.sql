-- Trips per rental (Athena engine version 3), from the trips table (trips.sql): the archive's side of the
-- rental summary a bill is made from (GET /rentals/{rentalId}/summary has the same trips, distance and
-- driving time for one rental, with its events).
--
-- A trip belongs to the rental it started in (rental_id is car/renter/start ms, as the API names rentals);
-- trips outside any rental are left out. utilisation_pct is driving time over the rental's span as seen in
-- the trips (first start to last end), a lower bound of the rental's own length.
--
-- Edit the dt range: it must cover the rentals' days (a rental's trips in days outside it are not counted).
SELECT t.rental_id,
       t.car_id,
       t.renter,
       count(*) AS trips,
       round(sum(t.distance_m) / 1000.0, 2) AS distance_km,
       round(sum(t.estimated_m) / 1000.0, 2) AS estimated_km,
       round(sum(t.duration_s) / 3600.0, 2) AS driving_hours,
       round(max(t.max_speed_kmh), 1) AS top_speed_kmh,
       min(t.start_ts) AS first_trip_started,
       max(t.end_ts) AS last_trip_ended
FROM trips t
WHERE t.dt BETWEEN '2025-06-01' AND '2025-06-07'
  AND t.rental_id IS NOT NULL
GROUP BY t.rental_id, t.car_id, t.renter
ORDER BY t.rental_id;
