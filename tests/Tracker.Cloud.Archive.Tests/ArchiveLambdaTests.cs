using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Tests.Support;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Archive;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Functions;

namespace Tracker.Cloud.Archive.Tests;

/// <summary>The archive Lambda: which day an event asks for, malformed events, settings, and the deployed function against dynalite and s3rver.</summary>
public sealed class ArchiveLambdaTests
{
    private static readonly DateOnly Day = new(2025, 6, 10);
    private static readonly long DayStart = ArchiveExporter.DayRange(Day).FromMs;
    private static readonly ManualClock Clock = new(new DateTimeOffset(2025, 6, 11, 0, 15, 30, TimeSpan.Zero));

    private static string SampleEvent(string name) => LambdaEvents.SampleText(name);

    [Theory]
    [InlineData("{\"time\": \"2025-06-11T00:15:00Z\", \"detail-type\": \"Scheduled Event\", \"source\": \"aws.events\"}", "2025-06-10")]
    [InlineData("{\"time\": \"2025-06-11T23:59:59.999Z\"}", "2025-06-10")]
    [InlineData("{\"time\": \"2025-06-11T01:30:00+02:00\"}", "2025-06-09")]
    [InlineData("{\"time\": \"2025-03-01T00:15:00Z\"}", "2025-02-28")]
    [InlineData("{\"time\": \"2024-03-01T00:15:00Z\"}", "2024-02-29")]
    [InlineData("{\"day\": \"2025-06-01\"}", "2025-06-01")]
    [InlineData("{\"day\": \"2025-06-01\", \"time\": \"2025-06-11T00:15:00Z\"}", "2025-06-01")]
    public async Task Resolve_PicksTheDayBeforeTheScheduleTime_OrTheBackfillDay(string json, string day)
    {
        ScheduledArchiveEvent e = await EventReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), ArchiveEventJsonContext.Default.ScheduledArchiveEvent, "archive event", CancellationToken.None);
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), ArchiveDaySelection.Resolve(e));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not an object")]
    [InlineData("null", "not an object")]
    [InlineData("{}", "neither 'time'")]
    [InlineData("{\"time\": 1749600900}", "not valid JSON")]
    [InlineData("{\"time\": \"2025-06-11\"}", "'time' must be an RFC 3339 time")]
    [InlineData("{\"time\": \"2025-06-11T00:15:00\"}", "'time' must be an RFC 3339 time")]
    [InlineData("{\"time\": \"yesterday\"}", "'time' must be")]
    [InlineData("{\"time\": \"2025-13-11T00:15:00Z\"}", "'time' must be")]
    [InlineData("{\"day\": \"2025-6-1\"}", "'day' must be a calendar date")]
    [InlineData("{\"day\": \"2025-02-30\"}", "'day' must be a calendar date")]
    [InlineData("{\"day\": \"2025-06-10T00:00:00Z\"}", "'day' must be a calendar date")]
    [InlineData("{\"day\": 20250610}", "not valid JSON")]
    [InlineData("{\"day\": \"٢٠٢٥-٠٦-١٠\"}", "'day' must be a calendar date")]
    [InlineData("{\"detail-type\": \"Object Created\", \"time\": \"2025-06-11T00:15:00Z\"}", "not a schedule")]
    [InlineData("{\"day\": \"2025-06-11\"}", "not over yet")]
    [InlineData("{\"day\": \"2031-01-01\"}", "not over yet")]
    [InlineData("{\"day\": \"2025-05-12\"}", "older than the store's retention")]
    [InlineData("{\"time\": \"2025-06-12T00:15:00Z\"}", "not over yet")]
    public async Task MalformedOrImpossibleEvent_ThrowsInvalidEventException_NamingTheProblem_AndWritesNothing(string json, string problem)
    {
        var sink = new MemorySink();
        ArchiveHandler handler = Handler(new ListFixStore([]), sink, TextWriter.Null);
        var e = await Assert.ThrowsAsync<InvalidEventException>(() => handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Operations);
    }

    [Fact]
    public async Task SampleEvent_Truncated_ThrowsInvalidEventException()
    {
        byte[] sample = Encoding.UTF8.GetBytes(SampleEvent("scheduled-archive.json"));
        for (int length = 0; length < sample.Length - 1; length += 7)
        {
            var sink = new MemorySink();
            await Assert.ThrowsAsync<InvalidEventException>(() => Handler(new ListFixStore([]), sink, TextWriter.Null).HandleAsync(new MemoryStream(sample, 0, length), CancellationToken.None));
            Assert.Empty(sink.Operations);
        }
    }

    [Property(MaxTest = 300)]
    public Property RandomBytes_OnlyEverThrowInvalidEventException_AndWriteNothing() =>
        Prop.ForAll(
            Gen.OneOf(
                Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)),
                Gen.ArrayOf(Gen.Elements("{", "}", "\"time\"", "\"day\"", ":", ",", "\"2025-06-10\"", "\"2025-06-11T00:15:00Z\"", "null", "[", "]", "1", "\"x\"")).Select(t => Encoding.UTF8.GetBytes(string.Concat(t)))).ToArbitrary(),
            bytes =>
            {
                var sink = new MemorySink();
                try
                {
                    Handler(new ListFixStore([]), sink, TextWriter.Null).HandleAsync(new MemoryStream(bytes), CancellationToken.None).GetAwaiter().GetResult().Dispose();

                    // Only a well-formed request for 2025-06-10 can succeed.
                    return sink.Objects.Keys.SequenceEqual(["dt=2025-06-10/_manifest.json"]);
                }
                catch (InvalidEventException)
                {
                    return sink.Operations.Count == 0;
                }
            });

    [Fact]
    public async Task SampleScheduledEvent_ExportsThePreviousDay_AndReturnsAndLogsTheSummary()
    {
        StoredFix[] fixes = [.. SyntheticFleet.Drive("car-0042", 42, DayStart + 5_000, 40, 60_000), .. SyntheticFleet.Drive("car-0007", 7, DayStart - 50_000, 10, 10_000)];
        var sink = new MemorySink();
        var log = new StringWriter();
        using Stream response = await Handler(new ListFixStore(fixes), sink, log).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(SampleEvent("scheduled-archive.json"))), CancellationToken.None);

        using JsonDocument summary = await JsonDocument.ParseAsync(response);
        JsonElement root = summary.RootElement;
        Assert.Equal("2025-06-10", root.GetProperty("day").GetString());
        Assert.Equal(45, root.GetProperty("rows").GetInt64());
        Assert.Equal(1, root.GetProperty("files").GetInt32());
        Assert.Equal(2, root.GetProperty("cars").GetInt32());
        Assert.Equal(sink.Objects["dt=2025-06-10/part-00000.parquet"].Length, root.GetProperty("bytes").GetInt64());
        Assert.Equal("memory://dt=2025-06-10/_manifest.json", root.GetProperty("manifest").GetString());
        string line = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(root.GetRawText(), JsonDocument.Parse(line).RootElement.GetRawText());
    }

    [Fact]
    public async Task SampleBackfillEvent_ExportsTheNamedDay()
    {
        var sink = new MemorySink();
        var clock = new ManualClock(new DateTimeOffset(2025, 6, 20, 8, 0, 0, TimeSpan.Zero));
        var exporter = new ArchiveExporter(new ListFixStore(SyntheticFleet.Drive("car-1", 1, DayStart, 5, 1000)), sink, new ArchiveOptions(), clock);
        using Stream response = await new ArchiveHandler(exporter, sink, TextWriter.Null).HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(SampleEvent("archive-backfill.json"))), CancellationToken.None);
        Assert.Equal("2025-06-10", JsonDocument.Parse(response).RootElement.GetProperty("day").GetString());
        Assert.Contains("dt=2025-06-10/part-00000.parquet", sink.Objects.Keys);
    }

    [Fact]
    public void Settings_ReadBucketPrefixAndKmsKey_WithTheDefaultPrefix()
    {
        ArchiveSettings plain = ArchiveSettings.Read(new Dictionary<string, string> { [ArchiveSettings.BucketVariable] = "tracker-archive" }.GetValueOrDefault);
        Assert.Equal("tracker-archive", plain.Sink.Bucket);
        Assert.Equal("fixes/", plain.Sink.Prefix);
        Assert.Null(plain.Sink.KmsKeyId);

        ArchiveSettings full = ArchiveSettings.Read(new Dictionary<string, string>
        {
            [ArchiveSettings.BucketVariable] = "tracker-archive",
            [ArchiveSettings.PrefixVariable] = "archive/fixes/",
            [ArchiveSettings.KmsKeyVariable] = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }.GetValueOrDefault);
        Assert.Equal("archive/fixes/", full.Sink.Prefix);
        Assert.StartsWith("arn:aws:kms:", full.Sink.KmsKeyId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, ArchiveSettings.BucketVariable)]
    [InlineData("  ", null, ArchiveSettings.BucketVariable)]
    [InlineData("Tracker_Archive", null, ArchiveSettings.BucketVariable)]
    [InlineData("tracker-archive", "fixes", ArchiveSettings.PrefixVariable)]
    [InlineData("tracker-archive", "/fixes/", ArchiveSettings.PrefixVariable)]
    public void Settings_MissingOrBad_FailTheStart_NamingTheVariable(string? bucket, string? prefix, string variable)
    {
        var environment = new Dictionary<string, string?> { [ArchiveSettings.BucketVariable] = bucket, [ArchiveSettings.PrefixVariable] = prefix };
        var e = Assert.Throws<InvalidOperationException>(() => ArchiveSettings.Read(environment.GetValueOrDefault));
        Assert.Contains(variable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_TripsAreOffWithoutTheirTable_AndTheirPrefixesDefaultToTripsAndStops()
    {
        ArchiveSettings plain = ArchiveSettings.Read(new Dictionary<string, string> { [ArchiveSettings.BucketVariable] = "tracker-archive" }.GetValueOrDefault);
        Assert.Null(plain.TripsTable);
        Assert.Equal(("trips/", "stops/", "tracker-archive"), (plain.TripsSink.Prefix, plain.StopsSink.Prefix, plain.TripsSink.Bucket));

        ArchiveSettings trips = ArchiveSettings.Read(new Dictionary<string, string>
        {
            [ArchiveSettings.BucketVariable] = "tracker-archive",
            [ArchiveSettings.KmsKeyVariable] = "alias/tracker",
            [ArchiveSettings.TripsTableVariable] = "tracker-dev-trips",
            [ArchiveSettings.TripsPrefixVariable] = "archive/trips/",
        }.GetValueOrDefault);
        Assert.Equal(("tracker-dev-trips", "archive/trips/", "alias/tracker"), (trips.TripsTable, trips.TripsSink.Prefix, trips.StopsSink.KmsKeyId));
    }

    [Theory]
    [InlineData(ArchiveSettings.TripsTableVariable, "no spaces allowed", ArchiveSettings.TripsTableVariable)]
    [InlineData(ArchiveSettings.TripsTableVariable, "ab", ArchiveSettings.TripsTableVariable)]
    [InlineData(ArchiveSettings.TripsPrefixVariable, "trips", ArchiveSettings.TripsPrefixVariable)]
    [InlineData(ArchiveSettings.TripsPrefixVariable, "fixes/", "the fixes' prefix")]
    [InlineData(ArchiveSettings.StopsPrefixVariable, "trips/", "the same prefix")]
    public void Settings_BadTripsVariables_FailTheStart_NamingTheVariable(string variable, string value, string problem)
    {
        var environment = new Dictionary<string, string> { [ArchiveSettings.BucketVariable] = "tracker-archive", [variable] = value };
        var e = Assert.Throws<InvalidOperationException>(() => ArchiveSettings.Read(environment.GetValueOrDefault));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduledEvent_ExportsTheTripsWindow_AndABackfillOnlyItsDay()
    {
        var trips = new MemorySink();
        var stops = new MemorySink();
        Trip trip = new() { CarId = "car-0042", StartTs = DayStart + 3_600_000, EndTs = DayStart + 4_000_000, Fixes = 10, DecidedTs = DayStart + 4_100_000, DistanceM = 2_000 };
        ListFixStore fixes = new(SyntheticFleet.Drive("car-0042", 42, DayStart + 5_000, 40, 60_000));
        var exporter = new TripArchiveExporter(fixes, new ListTripStore([trip], []), null, trips, stops, new ArchiveOptions(), Clock);
        var handler = new ArchiveHandler(new ArchiveExporter(fixes, new MemorySink(), new ArchiveOptions(), Clock), new MemorySink(), TextWriter.Null, exporter);

        using JsonDocument scheduled = await JsonDocument.ParseAsync(await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(SampleEvent("scheduled-archive.json"))), CancellationToken.None));
        Assert.Equal((29, 29, 1), (scheduled.RootElement.GetProperty("tripDays").GetInt32(), scheduled.RootElement.GetProperty("tripDaysWritten").GetInt32(), scheduled.RootElement.GetProperty("trips").GetInt32()));
        Assert.Equal(29, trips.Objects.Keys.Count(k => k.EndsWith("_manifest.json", StringComparison.Ordinal)));

        trips.Operations.Clear();
        using JsonDocument backfill = await JsonDocument.ParseAsync(await handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"day\": \"2025-06-09\"}")), CancellationToken.None));
        Assert.Equal((1, 0), (backfill.RootElement.GetProperty("tripDays").GetInt32(), backfill.RootElement.GetProperty("tripDaysWritten").GetInt32()));
        Assert.Equal(["get dt=2025-06-09/_manifest.json"], trips.Operations);
    }

    [Fact]
    public async Task ACorruptTrip_FailsTheRunAfterItsSummary_WithTheTripNamed_AndTheFixesExported()
    {
        Trip corrupt = new() { CarId = "car-0042", StartTs = DayStart + 3_600_000, EndTs = DayStart + 4_000_000, Fixes = 10, DistanceM = double.NaN };
        ListFixStore fixes = new(SyntheticFleet.Drive("car-0042", 42, DayStart + 5_000, 40, 60_000));
        var sink = new MemorySink();
        var trips = new MemorySink();
        var log = new StringWriter();
        var exporter = new TripArchiveExporter(fixes, new ListTripStore([corrupt], []), null, trips, new MemorySink(), new ArchiveOptions(), Clock);
        var handler = new ArchiveHandler(new ArchiveExporter(fixes, sink, new ArchiveOptions(), Clock), sink, log, exporter);

        TripArchiveException e = await Assert.ThrowsAsync<TripArchiveException>(() => handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"day\": \"2025-06-10\"}")), CancellationToken.None));
        Assert.Contains("car 'car-0042', trip starting 2025-06-10T01:00:00Z", e.Message, StringComparison.Ordinal);
        Assert.Contains("distance_m is NaN", e.Message, StringComparison.Ordinal);
        Assert.Contains("dt=2025-06-10/_manifest.json", sink.Objects.Keys);
        Assert.DoesNotContain(trips.Operations, o => o.StartsWith("put ", StringComparison.Ordinal));
        Assert.Contains("\"tripDaysWritten\":0", log.ToString(), StringComparison.Ordinal);
    }

    private static ArchiveHandler Handler(IFixStore store, MemorySink sink, TextWriter log) =>
        new(new ArchiveExporter(store, sink, new ArchiveOptions(), Clock), sink, log);
}
