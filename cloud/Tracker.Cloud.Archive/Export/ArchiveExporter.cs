using System.Globalization;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// Exports one UTC day of fixes (00:00 &lt;= ts &lt; 24:00) from the storage port into Parquet part files
/// under <c>dt=yyyy-MM-dd/</c>, sorted by (car_id, ts), then the day's manifest.
///
/// It streams: cars are encoded one at a time, a page at a time, into a row group that is encoded when
/// full, and a part is uploaded as soon as it has <see cref="ArchiveOptions.RowGroupsPerFile"/> row
/// groups; the next <see cref="ArchiveOptions.CarReadAhead"/> cars are read from the store meanwhile,
/// a couple of pages each. Memory is one row group of columns, one part and those pages, whatever the
/// fleet's size.
///
/// Re-running a day is safe and idempotent: the manifest is deleted first (so no manifest describes a
/// day being rewritten), the parts are written under the same deterministic names, parts left over from
/// a longer earlier run are deleted, and the new manifest is written last. Any failure throws before the
/// manifest is written; the scheduled run is then retried. Between a failure and the retry, the folder may
/// hold a mix of new and old parts, and no manifest: readers that need a complete day check the manifest.
/// </summary>
public sealed class ArchiveExporter
{
    /// <summary>The media type of the part files (IANA: application/vnd.apache.parquet).</summary>
    public const string ParquetContentType = "application/vnd.apache.parquet";

    private const long DayMs = 24L * 60 * 60 * 1000;

    private readonly IFixStore _store;
    private readonly IArchiveSink _sink;
    private readonly ArchiveOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>Creates the exporter; the options are validated here.</summary>
    /// <param name="store">The fixes to read (the last 30 days).</param>
    /// <param name="sink">Where the files go.</param>
    /// <param name="options">Row group and file sizes, compression.</param>
    /// <param name="clock">Stamps the manifest's <see cref="ArchiveManifest.ExportedAt"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the key.</exception>
    public ArchiveExporter(IFixStore store, IArchiveSink sink, ArchiveOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Validate();
        _store = store;
        _sink = sink;
        _options = options;
        _clock = clock;
    }

    /// <summary>The UTC epoch-millisecond range [from, to) of a day.</summary>
    /// <param name="day">The UTC day.</param>
    public static (long FromMs, long ToMs) DayRange(DateOnly day)
    {
        long from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        return (from, from + DayMs);
    }

    /// <summary>
    /// Why <paramref name="day"/> cannot be exported now, or null when it can: it must be over (its end
    /// at or before the clock's now), and recent enough that none of its fixes has expired from the store
    /// (its start within <see cref="ArchiveOptions.StoreRetention"/> of now).
    /// </summary>
    /// <param name="day">The UTC day.</param>
    public string? CheckDay(DateOnly day) => CheckDay(day, _clock.GetUtcNow(), _options.StoreRetention);

    /// <summary>Why <paramref name="day"/> cannot be exported at <paramref name="now"/> (the rule of <see cref="CheckDay(DateOnly)"/>), or null.</summary>
    internal static string? CheckDay(DateOnly day, DateTimeOffset now, TimeSpan retention)
    {
        (long fromMs, long toMs) = DayRange(day);
        long nowMs = now.ToUnixTimeMilliseconds();
        string text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (toMs > nowMs)
        {
            return $"day {text} is not over yet (now is {now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}): only complete UTC days are archived";
        }

        if (fromMs + (long)retention.TotalMilliseconds <= nowMs)
        {
            return $"day {text} is older than the store's retention ({retention.TotalDays:0.#} days): its fixes may have expired, and exporting it would replace its archive with a partial one";
        }

        return null;
    }

    /// <summary>Exports <paramref name="day"/>, replacing any earlier export of it.</summary>
    /// <param name="day">The UTC day.</param>
    /// <param name="cancellationToken">Cancels the export (no manifest is written).</param>
    /// <returns>The manifest written.</returns>
    /// <exception cref="ArchiveSinkException">The sink failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The day is not over, or older than the store's retention (<see cref="CheckDay(DateOnly)"/>).</exception>
    /// <exception cref="InvalidOperationException">The store returned fixes out of order, of another car, or outside the day.</exception>
    public async Task<ArchiveManifest> ExportDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (CheckDay(day) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, problem);
        }

        (long fromMs, long toMs) = DayRange(day);
        await _sink.DeleteAsync(ArchiveLayout.ManifestKey(day), cancellationToken).ConfigureAwait(false);

        // Every car that has ever reported has a latest position; the day's fixes are read per car.
        IReadOnlyList<StoredFix> latest = await _store.GetAllLatestAsync(cancellationToken).ConfigureAwait(false);
        string[] cars = latest.Select(f => f.CarId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        var files = new List<ArchiveManifestFile>();
        var carRows = new List<ArchiveCarRows>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        long totalRows = 0;
        using var readersCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = new Queue<CarDayReader>();
        var started = new List<CarDayReader>();
        int nextCar = 0;
        void ReadAhead()
        {
            while (readers.Count < _options.CarReadAhead && nextCar < cars.Length)
            {
                CarDayReader reader = CarDayReader.Start(_store, cars[nextCar++], fromMs, toMs, _options.QueryPageSize, readersCancellation.Token);
                readers.Enqueue(reader);
                started.Add(reader);
            }
        }

        try
        {
            await using var builder = new ParquetPartBuilder(_options, day);
            ReadAhead();
            while (readers.Count > 0)
            {
                CarDayReader reader = readers.Dequeue();
                ReadAhead();
                string car = reader.CarId;
                long rows = 0;
                long previousTs = long.MinValue;
                while (await reader.Pages.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (reader.Pages.TryRead(out IReadOnlyList<StoredFix>? page))
                    {
                        foreach (StoredFix fix in page)
                        {
                            if (fix.CarId != car || fix.Ts < fromMs || fix.Ts >= toMs || fix.Ts <= previousTs)
                            {
                                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                                    $"the store returned a fix of car '{fix.CarId}' at {fix.Ts} for car '{car}' after {previousTs} in [{fromMs}, {toMs}): the range query must return the car's fixes in the range, oldest first"));
                            }

                            previousTs = fix.Ts;
                            if (builder.RowGroupFull)
                            {
                                await builder.FlushRowGroupAsync(cancellationToken).ConfigureAwait(false);
                                if (builder.RowGroups == _options.RowGroupsPerFile)
                                {
                                    await UploadAsync(day, builder, files, written, cancellationToken).ConfigureAwait(false);
                                }
                            }

                            builder.Add(fix);
                            rows++;
                        }
                    }
                }

                // The store's failure, if reading this car failed.
                await reader.Completion.ConfigureAwait(false);
                if (rows > 0)
                {
                    carRows.Add(new ArchiveCarRows(car, rows));
                    totalRows += rows;
                }
            }

            await UploadAsync(day, builder, files, written, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // On a failure, stop the cars read ahead and wait for them, so no query outlives the export.
            // Their own failures are not the export's: the first failure is the one that propagates.
            await readersCancellation.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(started.Select(r => r.Completion)).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        // A longer earlier export of this day may have left parts beyond the ones just written.
        foreach (string key in await _sink.ListAsync(ArchiveLayout.DayFolder(day), cancellationToken).ConfigureAwait(false))
        {
            if (ArchiveLayout.IsPartKey(day, key) && !written.Contains(key))
            {
                await _sink.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        var manifest = new ArchiveManifest(
            ArchiveSchema.Version,
            day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            fromMs,
            toMs,
            _options.Compression.ToString().ToLowerInvariant(),
            totalRows,
            files,
            carRows,
            _clock.GetUtcNow());
        await _sink.PutAsync(ArchiveLayout.ManifestKey(day), manifest.ToUtf8Json(), "application/json", cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private async Task UploadAsync(DateOnly day, ParquetPartBuilder builder, List<ArchiveManifestFile> files, HashSet<string> written, CancellationToken cancellationToken)
    {
        FinishedPart? part = await builder.FinishAsync(cancellationToken).ConfigureAwait(false);
        if (part is null)
        {
            return;
        }

        int index = files.Count;
        string key = ArchiveLayout.PartKey(day, index);
        await _sink.PutAsync(key, part.Content, ParquetContentType, cancellationToken).ConfigureAwait(false);
        written.Add(key);
        files.Add(new ArchiveManifestFile(ArchiveLayout.PartFileName(index), part.Rows, part.RowGroups, part.Content.Length, part.FirstCarId, part.LastCarId));
    }
}
