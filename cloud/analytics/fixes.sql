-- The archived fixes as an external table in the Glue Data Catalog, for Athena (engine version 3)
-- and Redshift Spectrum. Run it once in the Athena query editor, after replacing the bucket name in
-- LOCATION and storage.location.template with the archive bucket (TRACKER_ARCHIVE_BUCKET) and, if
-- changed, the prefix (TRACKER_ARCHIVE_PREFIX, default fixes/). The CDK stack creates the same table
-- from the same column list (Tracker.Cloud.Archive, ArchiveSchema.Columns); a test checks that this
-- file lists exactly those columns, in order, with the same types.
--
-- Partitions are projected, not registered (Athena user guide, "Use partition projection with
-- Amazon Athena"): Athena computes the dt values of a query's range from the properties below and
-- reads s3://.../fixes/dt=YYYY-MM-DD/ directly, so there is no MSCK REPAIR TABLE or crawler to run
-- after each daily export, and a query that filters on dt reads only those days' folders.
-- Objects whose names start with an underscore (the _manifest.json of each day) are not read.

CREATE EXTERNAL TABLE IF NOT EXISTS fixes (
    car_id        string    COMMENT 'car id (the AWS IoT thing name), the sort key of the files with ts',
    ts            timestamp COMMENT 'time of the fix, UTC, millisecond precision',
    lat           double    COMMENT 'latitude in degrees (lat_e7 / 1e7)',
    lon           double    COMMENT 'longitude in degrees (lon_e7 / 1e7)',
    lat_e7        int       COMMENT 'latitude in 1e-7 degrees, exactly as the tracker measured it',
    lon_e7        int       COMMENT 'longitude in 1e-7 degrees, exactly as the tracker measured it',
    alt_cm        int       COMMENT 'altitude above mean sea level in cm, null when unknown',
    speed_mmps    int       COMMENT 'speed over ground in mm/s, null when unknown (see speed_derived)',
    course_cdeg   int       COMMENT 'course over ground in 0.01 degree from true north, null when unknown',
    hdop_x100     int       COMMENT 'horizontal dilution of precision x 100, null when unknown',
    satellites    int       COMMENT 'satellites used in the fix, null when unknown',
    mode          int       COMMENT 'fix mode: 2 (2D) or 3 (3D)',
    quality       int       COMMENT 'GGA fix quality, 1 to 8 (1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning...)',
    speed_derived boolean   COMMENT 'true when speed_mmps was computed at ingest from distance and time',
    moving        boolean   COMMENT 'true when the car was moving at this fix (speed at or above the ingest threshold)',
    received_ms   bigint    COMMENT 'when ingest accepted the fix, UTC epoch milliseconds'
)
PARTITIONED BY (
    dt string COMMENT 'UTC day of ts, yyyy-MM-dd (the partition folder dt=YYYY-MM-DD)'
)
STORED AS PARQUET
LOCATION 's3://tracker-archive-bucket/fixes/'
TBLPROPERTIES (
    'classification'              = 'parquet',
    'parquet.compression'         = 'ZSTD',
    'projection.enabled'          = 'true',
    'projection.dt.type'          = 'date',
    'projection.dt.format'        = 'yyyy-MM-dd',
    'projection.dt.range'         = '2024-01-01,NOW',
    'projection.dt.interval'      = '1',
    'projection.dt.interval.unit' = 'DAYS',
    'storage.location.template'   = 's3://tracker-archive-bucket/fixes/dt=${dt}/'
);
