using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Cloud.Sqlite;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;
using Tracker.Simulation.Scenarios;

namespace Tracker.Cloud.Testing.Truth;

/// <summary>
/// Runs a scenario fleet (cloud/Tracker.Simulation/Scenarios) through the cloud as the local host runs it, on simulated
/// time: each batch through <see cref="IngestService"/> into SQLite and then the Derive stage (<see cref="DeriveAfterIngest"/>),
/// each status decoded by <see cref="StatusReading"/>, stored and derived, every car ticked on the simulated clock. Then
/// it scores what was stored against the scenario's truth (<see cref="TruthScore"/>).
/// </summary>
public static class DeriveTruthBench
{
    /// <summary>Runs and scores a scenario.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="databasePath">A SQLite file (created).</param>
    /// <param name="tolerance">How far a found event's start may be from the true start.</param>
    /// <param name="tickEvery">The clock's tick, simulated time.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The score and the run's figures.</returns>
    public static async Task<TruthReport> RunAsync(Scenario scenario, string databasePath, TimeSpan tolerance, TimeSpan tickEvery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var clock = new SimulatedClock(scenario.Options.StartMs);

        // One commit per Derive step and tick: the file is synced by the OS, not each commit (a bench of the stage, not the disk).
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = databasePath, Clock = clock, SyncEveryCommit = false }, cancellationToken).ConfigureAwait(false);
        SqliteDeriveStore derive = await SqliteDeriveStore.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        foreach (ScenarioZone zone in scenario.Zones)
        {
            await derive.PutZoneAsync(ToZone(zone), cancellationToken).ConfigureAwait(false);
        }

        foreach (ScenarioRental rental in scenario.Rentals)
        {
            await store.PutAsync(new Tracker.Cloud.Core.Storage.Rental(rental.CarId, rental.Renter, rental.FromMs, rental.ToMs), cancellationToken).ConfigureAwait(false);
        }

        var ingest = new IngestService(store, CarRules.Default.Ingest, clock);
        var service = new DeriveService(
            new CarDeriver(DeriveOptions.Default),
            derive,
            derive,
            new StoredObservations(store, derive),
            new StoredContexts(derive, store, new SpeedLimits { FleetMmps = (int)Math.Round(scenario.Options.SpeedLimitKmh / 3.6 * 1000) }));
        var after = new DeriveAfterIngest(store, service);

        var run = new TruthRun();
        var encoder = new BatchEncoder();
        byte[] buffer = new byte[Math.Max(BatchFormat.MaxEncodedSize(10), StatusCodec.MaxBytes)];
        var started = new SortedSet<string>(StringComparer.Ordinal);
        long tick = (long)tickEvery.TotalMilliseconds;
        long nextTick = scenario.Options.StartMs + tick;
        var watch = Stopwatch.StartNew();
        foreach (ScenarioDelivery delivery in scenario.Deliveries)
        {
            for (; nextTick <= delivery.ArrivalMs; nextTick += tick)
            {
                await TickAsync(nextTick).ConfigureAwait(false);
            }

            clock.NowMs = delivery.ArrivalMs;
            started.Add(delivery.CarId);
            if (delivery.Fixes is { } fixes)
            {
                byte[] payload = Encode(encoder, fixes, buffer);
                IngestResult result = await ingest.IngestAsync(new IngestRequest($"tracker/{delivery.CarId}/fixes", delivery.CarId, payload, delivery.ArrivalMs), cancellationToken).ConfigureAwait(false);
                run.Fixes += result.Accepted;
                run.Messages++;
                var t = Stopwatch.StartNew();
                DeriveStep? step = await after.FixesStoredAsync(delivery.CarId, payload, cancellationToken).ConfigureAwait(false);
                run.DeriveTicks += t.ElapsedTicks;
                run.Steps++;
                run.Rewinds += step?.RewoundFrom is null ? 0 : 1;
            }
            else if (delivery.Status is { } status)
            {
                StatusReport report = StatusReport.CreateOnline();
                report.Ignition = status.IgnitionOn ? IgnitionState.On : IgnitionState.Off;
                report.UtcS = status.Ts / 1000;
                report.SupplyMv = status.SupplyMv;
                report.BackupMv = status.BackupMv;
                int size = StatusCodec.Encode(ref report, buffer, 0);
                if (!StatusReading.TryRead(delivery.CarId, buffer[..size], delivery.ArrivalMs, out StoredStatus? stored, out StatusError error))
                {
                    throw new InvalidOperationException("a scenario status did not decode: " + error);
                }

                var t = Stopwatch.StartNew();
                await derive.AppendStatusAsync(stored!, cancellationToken).ConfigureAwait(false);
                DeriveStep step = await service.DeriveAsync(delivery.CarId, [Observation.Of(stored!)], cancellationToken).ConfigureAwait(false);
                run.DeriveTicks += t.ElapsedTicks;
                run.Statuses++;
                run.Steps++;
                run.Rewinds += step.RewoundFrom is null ? 0 : 1;
            }
        }

        for (; nextTick <= scenario.EndMs + tick; nextTick += tick)
        {
            await TickAsync(nextTick).ConfigureAwait(false);
        }

        watch.Stop();
        List<FleetEvent> found = [];
        string? cursor = null;
        do
        {
            EventPage page = await derive.QueryAsync(new EventQuery(null, [], 0, long.MaxValue, 1000, cursor), cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Events.Select(e => e.Event));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        run.Elapsed = watch.Elapsed;
        return TruthScore.Score(scenario, found, tolerance, run);

        async Task TickAsync(long nowMs)
        {
            clock.NowMs = nowMs;
            var t = Stopwatch.StartNew();
            foreach (string car in started)
            {
                await service.TickAsync(car, nowMs, cancellationToken).ConfigureAwait(false);
                run.Ticks++;
            }

            run.DeriveTicks += t.ElapsedTicks;
        }
    }

    private static byte[] Encode(BatchEncoder encoder, IReadOnlyList<ScenarioFix> fixes, byte[] buffer)
    {
        var batch = new Fix[fixes.Count];
        for (int i = 0; i < fixes.Count; i++)
        {
            ScenarioFix f = fixes[i];
            Fix fix = Fix.Create(f.Ts, (int)Math.Round(f.LatitudeDeg * 1e7), (int)Math.Round(f.LongitudeDeg * 1e7));
            fix.AltCm = 137_000;
            fix.SpeedMmps = (int)Math.Round(f.SpeedMps * 1000);
            fix.CourseCdeg = (int)Math.Round(f.CourseDeg * 100);
            fix.HdopX100 = (int)Math.Round(f.Hdop * 100);
            fix.Satellites = 14;
            fix.Mode = FixMode.ThreeD;
            fix.Quality = FixQuality.Autonomous;
            batch[i] = fix;
        }

        int size = encoder.Encode(batch, 0, batch.Length, buffer, 0, out int written);
        if (written != batch.Length)
        {
            throw new InvalidOperationException("a scenario batch did not fit one message");
        }

        return buffer[..size];
    }

    private static Zone ToZone(ScenarioZone zone) => zone.RadiusM > 0
        ? new Zone
        {
            Id = zone.Id,
            Name = zone.Name,
            IsReturnZone = zone.IsReturnZone,
            Center = new GeoPoint(E7(zone.CenterLatitudeDeg), E7(zone.CenterLongitudeDeg)),
            RadiusM = zone.RadiusM,
        }
        : new Zone
        {
            Id = zone.Id,
            Name = zone.Name,
            IsReturnZone = zone.IsReturnZone,
            Vertices = zone.Vertices.Select(v => new GeoPoint(E7(v.LatitudeDeg), E7(v.LongitudeDeg))).ToList(),
        };

    private static int E7(double degrees) => (int)Math.Round(degrees * 1e7);

    private sealed class SimulatedClock(long nowMs) : TimeProvider
    {
        public long NowMs { get; set; } = nowMs;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
    }
}

/// <summary>The run's own figures, beside the score.</summary>
public sealed class TruthRun
{
    /// <summary>Fixes ingest accepted.</summary>
    public long Fixes { get; set; }

    /// <summary>Fix messages.</summary>
    public long Messages { get; set; }

    /// <summary>Statuses.</summary>
    public long Statuses { get; set; }

    /// <summary>Derive steps after ingest (fix messages and statuses).</summary>
    public long Steps { get; set; }

    /// <summary>Steps that rewound for late data.</summary>
    public long Rewinds { get; set; }

    /// <summary>Clock ticks (car × tick).</summary>
    public long Ticks { get; set; }

    /// <summary>Stopwatch ticks spent in the Derive stage (steps and clock ticks).</summary>
    public long DeriveTicks { get; set; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; set; }
}

/// <summary>One event type's score.</summary>
/// <param name="Type">The API name.</param>
/// <param name="Injected">Truth events.</param>
/// <param name="Found">Truth events matched by a stored event.</param>
/// <param name="FalseAlarms">Stored events matching no truth event.</param>
/// <param name="LateWrong">Matched events whose late mark disagrees with the truth (where the truth says).</param>
public sealed record TruthTypeScore(string Type, int Injected, int Found, int FalseAlarms, int LateWrong)
{
    /// <summary>Found / injected (1 when none injected).</summary>
    public double Recall => Injected == 0 ? 1 : (double)Found / Injected;
}

/// <summary>The score of a run.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Types">Per judged type.</param>
/// <param name="Misses">Truth events not found.</param>
/// <param name="FalseAlarms">Stored events matching no truth.</param>
/// <param name="Unjudged">Stored events of types the truth does not cover (moving, stopped), by type.</param>
/// <param name="LateMismatches">Matched pairs whose late mark disagrees with the truth.</param>
/// <param name="StillPending">Stored events still pending at the end.</param>
/// <param name="Tolerance">The matching tolerance.</param>
/// <param name="Run">The run's figures.</param>
public sealed record TruthReport(
    Scenario Scenario,
    IReadOnlyList<TruthTypeScore> Types,
    IReadOnlyList<TruthEvent> Misses,
    IReadOnlyList<FleetEvent> FalseAlarms,
    IReadOnlyDictionary<string, int> Unjudged,
    IReadOnlyList<(TruthEvent Truth, FleetEvent Found)> LateMismatches,
    int StillPending,
    TimeSpan Tolerance,
    TruthRun Run)
{
    /// <summary>Every truth event found.</summary>
    public int Injected => Types.Sum(t => t.Injected);

    /// <summary>Truth events found.</summary>
    public int Found => Types.Sum(t => t.Found);

    /// <summary>Late marks that disagree.</summary>
    public int LateWrong => Types.Sum(t => t.LateWrong);

    /// <summary>The report as the bench prints it.</summary>
    /// <returns>Text.</returns>
    public string Format()
    {
        var text = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine(string.Create(c, $"scenario: seed {Scenario.Options.Seed}, {Scenario.Options.Cars} cars x {Scenario.Options.HoursPerCar} h = {Scenario.CarHours:F0} simulated car-hours, limit {Scenario.Options.SpeedLimitKmh} km/h, match on (car, type, zone) with start within {Tolerance.TotalSeconds:F0} s"));
        text.AppendLine(string.Create(c, $"{"type",-22} {"injected",8} {"found",6} {"recall",7} {"false",6} {"late mark wrong",16}"));
        foreach (TruthTypeScore t in Types)
        {
            text.AppendLine(string.Create(c, $"{t.Type,-22} {t.Injected,8} {t.Found,6} {t.Recall,7:P1} {t.FalseAlarms,6} {t.LateWrong,16}"));
        }

        text.AppendLine(string.Create(c, $"{"all",-22} {Injected,8} {Found,6} {(Injected == 0 ? 1 : (double)Found / Injected),7:P1} {FalseAlarms.Count,6} {LateWrong,16}"));
        text.AppendLine("not judged (no truth kept): " + (Unjudged.Count == 0 ? "none" : string.Join(", ", Unjudged.Select(u => u.Key + " " + u.Value))) + "; still pending at the end: " + StillPending);
        double deriveS = (double)Run.DeriveTicks / Stopwatch.Frequency;
        text.AppendLine(string.Create(c, $"run: {Run.Fixes} fixes in {Run.Messages} messages, {Run.Statuses} statuses, {Run.Steps} Derive steps after ingest ({Run.Rewinds} rewound for late data), {Run.Ticks} car clock ticks; {Run.Elapsed.TotalSeconds:F1} s wall, of which {deriveS:F1} s in the Derive stage"));
        foreach (TruthEvent miss in Misses.Take(20))
        {
            text.AppendLine(string.Create(c, $"MISSED {miss.CarId} {miss.Type} {miss.Subject} at {DateTimeOffset.FromUnixTimeMilliseconds(miss.StartMs):O} late={miss.Late}"));
        }

        foreach ((TruthEvent t, FleetEvent e) in LateMismatches.Take(20))
        {
            text.AppendLine(string.Create(c, $"LATE   {t.CarId} {t.Type} {t.Subject} at {DateTimeOffset.FromUnixTimeMilliseconds(t.StartMs):O}: truth late={t.Late}, found late={e.Late} (decided {DateTimeOffset.FromUnixTimeMilliseconds(e.DecidedTs):O}, detected {DateTimeOffset.FromUnixTimeMilliseconds(e.DetectedMs):O})"));
        }

        foreach (FleetEvent e in FalseAlarms.Take(20))
        {
            text.AppendLine(string.Create(c, $"FALSE  {e.CarId} {EventTypeNames.Name(e.Type)} {e.Subject} at {DateTimeOffset.FromUnixTimeMilliseconds(e.EpisodeStartMs):O} late={e.Late} pending={e.Pending}"));
        }

        return text.ToString();
    }
}

/// <summary>Matches stored events to the truth: same car, type and (for fences) zone, start within the tolerance, nearest first.</summary>
public static class TruthScore
{
    /// <summary>Scores stored events against a scenario's truth.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="found">The stored events (withdrawn ones excluded).</param>
    /// <param name="tolerance">The tolerance on the start.</param>
    /// <param name="run">The run's figures.</param>
    /// <returns>The report.</returns>
    public static TruthReport Score(Scenario scenario, IReadOnlyList<FleetEvent> found, TimeSpan tolerance, TruthRun run)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(found);
        long tol = (long)tolerance.TotalMilliseconds;
        var judged = new HashSet<string>(Scenario.JudgedTypes, StringComparer.Ordinal);
        Dictionary<string, int> unjudged = found.Select(e => EventTypeNames.Name(e.Type)).Where(t => !judged.Contains(t))
            .GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        List<TruthTypeScore> types = [];
        List<TruthEvent> misses = [];
        List<FleetEvent> falseAlarms = [];
        List<(TruthEvent, FleetEvent)> lateMismatches = [];
        foreach (string type in Scenario.JudgedTypes)
        {
            List<TruthEvent> truth = scenario.Truth.Where(t => t.Type == type).ToList();
            List<FleetEvent> candidates = found.Where(e => EventTypeNames.Name(e.Type) == type).ToList();
            var used = new bool[candidates.Count];
            int hit = 0;
            int lateWrong = 0;
            foreach (TruthEvent t in truth)
            {
                int best = -1;
                long bestGap = long.MaxValue;
                for (int i = 0; i < candidates.Count; i++)
                {
                    FleetEvent e = candidates[i];
                    long gap = Math.Abs(e.EpisodeStartMs - t.StartMs);
                    bool subject = t.Subject.Length == 0 || e.Subject == t.Subject;
                    if (!used[i] && e.CarId == t.CarId && subject && gap <= tol && gap < bestGap)
                    {
                        best = i;
                        bestGap = gap;
                    }
                }

                if (best < 0)
                {
                    misses.Add(t);
                    continue;
                }

                used[best] = true;
                hit++;
                if (t.Late is { } late && candidates[best].Late != late)
                {
                    lateWrong++;
                    lateMismatches.Add((t, candidates[best]));
                }
            }

            List<FleetEvent> extra = candidates.Where((_, i) => !used[i]).ToList();
            falseAlarms.AddRange(extra);
            types.Add(new TruthTypeScore(type, truth.Count, hit, extra.Count, lateWrong));
        }

        return new TruthReport(scenario, types, misses, falseAlarms, unjudged, lateMismatches, found.Count(e => e.Pending), tolerance, run);
    }
}
