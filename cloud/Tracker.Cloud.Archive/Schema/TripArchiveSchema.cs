using Parquet.Schema;

namespace Tracker.Cloud.Archive.Schema;

/// <summary>
/// The columns of the archive's <c>trips</c> and <c>stops</c> tables (issue 17), in file order: the one list that the
/// Parquet writer, the Glue DDL (cloud/analytics/trips.sql and stops.sql, checked by a test) and the CDK Glue tables
/// use. Both are partitioned like the fixes, by <see cref="ArchiveSchema.PartitionColumn"/>: a trip or a stop belongs
/// to the UTC day it starts on (as the API's daily summary counts it), so a trip across midnight is one row of its
/// first day.
/// </summary>
public static class TripArchiveSchema
{
    /// <summary>Version of these column lists, written into each file's metadata and the manifest; bump it on any change.</summary>
    public const int Version = 1;

    /// <summary>The partition column of both tables, <c>dt</c>: the UTC day of <c>start_ts</c> (the folder <c>dt=YYYY-MM-DD/</c>).</summary>
    public static ArchiveColumn PartitionColumn { get; } = new("dt", "string", false, "UTC day of start_ts, yyyy-MM-dd (the partition folder dt=YYYY-MM-DD)");

    /// <summary>The trips table's columns, in file order.</summary>
    public static IReadOnlyList<ArchiveColumn> TripColumns { get; } = Array.AsReadOnly(new ArchiveColumn[]
    {
        new("car_id", "string", false, "car id (the AWS IoT thing name), the sort key of the files with start_ts"),
        new("start_ts", "timestamp", false, "start of the trip, UTC: the last fix where the car stood, or the first moving fix after a long silence"),
        new("end_ts", "timestamp", false, "end of the trip, UTC: the first fix of the stop that ended it"),
        new("start_lat", "double", false, "where it started, latitude in degrees"),
        new("start_lon", "double", false, "where it started, longitude in degrees"),
        new("end_lat", "double", false, "where it ended, latitude in degrees"),
        new("end_lon", "double", false, "where it ended, longitude in degrees"),
        new("distance_m", "double", false, "path distance in metres (fix to fix great circle, gaps bridged)"),
        new("estimated_m", "double", false, "of distance_m, the metres bridged over gaps (tunnels, dead zones): estimated"),
        new("duration_s", "bigint", false, "end_ts - start_ts in seconds, rounded down"),
        new("max_speed_kmh", "double", false, "highest speed reported in km/h (0 when no fix carried one)"),
        new("avg_speed_kmh", "double", false, "distance over duration in km/h"),
        new("fixes", "int", false, "fixes in the trip"),
        new("start_odometer_m", "double", false, "the odometer at the start in metres (kept by Derive, carried on from the dashboard reading)"),
        new("rental_id", "string", true, "the rental the trip started in (car/renter/start ms), null when none"),
        new("renter", "string", true, "the renter of that rental (the user id), null when none"),
        new("decided_ts", "timestamp", false, "fix time of the observation that decided this version of the trip"),
    });

    /// <summary>The stops table's columns, in file order.</summary>
    public static IReadOnlyList<ArchiveColumn> StopColumns { get; } = Array.AsReadOnly(new ArchiveColumn[]
    {
        new("car_id", "string", false, "car id (the AWS IoT thing name), the sort key of the files with start_ts"),
        new("start_ts", "timestamp", false, "start of the stop, UTC: the end of the trip before it"),
        new("end_ts", "timestamp", true, "end of the stop, UTC: the start of the next trip; null while the car was still there at export"),
        new("lat", "double", false, "where, latitude in degrees"),
        new("lon", "double", false, "where, longitude in degrees"),
        new("duration_s", "bigint", true, "end_ts - start_ts in seconds, rounded down; null while open"),
        new("idle_s", "bigint", false, "seconds the ignition was on while the car stood here (0 when the car reports no ignition)"),
        new("rental_id", "string", true, "the rental the stop started in (car/renter/start ms), null when none"),
        new("decided_ts", "timestamp", false, "fix time of the observation that decided this version of the stop"),
    });

    /// <summary>The trips' Parquet schema.</summary>
    internal static ParquetSchema TripsParquet { get; } = ArchiveSchema.ToParquet(TripColumns);

    /// <summary>The stops' Parquet schema.</summary>
    internal static ParquetSchema StopsParquet { get; } = ArchiveSchema.ToParquet(StopColumns);
}
