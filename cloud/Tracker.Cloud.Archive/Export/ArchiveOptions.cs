namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// How the exporter cuts a day into files: immutable, checked by <see cref="Validate"/> when the
/// exporter is built. A part file is buffered in memory until it is complete (at most
/// <see cref="RowGroupSize"/> x <see cref="RowGroupsPerFile"/> rows, about 9 bytes a row with zstd),
/// so memory stays bounded however large the fleet is.
/// </summary>
public sealed record ArchiveOptions
{
    /// <summary>The largest accepted <see cref="RowGroupSize"/>.</summary>
    public const int MaxRowGroupSize = 1_000_000;

    /// <summary>Rows per Parquet row group: 100,000 by default. Key: <c>Archive:RowGroupSize</c>.</summary>
    public int RowGroupSize { get; init; } = 100_000;

    /// <summary>
    /// Row groups per part file before the next part starts: 10 by default (a million rows, about 9 MB).
    /// Key: <c>Archive:RowGroupsPerFile</c>.
    /// </summary>
    public int RowGroupsPerFile { get; init; } = 10;

    /// <summary>Fixes asked of the store per page when reading a car's day: 1,000 by default. Key: <c>Archive:QueryPageSize</c>.</summary>
    public int QueryPageSize { get; init; } = 1000;

    /// <summary>
    /// Cars read from the store ahead of the one being encoded, each a couple of pages at most: 4 by
    /// default, so the store's query latency overlaps with encoding; 1 reads one car at a time.
    /// Key: <c>Archive:CarReadAhead</c>.
    /// </summary>
    public int CarReadAhead { get; init; } = 4;

    /// <summary>
    /// Cars whose trips and stops of a day are read at once by the trips export (<see cref="TripArchiveExporter"/>): 16 by
    /// default. The export reads one day at a time, so a night is two small queries per car and day of the window;
    /// reading many cars at once keeps 10,000 cars within a Lambda's 15 minutes. Key: <c>Archive:TripReadAhead</c>.
    /// </summary>
    public int TripReadAhead { get; init; } = 16;

    /// <summary>The page compression: <see cref="ArchiveCompression.Zstd"/> by default. Key: <c>Archive:Compression</c>.</summary>
    public ArchiveCompression Compression { get; init; } = ArchiveCompression.Zstd;

    /// <summary>
    /// How long the store keeps a fix after its timestamp: 30 days (DESIGN.md, "Store": the DynamoDB TTL
    /// and the SQLite purge). A day whose first fixes may already have expired is refused, because
    /// exporting it would replace a complete archive of the day with a partial one. Key: <c>Archive:StoreRetention</c>.
    /// </summary>
    public TimeSpan StoreRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How many days back the nightly run exports the trips and stops again, from the day just over: 30 by default, clipped
    /// to the days the store still holds (<see cref="StoreRetention"/>). A trip can change, or first appear, long after its
    /// day: a car that was out of coverage delivers its backlog when it reconnects, and Derive revises (or first writes)
    /// the trips then. Re-reading the window costs two queries per car and day; only days whose content changed are written again
    /// (<see cref="TripArchiveExporter"/>). Key: <c>Archive:TripRevisionDays</c>.
    /// </summary>
    public int TripRevisionDays { get; init; } = 30;

    /// <summary>Fails fast, naming the key, when an option is unusable.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (RowGroupSize < 1 || RowGroupSize > MaxRowGroupSize)
        {
            throw new ArgumentException($"Archive:RowGroupSize must be 1 to {MaxRowGroupSize}, not {RowGroupSize}.", nameof(RowGroupSize));
        }

        if (RowGroupsPerFile < 1 || (long)RowGroupsPerFile * RowGroupSize > int.MaxValue)
        {
            throw new ArgumentException($"Archive:RowGroupsPerFile must be at least 1, with RowGroupSize x RowGroupsPerFile at most {int.MaxValue}; it is {RowGroupsPerFile}.", nameof(RowGroupsPerFile));
        }

        if (QueryPageSize < 1 || QueryPageSize > 10_000)
        {
            throw new ArgumentException($"Archive:QueryPageSize must be 1 to 10000, not {QueryPageSize}.", nameof(QueryPageSize));
        }

        if (CarReadAhead is < 1 or > 64)
        {
            throw new ArgumentException($"Archive:CarReadAhead must be 1 to 64, not {CarReadAhead}.", nameof(CarReadAhead));
        }

        if (TripReadAhead is < 1 or > 64)
        {
            throw new ArgumentException($"Archive:TripReadAhead must be 1 to 64, not {TripReadAhead}.", nameof(TripReadAhead));
        }

        if (StoreRetention < TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"Archive:StoreRetention must be at least one day, not {StoreRetention}.", nameof(StoreRetention));
        }

        if (TripRevisionDays is < 1 or > 366)
        {
            throw new ArgumentException($"Archive:TripRevisionDays must be 1 to 366, not {TripRevisionDays}.", nameof(TripRevisionDays));
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentException($"Archive:Compression {Compression} is not one of {string.Join(", ", Enum.GetNames<ArchiveCompression>())}.", nameof(Compression));
        }
    }
}
