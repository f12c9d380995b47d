-- The archived stops as an external table in the Glue Data Catalog, for Athena (engine version 3)
-- and Redshift Spectrum, beside fixes.sql. Run it once in the Athena query editor, after replacing the bucket
-- name in LOCATION and storage.location.template with the archive bucket (TRACKER_ARCHIVE_BUCKET) and, if changed,
-- the prefix (TRACKER_ARCHIVE_STOPS_PREFIX, default stops/). The CDK stack creates the same table from the
-- same column list (Tracker.Cloud.Archive, TripArchiveSchema.StopColumns); a test checks that this file lists
-- exactly those columns, in order, with the same types.
--
-- One folder per UTC day, as the fixes: a stop is a row of the day it starts on, and the files are sorted by
-- car_id, then start_ts. The archive function writes the day again when its content changes (a late backlog revised a stop),
-- for 30 days back; the folder's _manifest.json (not read by Athena) holds the part's SHA-256. Partitions are
-- projected, so no crawler or MSCK REPAIR TABLE is needed: filter on dt.

CREATE EXTERNAL TABLE IF NOT EXISTS stops (
    car_id     string    COMMENT 'car id (the AWS IoT thing name), the sort key of the files with start_ts',
    start_ts   timestamp COMMENT 'start of the stop, UTC: the end of the trip before it',
    end_ts     timestamp COMMENT 'end of the stop, UTC: the start of the next trip; null while the car was still there at export',
    lat        double    COMMENT 'where, latitude in degrees',
    lon        double    COMMENT 'where, longitude in degrees',
    duration_s bigint    COMMENT 'end_ts - start_ts in seconds, rounded down; null while open',
    idle_s     bigint    COMMENT 'seconds the ignition was on while the car stood here (0 when the car reports no ignition)',
    rental_id  string    COMMENT 'the rental the stop started in (car/renter/start ms), null when none',
    decided_ts timestamp COMMENT 'fix time of the observation that decided this version of the stop'
)
PARTITIONED BY (
    dt string COMMENT 'UTC day of start_ts, yyyy-MM-dd (the partition folder dt=YYYY-MM-DD)'
)
STORED AS PARQUET
LOCATION 's3://tracker-archive-bucket/stops/'
TBLPROPERTIES (
    'classification'              = 'parquet',
    'parquet.compression'         = 'ZSTD',
    'projection.enabled'          = 'true',
    'projection.dt.type'          = 'date',
    'projection.dt.format'        = 'yyyy-MM-dd',
    'projection.dt.range'         = '2024-01-01,NOW',
    'projection.dt.interval'      = '1',
    'projection.dt.interval.unit' = 'DAYS',
    'storage.location.template'   = 's3://tracker-archive-bucket/stops/dt=${dt}/'
);
