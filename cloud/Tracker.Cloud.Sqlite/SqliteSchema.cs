namespace Tracker.Cloud.Sqlite;

/// <summary>
/// The schema, created when the store opens (every statement is idempotent). Fixes are keyed on
/// (car_id, ts) in a WITHOUT ROWID table, so a car's range query is one ordered index walk and a
/// repeated fix is ignored by its key; the ts index serves the retention purge. A file created before issue 17 also has
/// an <c>odometer_m</c> column in <c>fixes</c> and <c>latest</c> (ingest's old odometer): nullable, so it is simply left
/// unused, never read or written (dropping it would rewrite the whole fixes table at start).
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Journal mode: WAL lets API readers run while ingest writes (sqlite.org/wal.html). Persistent per file.</summary>
    public const string EnableWal = "PRAGMA journal_mode=WAL;";

    /// <summary>The tables and indexes.</summary>
    public const string Create = """
        CREATE TABLE IF NOT EXISTS fixes (
            car_id        TEXT    NOT NULL,
            ts            INTEGER NOT NULL,
            lat_e7        INTEGER NOT NULL,
            lon_e7        INTEGER NOT NULL,
            alt_cm        INTEGER,
            speed_mmps    INTEGER,
            course_cdeg   INTEGER,
            hdop_x100     INTEGER,
            satellites    INTEGER,
            mode          INTEGER NOT NULL,
            quality       INTEGER NOT NULL,
            speed_derived INTEGER NOT NULL,
            moving        INTEGER NOT NULL,
            received_ms   INTEGER NOT NULL,
            PRIMARY KEY (car_id, ts)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS fixes_by_ts ON fixes (ts);
        CREATE TABLE IF NOT EXISTS latest (
            car_id        TEXT    NOT NULL PRIMARY KEY,
            ts            INTEGER NOT NULL,
            lat_e7        INTEGER NOT NULL,
            lon_e7        INTEGER NOT NULL,
            alt_cm        INTEGER,
            speed_mmps    INTEGER,
            course_cdeg   INTEGER,
            hdop_x100     INTEGER,
            satellites    INTEGER,
            mode          INTEGER NOT NULL,
            quality       INTEGER NOT NULL,
            speed_derived INTEGER NOT NULL,
            moving        INTEGER NOT NULL,
            received_ms   INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS rentals (
            car_id  TEXT    NOT NULL,
            renter  TEXT    NOT NULL,
            from_ms INTEGER NOT NULL,
            to_ms   INTEGER NOT NULL,
            PRIMARY KEY (car_id, renter, from_ms)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS rentals_by_renter ON rentals (renter, from_ms);
        CREATE TABLE IF NOT EXISTS fix_feed (
            seq     INTEGER PRIMARY KEY,
            car_id  TEXT    NOT NULL,
            from_ts INTEGER NOT NULL,
            to_ts   INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS fix_feed_by_car ON fix_feed (car_id, seq);
        CREATE TABLE IF NOT EXISTS late_days (
            day   TEXT    PRIMARY KEY,
            marks INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    /// <summary>The fix columns in the order <see cref="SqliteStore"/> reads and binds them.</summary>
    public const string FixColumns = "car_id, ts, lat_e7, lon_e7, alt_cm, speed_mmps, course_cdeg, hdop_x100, satellites, mode, quality, speed_derived, moving, received_ms";

    /// <summary>The parameter names matching <see cref="FixColumns"/>.</summary>
    public const string FixParameters = "$car_id, $ts, $lat_e7, $lon_e7, $alt_cm, $speed_mmps, $course_cdeg, $hdop_x100, $satellites, $mode, $quality, $speed_derived, $moving, $received_ms";
}
