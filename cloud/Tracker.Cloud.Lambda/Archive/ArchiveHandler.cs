using System.Text.Json;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Events;

namespace Tracker.Cloud.Lambda.Archive;

/// <summary>
/// The archive function's logic, thin: read the event, pick the day, export it, summarize. An event that
/// can never succeed (malformed, a day not over or past the store's retention) throws
/// <see cref="InvalidEventException"/>; a storage or S3 failure propagates too, and Lambda retries the
/// asynchronous invocation that EventBridge made (twice by default: Lambda developer guide,
/// "Asynchronous invocation"). Re-exporting a day is idempotent, so a retry is safe.
/// </summary>
public sealed class ArchiveHandler
{
    private readonly ArchiveExporter _exporter;
    private readonly IArchiveSink _sink;
    private readonly TextWriter _log;
    private readonly TripArchiveExporter? _trips;
    private readonly ILateDays? _late;

    /// <summary>Creates the handler.</summary>
    /// <param name="exporter">Exports a day.</param>
    /// <param name="sink">The exporter's sink (for the manifest's location in the summary).</param>
    /// <param name="log">Where the summary line goes (standard output, i.e. CloudWatch Logs, in Lambda).</param>
    /// <param name="trips">
    /// Exports the trips and stops: for a scheduled run the revision window ending with the day (only days whose content
    /// changed are written), for a backfill the day alone. Null: no trips export.
    /// </param>
    /// <param name="late">
    /// The fix store's late-day marks: a scheduled run also exports again every day that got fixes after it was over,
    /// clearing each mark only once its day is written (a backfill clears its own day's). Null: none.
    /// </param>
    public ArchiveHandler(ArchiveExporter exporter, IArchiveSink sink, TextWriter log, TripArchiveExporter? trips = null, ILateDays? late = null)
    {
        _trips = trips;
        _late = late;
        ArgumentNullException.ThrowIfNull(exporter);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(log);
        _exporter = exporter;
        _sink = sink;
        _log = log;
    }

    /// <summary>The Lambda handler shape: event in, <see cref="ArchiveSummary"/> JSON out.</summary>
    /// <param name="input">The event.</param>
    public Task<Stream> FunctionHandler(Stream input) => HandleAsync(input, CancellationToken.None);

    /// <summary>Handles one event.</summary>
    /// <param name="input">The event.</param>
    /// <param name="cancellationToken">Cancels the export (no manifest is written).</param>
    /// <exception cref="InvalidEventException">The event is malformed or asks for a day that cannot be exported.</exception>
    /// <exception cref="ArchiveSinkException">S3 failed.</exception>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        ScheduledArchiveEvent archiveEvent = await EventReader.ReadAsync(input, ArchiveEventJsonContext.Default.ScheduledArchiveEvent, "archive event", cancellationToken).ConfigureAwait(false);
        DateOnly day = ArchiveDaySelection.Resolve(archiveEvent);
        if (_exporter.CheckDay(day) is { } problem)
        {
            throw new InvalidEventException("archive event: " + problem);
        }

        // Marks are read before anything is exported: a fix stored after this read marks its day again, and so survives
        // the clear below (it is exported the next night).
        IReadOnlyList<LateDay> late = _late is null ? [] : await _late.ListLateDaysAsync(cancellationToken).ConfigureAwait(false);
        ArchiveManifest manifest = await _exporter.ExportDayAsync(day, cancellationToken).ConfigureAwait(false);
        List<string> lateDays = [];
        foreach (LateDay mark in late.Where(m => archiveEvent.Day is null || m.Day == day))
        {
            if (mark.Day != day)
            {
                if (_exporter.CheckDay(mark.Day) is not null)
                {
                    // Past the store's retention (its fixes are gone): nothing left to export again.
                    await _late!.ClearLateDayAsync(mark, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await _exporter.ExportDayAsync(mark.Day, cancellationToken).ConfigureAwait(false);
                lateDays.Add(mark.Text());
            }

            await _late!.ClearLateDayAsync(mark, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<TripDayExport> tripDays = [];
        TripArchiveException? tripFailure = null;
        if (_trips is not null)
        {
            try
            {
                tripDays = await _trips.ExportAsync(archiveEvent.Day is null ? _trips.Window(day) : [day], cancellationToken).ConfigureAwait(false);
            }
            catch (TripArchiveException e)
            {
                // The good days are written; the run fails after its summary, so Lambda retries and the error alarm fires.
                tripFailure = e;
                tripDays = e.Days;
            }
        }

        string dayText = manifest.Day;
        var summary = new ArchiveSummary(
            manifest.Day,
            manifest.Rows,
            manifest.Files.Count,
            manifest.Cars.Count,
            manifest.Files.Sum(f => f.Bytes),
            _sink.Describe(ArchiveLayout.ManifestKey(day)),
            tripDays.Count,
            tripDays.Count(d => d.Outcome == TripDayOutcome.Written),
            tripDays.Where(d => d.Day == dayText).Sum(d => d.Trips),
            tripDays.Sum(d => d.Bytes),
            lateDays);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(summary, ArchiveEventJsonContext.Default.ArchiveSummary);
        await _log.WriteLineAsync(System.Text.Encoding.UTF8.GetString(json)).ConfigureAwait(false);
        return tripFailure is not null ? throw tripFailure : new MemoryStream(json, writable: false);
    }
}
