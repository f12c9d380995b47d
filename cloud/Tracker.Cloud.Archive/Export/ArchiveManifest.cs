using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// What one export of a day wrote, as <c>dt=yyyy-MM-dd/_manifest.json</c>. It is written last, after
/// every part file is complete and stale parts are gone, and removed first when a day is exported
/// again: a manifest therefore only ever describes complete files. A day with no fixes has a
/// manifest with 0 rows and no files.
/// </summary>
/// <param name="SchemaVersion">The column list's version (<see cref="Schema.ArchiveSchema.Version"/>).</param>
/// <param name="Day">The UTC day, <c>yyyy-MM-dd</c>.</param>
/// <param name="FromMs">Start of the day, UTC epoch ms (inclusive).</param>
/// <param name="ToMs">End of the day, UTC epoch ms (exclusive).</param>
/// <param name="Compression">The page compression, lower case (<c>zstd</c>, <c>snappy</c>).</param>
/// <param name="Rows">Rows in all files.</param>
/// <param name="Files">The part files, in order; their rows are sorted by (car_id, ts) across files.</param>
/// <param name="Cars">Rows per car, for the cars that have any, in car order.</param>
/// <param name="ExportedAt">When the export finished (UTC).</param>
/// <param name="ContentSha256">
/// The trips' and stops' manifests only: SHA-256 (hex) of the day's part, or of nothing when the day has no rows. The
/// nightly run re-exports a day only when this changes (<see cref="TripArchiveExporter"/>). Absent from the fixes' manifests.
/// </param>
public sealed record ArchiveManifest(
    int SchemaVersion,
    string Day,
    long FromMs,
    long ToMs,
    string Compression,
    long Rows,
    IReadOnlyList<ArchiveManifestFile> Files,
    IReadOnlyList<ArchiveCarRows> Cars,
    DateTimeOffset ExportedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentSha256 = null)
{
    /// <summary>The manifest as UTF-8 JSON (camelCase names).</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ArchiveJsonContext.Default.ArchiveManifest);

    /// <summary>Reads a manifest written by <see cref="ToUtf8Json"/>.</summary>
    /// <param name="utf8Json">The manifest object's bytes.</param>
    /// <exception cref="JsonException">Not a manifest.</exception>
    public static ArchiveManifest Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, ArchiveJsonContext.Default.ArchiveManifest)
        ?? throw new JsonException("the manifest is null");
}

/// <summary>One part file of a day.</summary>
/// <param name="Name">The file name in the day's folder (<c>part-00000.parquet</c>).</param>
/// <param name="Rows">Rows in the file.</param>
/// <param name="RowGroups">Parquet row groups in the file.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="FirstCarId">The car of the file's first row.</param>
/// <param name="LastCarId">The car of the file's last row.</param>
public sealed record ArchiveManifestFile(string Name, long Rows, int RowGroups, long Bytes, string FirstCarId, string LastCarId);

/// <summary>How many rows a car has in a day.</summary>
/// <param name="CarId">The car.</param>
/// <param name="Rows">Its fixes in the day.</param>
public sealed record ArchiveCarRows(string CarId, long Rows);
