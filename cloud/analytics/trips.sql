-- The archived trips as an external table in the Glue Data Catalog, for Athena (engine version 3)
-- and Redshift Spectrum, beside fixes.sql. Run it once in the Athena query editor, after replacing the bucket
-- name in LOCATION and storage.location.template with the archive bucket (TRACKER_ARCHIVE_BUCKET) and, if changed,
-- the prefix (TRACKER_ARCHIVE_TRIPS_PREFIX, default trips/). The CDK stack creates the same table from the
-- same column list (Tracker.Cloud.Archive, TripArchiveSchema.TripColumns); a test checks that this file lists
-- exactly those columns, in order, with the same types.
--
-- One folder per UTC day, as the fixes: a trip is a row of the day it starts on, and the files are sorted by
-- car_id, then start_ts. The archive function writes the day again when its content changes (a late backlog revised a trip),
-- for 30 days back; the folder's _manifest.json (not read by Athena) holds the part's SHA-256. Partitions are
-- projected, so no crawler or MSCK REPAIR TABLE is needed: filter on dt.

CREATE EXTERNAL TABLE IF NOT EXISTS trips (
    car_id           string    COMMENT 'car id (the AWS IoT thing name), the sort key of the files with start_ts',
    start_ts         timestamp COMMENT 'start of the trip, UTC: the last fix where the car stood, or the first moving fix after a long silence',
    end_ts           timestamp COMMENT 'end of the trip, UTC: the first fix of the stop that ended it',
    start_lat        double    COMMENT 'where it started, latitude in degrees',
    start_lon        double    COMMENT 'where it started, longitude in degrees',
    end_lat          double    COMMENT 'where it ended, latitude in degrees',
    end_lon          double    COMMENT 'where it ended, longitude in degrees',
    distance_m       double    COMMENT 'path distance in metres (fix to fix great circle, gaps bridged)',
    estimated_m      double    COMMENT 'of distance_m, the metres bridged over gaps (tunnels, dead zones): estimated',
    duration_s       bigint    COMMENT 'end_ts - start_ts in seconds, rounded down',
    max_speed_kmh    double    COMMENT 'highest speed reported in km/h (0 when no fix carried one)',
    avg_speed_kmh    double    COMMENT 'distance over duration in km/h',
    fixes            int       COMMENT 'fixes in the trip',
    start_odometer_m double    COMMENT 'the odometer at the start in metres (kept by Derive, carried on from the dashboard reading)',
    rental_id        string    COMMENT 'the rental the trip started in (car/renter/start ms), null when none',
    renter           string    COMMENT 'the renter of that rental (the user id), null when none',
    decided_ts       timestamp COMMENT 'fix time of the observation that decided this version of the trip'
)
PARTITIONED BY (
    dt string COMMENT 'UTC day of start_ts, yyyy-MM-dd (the partition folder dt=YYYY-MM-DD)'
)
STORED AS PARQUET
LOCATION 's3://tracker-archive-bucket/trips/'
TBLPROPERTIES (
    'classification'              = 'parquet',
    'parquet.compression'         = 'ZSTD',
    'projection.enabled'          = 'true',
    'projection.dt.type'          = 'date',
    'projection.dt.format'        = 'yyyy-MM-dd',
    'projection.dt.range'         = '2024-01-01,NOW',
    'projection.dt.interval'      = '1',
    'projection.dt.interval.unit' = 'DAYS',
    'storage.location.template'   = 's3://tracker-archive-bucket/trips/dt=${dt}/'
);
