using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tracker.Cloud.Archive.Schema;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;

namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// Exports the trips and stops (issue 17) of a window of UTC days from the trips port (<see cref="ITripStore"/>: SQLite
/// locally, DynamoDB on AWS) as the archive's <c>trips</c> and <c>stops</c> tables: per day one part,
/// <c>dt=yyyy-MM-dd/part-00000.parquet</c>, and a manifest, under each table's own sink (prefix <c>trips/</c> and
/// <c>stops/</c>). A trip or a stop belongs to the day it starts on.
///
/// <para><b>Revisions.</b> A trip can change after its day was exported: late data revises it, and a car that was out of
/// coverage for days delivers its backlog (and so its trips) when it reconnects. So every night the run reads the whole
/// window (<see cref="ArchiveOptions.TripRevisionDays"/>, clipped to the days the store still holds) and writes a day again
/// only when its content changed: the manifest keeps the SHA-256 of the day's part, and the bytes depend only on the
/// rows. An unchanged day costs one GET of its manifest and no write. A trip revised later than the window is archived
/// by a backfill of its day.</para>
///
/// <para><b>Memory.</b> The window is exported one day at a time: the day's trips and stops are read for every car
/// (<see cref="ArchiveOptions.TripReadAhead"/> cars at once), hashed, written if changed, and dropped before the next day
/// is read. So the run holds one day of the fleet's rows, not the window's (about a thirtieth: 299 MiB at 1,000 cars
/// before, when the whole window was held). Each car's rentals are read once a run, the first day it has rows, and only
/// those overlapping the window are kept.</para>
///
/// <para><b>Bad data.</b> Every row is checked before anything of its day is written: a stored trip or stop with
/// impossible values (a non-finite distance, an end before its start, a position off the globe...) fails that day with
/// an error naming the car, the row and the value, and the day's archive stays as it was. The other days of the window
/// are still exported; the run then throws <see cref="TripArchiveException"/> listing the failed days, so the schedule
/// retries and the alarm on the function's errors fires. Nothing is ever written with a guessed value.</para>
/// </summary>
public sealed class TripArchiveExporter
{
    private const string Empty = "empty";
    private const long DayMs = 24L * 60 * 60 * 1000;
    private const int PageSize = 1000;

    private readonly IFixStore _cars;
    private readonly ITripStore _trips;
    private readonly IRentalStore? _rentals;
    private readonly IArchiveSink _tripSink;
    private readonly IArchiveSink _stopSink;
    private readonly ArchiveOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>Creates the exporter; the options are validated here.</summary>
    /// <param name="cars">Lists the fleet's cars (every car that ever reported has a latest position).</param>
    /// <param name="trips">The trips and stops.</param>
    /// <param name="rentals">The rentals, to name the rental a trip started in; null leaves <c>rental_id</c> empty.</param>
    /// <param name="tripSink">Where the trips table goes (its root is the table's prefix).</param>
    /// <param name="stopSink">Where the stops table goes.</param>
    /// <param name="options">Window, row groups, compression, retention.</param>
    /// <param name="clock">Decides which days are over and stamps the manifests.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public TripArchiveExporter(IFixStore cars, ITripStore trips, IRentalStore? rentals, IArchiveSink tripSink, IArchiveSink stopSink, ArchiveOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _cars = cars ?? throw new ArgumentNullException(nameof(cars));
        _trips = trips ?? throw new ArgumentNullException(nameof(trips));
        _rentals = rentals;
        _tripSink = tripSink ?? throw new ArgumentNullException(nameof(tripSink));
        _stopSink = stopSink ?? throw new ArgumentNullException(nameof(stopSink));
        _options = options;
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
    }

    /// <summary>
    /// The days the nightly run covers when <paramref name="lastDay"/> has just ended: <paramref name="lastDay"/> and the
    /// <see cref="ArchiveOptions.TripRevisionDays"/> - 1 days before it that the store still holds, oldest first.
    /// </summary>
    /// <param name="lastDay">The newest day (the one the fixes export is for).</param>
    public IReadOnlyList<DateOnly> Window(DateOnly lastDay)
    {
        DateTimeOffset now = _clock.GetUtcNow();
        return Enumerable.Range(0, _options.TripRevisionDays)
            .Select(i => lastDay.AddDays(-i))
            .Where(d => ArchiveExporter.CheckDay(d, now, _options.StoreRetention) is null)
            .Reverse()
            .ToList();
    }

    /// <summary>Exports the trips and stops of <paramref name="days"/> (each over and within the store's retention).</summary>
    /// <param name="days">The days, e.g. <see cref="Window"/> or a single backfilled day.</param>
    /// <param name="cancellationToken">Cancels the run (no manifest of an unfinished day is written).</param>
    /// <returns>What happened to each day.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A day is not over or older than the store's retention.</exception>
    /// <exception cref="TripArchiveException">Some days hold bad rows and were not exported (the others were).</exception>
    /// <exception cref="ArchiveSinkException">The sink failed.</exception>
    /// <exception cref="InvalidOperationException">The store answered outside its contract (a row of another car, or outside the span asked).</exception>
    public async Task<IReadOnlyList<TripDayExport>> ExportAsync(IReadOnlyCollection<DateOnly> days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        DateOnly[] ordered = days.Distinct().Order().ToArray();
        DateTimeOffset now = _clock.GetUtcNow();
        foreach (DateOnly day in ordered)
        {
            if (ArchiveExporter.CheckDay(day, now, _options.StoreRetention) is { } problem)
            {
                throw new ArgumentOutOfRangeException(nameof(days), day, problem);
            }
        }

        if (ordered.Length == 0)
        {
            return [];
        }

        (long windowFrom, long windowTo) = (ArchiveExporter.DayRange(ordered[0]).FromMs, ArchiveExporter.DayRange(ordered[^1]).ToMs);
        IReadOnlyList<StoredFix> latest = await _cars.GetAllLatestAsync(cancellationToken).ConfigureAwait(false);
        string[] cars = latest.Select(f => f.CarId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var rentals = new System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<Rental>>>>(StringComparer.Ordinal);

        var results = new List<TripDayExport>();
        var failed = new List<string>();
        foreach (DateOnly day in ordered)
        {
            DayRows rows = await ReadDayAsync(day, cars, rentals, windowFrom, windowTo, cancellationToken).ConfigureAwait(false);
            if (rows.Errors.Count > 0)
            {
                string text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                failed.Add($"{text}: {string.Join("; ", rows.Errors.Take(5))}{(rows.Errors.Count > 5 ? $"; and {rows.Errors.Count - 5} more" : string.Empty)}");
                results.Add(new TripDayExport(text, rows.Trips.Count, rows.Stops.Count, TripDayOutcome.Failed, 0));
                continue;
            }

            results.Add(await WriteDayAsync(day, rows, cancellationToken).ConfigureAwait(false));
        }

        return failed.Count > 0
            ? throw new TripArchiveException($"the trips of {failed.Count} day(s) were not archived, their archive is left as it was: {string.Join(" | ", failed)}", results)
            : results;
    }

    // One day of the fleet: each car's trips and stops of the day (a couple of queries), the next cars read while one is
    // sorted, so the store's latency overlaps.
    private async Task<DayRows> ReadDayAsync(DateOnly day, string[] cars, System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<Rental>>>> rentals, long windowFrom, long windowTo, CancellationToken cancellationToken)
    {
        var rows = new DayRows();
        (long fromMs, long toMs) = ArchiveExporter.DayRange(day);
        var pending = new Queue<Task<CarWindow>>();
        int next = 0;
        using var readers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (next < cars.Length || pending.Count > 0)
            {
                while (pending.Count < _options.TripReadAhead && next < cars.Length)
                {
                    string car = cars[next++];
                    pending.Enqueue(Task.Run(() => ReadCarAsync(car, fromMs, toMs, rentals, windowFrom, windowTo, readers.Token), readers.Token));
                }

                CarWindow window = await pending.Dequeue().ConfigureAwait(false);
                Sort(window, day, rows, fromMs, toMs);
            }
        }
        finally
        {
            await readers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pending).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        return rows;
    }

    private async Task<CarWindow> ReadCarAsync(string car, long fromMs, long toMs, System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<Rental>>>> rentals, long windowFrom, long windowTo, CancellationToken cancellationToken)
    {
        var trips = new List<Trip>();
        string? cursor = null;
        do
        {
            Page<Trip> page = await _trips.QueryTripsAsync(new SpanQuery(car, fromMs, toMs, PageSize, cursor), cancellationToken).ConfigureAwait(false);
            trips.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var stops = new List<Stop>();
        do
        {
            Page<Stop> page = await _trips.QueryStopsAsync(new SpanQuery(car, fromMs, toMs, PageSize, cursor), cancellationToken).ConfigureAwait(false);
            stops.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        // Read once a run (the first day the car has rows), and only the rentals the window overlaps kept.
        IReadOnlyList<Rental> carRentals = trips.Count + stops.Count > 0 && _rentals is { } store
            ? await rentals.GetOrAdd(car, c => new Lazy<Task<IReadOnlyList<Rental>>>(async () =>
                (await store.GetForCarAsync(c, CancellationToken.None).ConfigureAwait(false)).Where(r => r.FromMs < windowTo && r.ToMs > windowFrom).ToList())).Value.WaitAsync(cancellationToken).ConfigureAwait(false)
            : [];
        return new CarWindow(car, trips, stops, carRentals);
    }

    private static void Sort(CarWindow window, DateOnly day, DayRows rows, long fromMs, long toMs)
    {
        foreach (Trip trip in window.Trips)
        {
            if (trip.CarId != window.CarId || trip.StartTs < fromMs || trip.StartTs >= toMs)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"the trips store returned a trip of car '{trip.CarId}' starting at {trip.StartTs} for car '{window.CarId}' in [{fromMs}, {toMs}): the query must return the car's trips starting in the span"));
            }

            if (DayOf(trip.StartTs) == day)
            {
                string? problem = TripProblem(trip);
                if (problem is null)
                {
                    rows.Trips.Add(new TripRow(trip, RentalAt(window.Rentals, trip.StartTs)));
                }
                else
                {
                    rows.Errors.Add(string.Create(CultureInfo.InvariantCulture, $"car '{trip.CarId}', trip starting {Time(trip.StartTs)} ({trip.StartTs}): {problem}"));
                }
            }
        }

        foreach (Stop stop in window.Stops)
        {
            if (stop.CarId != window.CarId)
            {
                throw new InvalidOperationException($"the trips store returned a stop of car '{stop.CarId}' for car '{window.CarId}'");
            }

            // The query gives the stops overlapping the span: one that started before it belongs to an earlier day.
            if (stop.StartTs >= fromMs && stop.StartTs < toMs && DayOf(stop.StartTs) == day)
            {
                string? problem = StopProblem(stop);
                if (problem is null)
                {
                    rows.Stops.Add(new StopRow(stop, RentalAt(window.Rentals, stop.StartTs)));
                }
                else
                {
                    rows.Errors.Add(string.Create(CultureInfo.InvariantCulture, $"car '{stop.CarId}', stop starting {Time(stop.StartTs)} ({stop.StartTs}): {problem}"));
                }
            }
        }
    }

    /// <summary>What is impossible about a stored trip, or null.</summary>
    /// <param name="trip">The trip as the store returned it.</param>
    public static string? TripProblem(Trip trip) =>
        trip.EndTs < trip.StartTs ? string.Create(CultureInfo.InvariantCulture, $"it ends ({trip.EndTs}) before it starts")
        : PositionProblem("start", trip.StartLatE7, trip.StartLonE7) is { } start ? start
        : PositionProblem("end", trip.EndLatE7, trip.EndLonE7) is { } end ? end
        : !double.IsFinite(trip.DistanceM) || trip.DistanceM < 0 ? string.Create(CultureInfo.InvariantCulture, $"distance_m is {trip.DistanceM}")
        : !double.IsFinite(trip.EstimatedM) || trip.EstimatedM < 0 || trip.EstimatedM > trip.DistanceM + 1e-6 ? string.Create(CultureInfo.InvariantCulture, $"estimated_m is {trip.EstimatedM} of a distance of {trip.DistanceM}")
        : trip.MaxSpeedMmps < 0 ? string.Create(CultureInfo.InvariantCulture, $"the maximum speed is {trip.MaxSpeedMmps} mm/s")
        : trip.Fixes < 1 ? string.Create(CultureInfo.InvariantCulture, $"it has {trip.Fixes} fixes")
        : !double.IsFinite(trip.StartOdometerM) || trip.StartOdometerM < 0 ? string.Create(CultureInfo.InvariantCulture, $"start_odometer_m is {trip.StartOdometerM}")
        : null;

    /// <summary>What is impossible about a stored stop, or null.</summary>
    /// <param name="stop">The stop as the store returned it.</param>
    public static string? StopProblem(Stop stop) =>
        stop.EndTs is { } end && end < stop.StartTs ? string.Create(CultureInfo.InvariantCulture, $"it ends ({end}) before it starts")
        : PositionProblem("its", stop.LatE7, stop.LonE7) is { } where ? where
        : stop.IdleMs < 0 ? string.Create(CultureInfo.InvariantCulture, $"idle time is {stop.IdleMs} ms")
        : null;

    private static string? PositionProblem(string which, int latE7, int lonE7) =>
        latE7 is < -900_000_000 or > 900_000_000 || lonE7 is < -1_800_000_000 or > 1_800_000_000
            ? string.Create(CultureInfo.InvariantCulture, $"{which} position ({latE7}, {lonE7}) e-7 degrees is off the globe")
            : null;

    private static Rental? RentalAt(IReadOnlyList<Rental> rentals, long ts) =>
        rentals.Where(r => r.FromMs <= ts && ts < r.ToMs).OrderByDescending(r => r.FromMs).ThenBy(r => r.Renter, StringComparer.Ordinal).FirstOrDefault();

    private static DateOnly DayOf(long ts) => DateOnly.FromDateTime(DateTime.UnixEpoch.AddMilliseconds(Math.Floor(ts / (double)DayMs) * DayMs));

    private static string Time(long ts) => DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTime At(long ts) => DateTime.UnixEpoch.AddTicks(ts * TimeSpan.TicksPerMillisecond);

    private static double Kmh(double mmps) => Math.Round(mmps * 0.0036, 2);

    private async Task<TripDayExport> WriteDayAsync(DateOnly day, DayRows rows, CancellationToken cancellationToken)
    {
        // Rows sorted by (car_id, start_ts), as the fixes are by (car_id, ts).
        TripRow[] trips = rows.Trips.OrderBy(r => r.Trip.CarId, StringComparer.Ordinal).ThenBy(r => r.Trip.StartTs).ToArray();
        StopRow[] stops = rows.Stops.OrderBy(r => r.Stop.CarId, StringComparer.Ordinal).ThenBy(r => r.Stop.StartTs).ToArray();
        var tripTable = new RowTable<TripRow>(TripArchiveSchema.TripsParquet)
            .AddString("car_id", r => r.Trip.CarId)
            .Add("start_ts", r => At(r.Trip.StartTs))
            .Add("end_ts", r => At(r.Trip.EndTs))
            .Add("start_lat", r => r.Trip.StartLatE7 / 1e7)
            .Add("start_lon", r => r.Trip.StartLonE7 / 1e7)
            .Add("end_lat", r => r.Trip.EndLatE7 / 1e7)
            .Add("end_lon", r => r.Trip.EndLonE7 / 1e7)
            .Add("distance_m", r => Math.Round(r.Trip.DistanceM, 1))
            .Add("estimated_m", r => Math.Round(r.Trip.EstimatedM, 1))
            .Add("duration_s", r => r.Trip.DurationMs / 1000)
            .Add("max_speed_kmh", r => Kmh(r.Trip.MaxSpeedMmps))
            .Add("avg_speed_kmh", r => Kmh(r.Trip.AvgSpeedMmps))
            .Add("fixes", r => r.Trip.Fixes)
            .Add("start_odometer_m", r => Math.Round(r.Trip.StartOdometerM, 1))
            .AddString("rental_id", r => r.Rental is null ? null : RentalIds.Of(r.Rental))
            .AddString("renter", r => r.Rental?.Renter)
            .Add("decided_ts", r => At(r.Trip.DecidedTs));
        var stopTable = new RowTable<StopRow>(TripArchiveSchema.StopsParquet)
            .AddString("car_id", r => r.Stop.CarId)
            .Add("start_ts", r => At(r.Stop.StartTs))
            .AddNullable("end_ts", r => r.Stop.EndTs is { } end ? At(end) : (DateTime?)null)
            .Add("lat", r => r.Stop.LatE7 / 1e7)
            .Add("lon", r => r.Stop.LonE7 / 1e7)
            .AddNullable("duration_s", r => r.Stop.DurationMs / 1000)
            .Add("idle_s", r => r.Stop.IdleMs / 1000)
            .AddString("rental_id", r => r.Rental is null ? null : RentalIds.Of(r.Rental))
            .Add("decided_ts", r => At(r.Stop.DecidedTs));

        TableOutcome tripOutcome = await WriteTableAsync(_tripSink, day, trips, tripTable, r => r.Trip.CarId, "car_id,start_ts", cancellationToken).ConfigureAwait(false);
        TableOutcome stopOutcome = await WriteTableAsync(_stopSink, day, stops, stopTable, r => r.Stop.CarId, "car_id,start_ts", cancellationToken).ConfigureAwait(false);
        TripDayOutcome outcome = tripOutcome.Written || stopOutcome.Written ? TripDayOutcome.Written : TripDayOutcome.Unchanged;
        return new TripDayExport(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), trips.Length, stops.Length, outcome, tripOutcome.Bytes + stopOutcome.Bytes);
    }

    private async Task<TableOutcome> WriteTableAsync<TRow>(IArchiveSink sink, DateOnly day, IReadOnlyList<TRow> rows, RowTable<TRow> table, Func<TRow, string> carOf, string sort, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["tracker.archive.schema_version"] = TripArchiveSchema.Version.ToString(CultureInfo.InvariantCulture),
            ["tracker.archive.day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["tracker.archive.sort"] = sort,
        };
        (byte[] Content, int RowGroups)? part = rows.Count == 0 ? null : await table.WriteAsync(rows, _options, metadata, cancellationToken).ConfigureAwait(false);
        string digest = part is { } p ? Convert.ToHexStringLower(SHA256.HashData(p.Content)) : Empty;
        string manifestKey = ArchiveLayout.ManifestKey(day);
        if (await ReadManifestAsync(sink, manifestKey, cancellationToken).ConfigureAwait(false) is { } existing
            && existing.SchemaVersion == TripArchiveSchema.Version
            && existing.ContentSha256 == digest)
        {
            return new TableOutcome(false, 0);
        }

        // As the fixes' export: no manifest while the day is rewritten, the part under its fixed name (S3 replaces it
        // whole), parts a longer earlier export left removed, the manifest last.
        await sink.DeleteAsync(manifestKey, cancellationToken).ConfigureAwait(false);
        var files = new List<ArchiveManifestFile>();
        string partKey = ArchiveLayout.PartKey(day, 0);
        if (part is { } written)
        {
            await sink.PutAsync(partKey, written.Content, ArchiveExporter.ParquetContentType, cancellationToken).ConfigureAwait(false);
            files.Add(new ArchiveManifestFile(ArchiveLayout.PartFileName(0), rows.Count, written.RowGroups, written.Content.Length, carOf(rows[0]), carOf(rows[^1])));
        }

        foreach (string key in await sink.ListAsync(ArchiveLayout.DayFolder(day), cancellationToken).ConfigureAwait(false))
        {
            if (ArchiveLayout.IsPartKey(day, key) && (part is null || key != partKey))
            {
                await sink.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        (long fromMs, long toMs) = ArchiveExporter.DayRange(day);
        var manifest = new ArchiveManifest(
            TripArchiveSchema.Version,
            day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            fromMs,
            toMs,
            _options.Compression.ToString().ToLowerInvariant(),
            rows.Count,
            files,
            rows.GroupBy(carOf, StringComparer.Ordinal).Select(g => new ArchiveCarRows(g.Key, g.Count())).ToList(),
            _clock.GetUtcNow(),
            digest);
        await sink.PutAsync(manifestKey, manifest.ToUtf8Json(), "application/json", cancellationToken).ConfigureAwait(false);
        return new TableOutcome(true, part?.Content.Length ?? 0);
    }

    private static async Task<ArchiveManifest?> ReadManifestAsync(IArchiveSink sink, string key, CancellationToken cancellationToken)
    {
        byte[]? bytes = await sink.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return ArchiveManifest.Parse(bytes);
        }
        catch (JsonException)
        {
            // An unreadable manifest describes nothing: the day is written again, which replaces it.
            return null;
        }
    }

    private sealed record CarWindow(string CarId, IReadOnlyList<Trip> Trips, IReadOnlyList<Stop> Stops, IReadOnlyList<Rental> Rentals);

    private sealed record TripRow(Trip Trip, Rental? Rental);

    private sealed record StopRow(Stop Stop, Rental? Rental);

    private sealed record TableOutcome(bool Written, long Bytes);

    private sealed class DayRows
    {
        public List<TripRow> Trips { get; } = [];

        public List<StopRow> Stops { get; } = [];

        public List<string> Errors { get; } = [];
    }
}

/// <summary>What the trips export did with one day.</summary>
public enum TripDayOutcome
{
    /// <summary>Its content changed (or it was never exported): its parts and manifests were written.</summary>
    Written,

    /// <summary>Its content is what the archive holds already: nothing was written.</summary>
    Unchanged,

    /// <summary>It holds bad rows: nothing was written, its archive is as it was.</summary>
    Failed,
}

/// <summary>One day of a trips export.</summary>
/// <param name="Day">The UTC day, yyyy-MM-dd.</param>
/// <param name="Trips">Trips starting that day (the good ones, for a failed day).</param>
/// <param name="Stops">Stops starting that day.</param>
/// <param name="Outcome">What was done.</param>
/// <param name="Bytes">Parquet bytes written (0 when unchanged or failed).</param>
public sealed record TripDayExport(string Day, int Trips, int Stops, TripDayOutcome Outcome, long Bytes);

/// <summary>Some days of a trips export hold bad rows and were not archived; the message names each day, car and row.</summary>
public sealed class TripArchiveException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Names the failed days and their bad rows.</param>
    /// <param name="days">Every day of the run, failed or not.</param>
    public TripArchiveException(string message, IReadOnlyList<TripDayExport> days)
        : base(message) => Days = days;

    /// <summary>Creates the exception.</summary>
    public TripArchiveException()
        : this("the trips export failed", [])
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public TripArchiveException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TripArchiveException(string message, Exception innerException)
        : base(message, innerException) => Days = [];

    /// <summary>Every day of the run, failed or not.</summary>
    public IReadOnlyList<TripDayExport> Days { get; }
}
