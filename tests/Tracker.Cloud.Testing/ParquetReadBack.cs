using Parquet;
using Parquet.Schema;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Testing;

/// <summary>A part file read back with Parquet.Net, independently of the writer: its schema, metadata and rows.</summary>
/// <param name="Schema">The file's schema.</param>
/// <param name="Metadata">The file's footer.</param>
/// <param name="CustomMetadata">The footer's key-value metadata.</param>
/// <param name="RowGroups">Row groups in the file.</param>
/// <param name="Rows">The rows, as the store's fixes.</param>
/// <param name="Degrees">Each row's (lat, lon) double columns.</param>
public sealed record ParquetReadBack(
    ParquetSchema Schema,
    Parquet.Meta.FileMetaData Metadata,
    IReadOnlyDictionary<string, string> CustomMetadata,
    int RowGroups,
    IReadOnlyList<StoredFix> Rows,
    IReadOnlyList<(double Lat, double Lon)> Degrees)
{
    /// <summary>Reads a whole part file.</summary>
    public static async Task<ParquetReadBack> ReadAsync(byte[] file)
    {
        using var stream = new MemoryStream(file, writable: false);
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream);
        DataField[] f = reader.Schema.DataFields;
        DataField Field(string name) => f.Single(x => x.Name == name);
        var rows = new List<StoredFix>();
        var degrees = new List<(double, double)>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            var car = new string?[n];
            var ts = new DateTime[n];
            var lat = new double[n];
            var lon = new double[n];
            var latE7 = new int[n];
            var lonE7 = new int[n];
            var alt = new int?[n];
            var speed = new int?[n];
            var course = new int?[n];
            var hdop = new int?[n];
            var sats = new int?[n];
            var mode = new int[n];
            var quality = new int[n];
            var derived = new bool[n];
            var moving = new bool[n];
            var received = new long[n];
            await group.ReadAsync(Field("car_id"), car.AsMemory());
            await group.ReadAsync<DateTime>(Field("ts"), ts.AsMemory());
            await group.ReadAsync<double>(Field("lat"), lat.AsMemory());
            await group.ReadAsync<double>(Field("lon"), lon.AsMemory());
            await group.ReadAsync<int>(Field("lat_e7"), latE7.AsMemory());
            await group.ReadAsync<int>(Field("lon_e7"), lonE7.AsMemory());
            await group.ReadAsync<int>(Field("alt_cm"), alt.AsMemory());
            await group.ReadAsync<int>(Field("speed_mmps"), speed.AsMemory());
            await group.ReadAsync<int>(Field("course_cdeg"), course.AsMemory());
            await group.ReadAsync<int>(Field("hdop_x100"), hdop.AsMemory());
            await group.ReadAsync<int>(Field("satellites"), sats.AsMemory());
            await group.ReadAsync<int>(Field("mode"), mode.AsMemory());
            await group.ReadAsync<int>(Field("quality"), quality.AsMemory());
            await group.ReadAsync<bool>(Field("speed_derived"), derived.AsMemory());
            await group.ReadAsync<bool>(Field("moving"), moving.AsMemory());
            await group.ReadAsync<long>(Field("received_ms"), received.AsMemory());
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(DateTimeKind.Utc, ts[i].Kind);
                rows.Add(new StoredFix(
                    car[i]!,
                    (ts[i] - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond,
                    latE7[i],
                    lonE7[i],
                    alt[i],
                    speed[i],
                    course[i],
                    hdop[i],
                    sats[i],
                    checked((byte)mode[i]),
                    checked((byte)quality[i]),
                    derived[i],
                    moving[i],
                    received[i]));
                degrees.Add((lat[i], lon[i]));
            }
        }

        return new ParquetReadBack(reader.Schema, reader.Metadata!, reader.CustomMetadata, reader.RowGroupCount, rows, degrees);
    }
}
