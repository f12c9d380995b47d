using Parquet.Schema;

namespace Tracker.Cloud.Archive.Schema;

/// <summary>
/// The archive's columns, in file order: the one list that the Parquet writer, the Glue DDL
/// (cloud/analytics/fixes.sql, checked by a test) and the CDK Glue table use. The partition column
/// <see cref="PartitionColumn"/> is not stored in the files: it is the <c>dt=YYYY-MM-DD</c> folder.
/// </summary>
public static class ArchiveSchema
{
    /// <summary>Version of this column list, written into each file's metadata and the manifest; bump it on any change.</summary>
    /// <remarks>2: <c>odometer_m</c> left the fixes (the odometer lives in Derive now, where late data revises it; the trips table carries it).</remarks>
    public const int Version = 2;

    /// <summary>The car (the AWS IoT thing name).</summary>
    public const string CarId = "car_id";

    /// <summary>The fix's UTC time.</summary>
    public const string Ts = "ts";

    /// <summary>Latitude, degrees.</summary>
    public const string Lat = "lat";

    /// <summary>Longitude, degrees.</summary>
    public const string Lon = "lon";

    /// <summary>Latitude, exact, 1e-7 degrees.</summary>
    public const string LatE7 = "lat_e7";

    /// <summary>Longitude, exact, 1e-7 degrees.</summary>
    public const string LonE7 = "lon_e7";

    /// <summary>Altitude MSL, cm.</summary>
    public const string AltCm = "alt_cm";

    /// <summary>Speed, mm/s.</summary>
    public const string SpeedMmps = "speed_mmps";

    /// <summary>Course over ground, 0.01 degree.</summary>
    public const string CourseCdeg = "course_cdeg";

    /// <summary>HDOP x100.</summary>
    public const string HdopX100 = "hdop_x100";

    /// <summary>Satellites used.</summary>
    public const string Satellites = "satellites";

    /// <summary>Fix mode, 2 or 3.</summary>
    public const string Mode = "mode";

    /// <summary>GGA quality, 1 to 8.</summary>
    public const string Quality = "quality";

    /// <summary>Speed computed at ingest.</summary>
    public const string SpeedDerived = "speed_derived";

    /// <summary>Moving at this fix.</summary>
    public const string Moving = "moving";

    /// <summary>When ingest accepted the fix, UTC epoch ms.</summary>
    public const string ReceivedMs = "received_ms";

    /// <summary>
    /// The partition column, <c>dt</c> (Glue type <c>string</c>, <c>yyyy-MM-dd</c>): the UTC day, from the
    /// object key (<c>dt=2025-06-10/</c>), projected by Athena (partition projection, type <c>date</c>).
    /// </summary>
    public static ArchiveColumn PartitionColumn { get; } = new("dt", "string", false, "UTC day of ts, yyyy-MM-dd (the partition folder dt=YYYY-MM-DD)");

    /// <summary>The stored columns, in file order.</summary>
    public static IReadOnlyList<ArchiveColumn> Columns { get; } = Array.AsReadOnly(new ArchiveColumn[]
    {
        new(CarId, "string", false, "car id (the AWS IoT thing name), the sort key of the files with ts"),
        new(Ts, "timestamp", false, "time of the fix, UTC, millisecond precision"),
        new(Lat, "double", false, "latitude in degrees (lat_e7 / 1e7)"),
        new(Lon, "double", false, "longitude in degrees (lon_e7 / 1e7)"),
        new(LatE7, "int", false, "latitude in 1e-7 degrees, exactly as the tracker measured it"),
        new(LonE7, "int", false, "longitude in 1e-7 degrees, exactly as the tracker measured it"),
        new(AltCm, "int", true, "altitude above mean sea level in cm, null when unknown"),
        new(SpeedMmps, "int", true, "speed over ground in mm/s, null when unknown (see speed_derived)"),
        new(CourseCdeg, "int", true, "course over ground in 0.01 degree from true north, null when unknown"),
        new(HdopX100, "int", true, "horizontal dilution of precision x 100, null when unknown"),
        new(Satellites, "int", true, "satellites used in the fix, null when unknown"),
        new(Mode, "int", false, "fix mode: 2 (2D) or 3 (3D)"),
        new(Quality, "int", false, "GGA fix quality, 1 to 8 (1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 dead reckoning...)"),
        new(SpeedDerived, "boolean", false, "true when speed_mmps was computed at ingest from distance and time"),
        new(Moving, "boolean", false, "true when the car was moving at this fix (speed at or above the ingest threshold)"),
        new(ReceivedMs, "bigint", false, "when ingest accepted the fix, UTC epoch milliseconds"),
    });

    /// <summary>The Parquet schema of the files, built from <see cref="Columns"/>.</summary>
    internal static ParquetSchema Parquet { get; } = ToParquet(Columns);

    /// <summary>The Parquet field of a column, by name.</summary>
    /// <exception cref="ArgumentException">No such column.</exception>
    internal static DataField Field(string name) =>
        Parquet.DataFields.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"no archive column '{name}'", nameof(name));

    /// <summary>A Parquet schema from a column list (the fixes', the trips' or the stops').</summary>
    /// <param name="columns">The columns, in file order.</param>
    internal static ParquetSchema ToParquet(IEnumerable<ArchiveColumn> columns) => new(columns.Select(ToField).ToArray());

    private static DataField ToField(ArchiveColumn column) => (column.GlueType, column.Nullable) switch
    {
        ("string", false) => new DataField<string>(column.Name, nullable: false),
        ("string", true) => new DataField<string>(column.Name, nullable: true),

        // INT64 milliseconds annotated with the converted type TIMESTAMP_MILLIS, which parquet-format
        // (LogicalTypes.md, "TIMESTAMP", backward compatibility) defines as TIMESTAMP(isAdjustedToUTC=true,
        // unit=MILLIS): older readers know only converted types, newer ones map it to the logical type.
        // Athena reads it as a timestamp. Not INT96, which is deprecated.
        ("timestamp", false) => new DateTimeDataField(column.Name, DateTimeFormat.DateAndTime, isAdjustedToUTC: true, unit: null, isNullable: false),
        ("timestamp", true) => new DateTimeDataField(column.Name, DateTimeFormat.DateAndTime, isAdjustedToUTC: true, unit: null, isNullable: true),
        ("double", false) => new DataField<double>(column.Name, nullable: false),
        ("int", false) => new DataField<int>(column.Name, nullable: false),
        ("int", true) => new DataField<int?>(column.Name, nullable: true),
        ("bigint", false) => new DataField<long>(column.Name, nullable: false),
        ("bigint", true) => new DataField<long?>(column.Name, nullable: true),
        ("boolean", false) => new DataField<bool>(column.Name, nullable: false),
        _ => throw new InvalidOperationException($"archive column {column.Name}: no Parquet mapping for {column.GlueType} (nullable {column.Nullable})"),
    };
}
