using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Cloud.Core.Ingest;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;
using static Tracker.Cloud.Tests.Core.TestFixes;

namespace Tracker.Cloud.Tests.Core;

public sealed class IngestServiceTests
{
    private const string Car = "car-0001";
    private const string Topic = "tracker/car-0001/fixes";

    private readonly InMemoryFixStore _store = new();
    private readonly ManualClock _clock = new(Now);

    private IngestService Service(IngestOptions? options = null) => new(_store, options ?? new IngestOptions(), _clock);

    private Task<IngestResult> Ingest(byte[] payload, string topic = Topic, string clientId = Car, IngestService? service = null) =>
        (service ?? Service()).IngestAsync(new IngestRequest(topic, clientId, payload, NowMs), CancellationToken.None);

    [Fact]
    public async Task Ingest_GoodBatch_StoresEveryFixAndAdvancesLatest()
    {
        Fix[] drive = Drive(20, NowMs - 60_000);

        IngestResult result = await Ingest(Encode(drive));

        Assert.Equal(BatchRejection.None, result.Rejection);
        Assert.Equal(20, result.Decoded);
        Assert.Equal(20, result.Accepted);
        Assert.Equal(0, result.RejectedTotal);
        Assert.True(result.LatestAdvanced);
        Assert.Equal(drive.Select(f => f.TimeMs), _store.All(Car).Select(f => f.Ts));
        Assert.Equal(drive[^1].TimeMs, (await _store.GetLatestAsync(Car, default))!.Ts);
        Assert.All(_store.All(Car), f => Assert.Equal(NowMs, f.ReceivedMs));
    }

    [Fact]
    public async Task Ingest_BasicIngestTopic_IsAccepted()
    {
        IngestResult result = await Ingest(Encode(Drive(3, NowMs)), topic: "$aws/rules/tracker_ingest/tracker/car-0001/fixes");

        Assert.Equal(BatchRejection.None, result.Rejection);
        Assert.Equal(3, result.Accepted);
    }

    [Theory]
    [InlineData("tracker/car-0001/fixes", true, "car-0001")]
    [InlineData("$aws/rules/r_1/tracker/car:7_x-y/fixes", true, "car:7_x-y")]
    [InlineData("tracker/car-0001/status", false, "")]
    [InlineData("tracker//fixes", false, "")]
    [InlineData("tracker/car+1/fixes", false, "")]
    [InlineData("$aws/rules/bad-rule/tracker/car-0001/fixes", false, "")]
    [InlineData("$aws/things/car-0001/shadow/update", false, "")]
    [InlineData("", false, "")]
    public void IngestTopic_ParsesPlainAndBasicIngestForms(string topic, bool ok, string car)
    {
        Assert.Equal(ok, IngestTopic.TryParse(topic, out string carId));
        Assert.Equal(car, carId);
    }

    [Fact]
    public async Task Ingest_ForeignCar_IsRejectedAndStoresNothing()
    {
        IngestResult result = await Ingest(Encode(Drive(3, NowMs)), topic: "tracker/car-0002/fixes", clientId: Car);

        Assert.Equal(BatchRejection.ForeignCar, result.Rejection);
        Assert.Equal(0, result.Accepted);
        Assert.Equal(0, _store.Count);
        Assert.Equal(0, _store.AppendCalls);
    }

    [Fact]
    public async Task Ingest_BadTopic_IsRejected()
    {
        IngestResult result = await Ingest(Encode(Drive(3, NowMs)), topic: "tracker/car-0001/status");

        Assert.Equal(BatchRejection.BadTopic, result.Rejection);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Ingest_TruncatedBatch_IsRejectedAsTruncated()
    {
        byte[] payload = Encode(Drive(30, NowMs));

        IngestResult result = await Ingest(payload[..(payload.Length / 2)]);

        Assert.Equal(BatchRejection.Truncated, result.Rejection);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Ingest_WrongVersion_IsRejected()
    {
        byte[] payload = Encode(Drive(3, NowMs));
        payload[0] = BatchFormat.Version + 1;

        IngestResult result = await Ingest(payload);

        Assert.Equal(BatchRejection.WrongVersion, result.Rejection);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Ingest_CorruptedByte_IsRejectedAsChecksumMismatch()
    {
        byte[] payload = Encode(Drive(10, NowMs));
        payload[BatchFormat.CrcOffset] ^= 0x10; // the stored CRC-32 no longer matches the intact body

        IngestResult result = await Ingest(payload);

        Assert.Equal(BatchRejection.ChecksumMismatch, result.Rejection);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Ingest_OversizedPayload_IsRejectedBeforeDecoding()
    {
        byte[] payload = new byte[BatchFormat.MaxPayloadBytes + 1];
        Encode(Drive(3, NowMs)).CopyTo(payload, 0);

        IngestResult result = await Ingest(payload);

        Assert.Equal(BatchRejection.Oversized, result.Rejection);
        Assert.Contains("128 KB", result.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Ingest_EmptyPayload_IsRejected()
    {
        Assert.Equal(BatchRejection.Empty, (await Ingest([])).Rejection);
    }

    [Fact]
    public async Task Ingest_FutureTimestamps_AreRejectedAndCounted()
    {
        Fix[] fixes = [Good(NowMs - 1000), Good(NowMs + 4 * 60_000), Good(NowMs + 6 * 60_000), Good(NowMs + 86_400_000)];

        IngestResult result = await Ingest(Encode(fixes));

        Assert.Equal(2, result.Accepted);
        Assert.Equal(2, result.Rejected[FixFilter.Future]);
        Assert.Equal(2, result.RejectedByName["future"]);
        Assert.Equal([NowMs - 1000, NowMs + 4 * 60_000], _store.All(Car).Select(f => f.Ts));
    }

    public static TheoryData<FixFilter> SwitchableFilters =>
        [FixFilter.Invalid, FixFilter.Zero, FixFilter.Future, FixFilter.Past, FixFilter.Accuracy, FixFilter.MaxSpeed];

    private static Fix Offending(FixFilter filter, long anchorMs)
    {
        Fix f = Good(anchorMs + 1000);
        switch (filter)
        {
            case FixFilter.Invalid: f.Mode = (FixMode)1; break;
            case FixFilter.Zero: f.LatE7 = 0; f.LonE7 = 0; break;
            case FixFilter.Future: f.TimeMs = NowMs + TimeSpan.FromMinutes(10).Ticks / TimeSpan.TicksPerMillisecond; break;
            case FixFilter.Past: f.TimeMs = NowMs - TimeSpan.FromDays(31).Ticks / TimeSpan.TicksPerMillisecond; break;
            case FixFilter.Accuracy: f.HdopX100 = 2500; break;
            case FixFilter.MaxSpeed: f.LatE7 += 1000 * MetreE7; break; // 1 km in 1 s: 3600 km/h
            default: throw new ArgumentOutOfRangeException(nameof(filter));
        }

        return f;
    }

    [Theory]
    [MemberData(nameof(SwitchableFilters))]
    public async Task Filter_WhenOn_RejectsAndCountsByName(FixFilter filter)
    {
        long anchor = NowMs - 60_000;
        IngestResult result = await Service().IngestFixesAsync(Car, [Good(anchor), Offending(filter, anchor)], NowMs, default);

        Assert.Equal(1, result.Accepted);
        Assert.Equal(1, result.Rejected[filter]);
        Assert.Equal(1, result.RejectedByName[FixFilterNames.Name(filter)]);
        Assert.Equal(1, result.RejectedTotal);
        Assert.Equal([anchor], _store.All(Car).Select(f => f.Ts));
    }

    [Theory]
    [MemberData(nameof(SwitchableFilters))]
    public async Task Filter_WhenOff_LetsTheFixThrough(FixFilter filter)
    {
        // max-speed is off too: 0,0 next to Paris one second later would trip it.
        var options = new IngestOptions { DisabledFilters = new HashSet<FixFilter> { filter, FixFilter.MaxSpeed } };
        long anchor = NowMs - 60_000;

        IngestResult result = await Service(options).IngestFixesAsync(Car, [Good(anchor), Offending(filter, anchor)], NowMs, default);

        Assert.Equal(2, result.Accepted);
        Assert.Equal(0, result.RejectedTotal);
    }

    [Fact]
    public void Options_DisablingDuplicate_FailsFastNamingTheKey()
    {
        var options = new IngestOptions { DisabledFilters = new HashSet<FixFilter> { FixFilter.Duplicate } };

        var e = Assert.Throws<ArgumentException>(() => Service(options));
        Assert.Contains("DisabledFilters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_FailsFastNamingTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => Service(new IngestOptions { MaxSpeedKmh = 0 }));
        Assert.Contains("MaxSpeedKmh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilterNames_RoundTrip()
    {
        foreach (FixFilter filter in FixFilterNames.All)
        {
            Assert.True(FixFilterNames.TryParse(FixFilterNames.Name(filter), out FixFilter parsed));
            Assert.Equal(filter, parsed);
        }

        Assert.Equal("max-speed", FixFilterNames.Name(FixFilter.MaxSpeed));
        Assert.False(FixFilterNames.TryParse("maxSpeed", out _));
    }

    [Fact]
    public async Task Ingest_BatchMixingGoodAndBadFixes_KeepsEveryGoodFix()
    {
        long end = NowMs - 60_000;
        Fix[] good = Drive(10, end);
        Fix poorHdop = Good(end - 3500, northMetres: 20, hdopX100: 3000);
        Fix jump = Good(end - 2500, northMetres: 5000);
        Fix[] batch =
        [
            good[0], good[1], At(end - 7500, 0, 0), good[2], good[3], Good(NowMs + 3_600_000), good[4], poorHdop,
            good[5], good[5], jump, good[6], Good(NowMs - TimeSpan.FromDays(40).Ticks / TimeSpan.TicksPerMillisecond), good[7], good[8], good[9],
        ];

        IngestResult result = await Ingest(Encode(batch));

        Assert.Equal(BatchRejection.None, result.Rejection);
        Assert.Equal(batch.Length, result.Decoded);
        Assert.Equal(10, result.Accepted);
        Assert.Equal(good.Select(f => f.TimeMs), _store.All(Car).Select(f => f.Ts));
        Assert.Equal(1, result.RejectedByName["zero"]);
        Assert.Equal(1, result.RejectedByName["future"]);
        Assert.Equal(1, result.RejectedByName["past"]);
        Assert.Equal(1, result.RejectedByName["accuracy"]);
        Assert.Equal(1, result.RejectedByName["max-speed"]);
        Assert.Equal(1, result.RejectedByName["duplicate"]);
        Assert.Equal(0, result.RejectedByName["invalid"]);
        Assert.Equal(good[9].TimeMs, (await _store.GetLatestAsync(Car, default))!.Ts);
    }

    [Fact]
    public async Task Ingest_DuplicateWithinBatch_IsStoredOnceAndCounted()
    {
        Fix[] drive = Drive(3, NowMs - 10_000);

        IngestResult result = await Ingest(Encode(drive[0], drive[1], drive[1], drive[2], drive[0]));

        Assert.Equal(3, result.Accepted);
        Assert.Equal(2, result.Rejected[FixFilter.Duplicate]);
        Assert.Equal(3, _store.Count);
    }

    [Fact]
    public async Task Ingest_SameBatchTwice_SecondIsAllDuplicates()
    {
        byte[] payload = Encode(Drive(5, NowMs - 10_000));
        await Ingest(payload);

        IngestResult again = await Ingest(payload);

        Assert.Equal(0, again.Accepted);
        Assert.Equal(5, again.Rejected[FixFilter.Duplicate]);
        Assert.Equal(5, _store.Count);
        Assert.False(again.LatestAdvanced);
    }

    [Fact]
    public async Task Ingest_MaxSpeed_ComparesWithTheStoredPreviousFix()
    {
        await Ingest(Encode(Good(NowMs - 10_000)));

        IngestResult result = await Ingest(Encode(Good(NowMs - 9_000, northMetres: 2000)));

        Assert.Equal(0, result.Accepted);
        Assert.Equal(1, result.Rejected[FixFilter.MaxSpeed]);
    }

    [Fact]
    public async Task Ingest_AfterAnOutlier_TheNextFixIsComparedWithTheLastAcceptedOne()
    {
        Fix[] batch = [Good(NowMs - 3000), Good(NowMs - 2000, northMetres: 3000), Good(NowMs - 1000, northMetres: 10)];

        IngestResult result = await Ingest(Encode(batch));

        Assert.Equal(2, result.Accepted);
        Assert.Equal(1, result.Rejected[FixFilter.MaxSpeed]);
    }

    [Fact]
    public async Task Enrichment_MissingSpeed_IsDerivedFromDistanceAndTime()
    {
        // 10 m in 1 s: 10 m/s = 10 000 mm/s.
        Fix[] batch = [Good(NowMs - 2000), Good(NowMs - 1000, northMetres: 10), Good(NowMs, northMetres: 20, speedMmps: 7000)];

        await Ingest(Encode(batch));
        var stored = _store.All(Car);

        Assert.Null(stored[0].SpeedMmps);
        Assert.False(stored[0].SpeedDerived);
        Assert.InRange(stored[1].SpeedMmps!.Value, 9_950, 10_050);
        Assert.True(stored[1].SpeedDerived);
        Assert.Equal(7000, stored[2].SpeedMmps);
        Assert.False(stored[2].SpeedDerived);
    }

    [Fact]
    public async Task Enrichment_MovingAndStopped_FollowTheSpeedThreshold()
    {
        // Parked with GNSS wander (2 m), then driving at 10 m/s.
        Fix[] batch =
        [
            Good(NowMs - 4000, 0, 0), Good(NowMs - 3000, 2, 100), Good(NowMs - 2000, 0, 300),
            Good(NowMs - 1000, 10, 10_000), Good(NowMs, 20, 10_000),
        ];

        await Ingest(Encode(batch));
        var stored = _store.All(Car);

        Assert.Equal([false, false, false, true, true], stored.Select(f => f.Moving));
    }

    [Fact]
    public async Task Latest_NeverGoesBackwards_WithALateBacklog()
    {
        // After a reconnect the firmware sends the newest fix first, then the backlog in order.
        await Ingest(Encode(Good(NowMs - 1000)));

        IngestResult backlog = await Ingest(Encode(Drive(30, NowMs - 120_000)));

        Assert.Equal(30, backlog.Accepted);
        Assert.False(backlog.LatestAdvanced);
        Assert.Equal(NowMs - 1000, (await _store.GetLatestAsync(Car, default))!.Ts);
        Assert.Equal(31, _store.Count);
    }

    [Fact]
    public async Task Ingest_StorageFailure_Propagates()
    {
        _store.FailNextAppend = new IOException("table unavailable");

        await Assert.ThrowsAsync<IOException>(() => Ingest(Encode(Drive(3, NowMs))));
    }

    [Fact]
    public async Task Ingest_RetryAfterFailureBeforeLatest_StillAdvancesLatest()
    {
        byte[] payload = Encode(Drive(3, NowMs));
        _store.FailNextAdvance = new TimeoutException("conditional write timed out");
        await Assert.ThrowsAsync<TimeoutException>(() => Ingest(payload));

        IngestResult retry = await Ingest(payload);

        Assert.Equal(3, retry.Rejected[FixFilter.Duplicate]);
        Assert.True(retry.LatestAdvanced);
        Assert.Equal(NowMs, (await _store.GetLatestAsync(Car, default))!.Ts);
    }

    [Fact]
    public async Task Ingest_EmptyBatch_StoresNothing()
    {
        IngestResult result = await Ingest(Encode());

        Assert.Equal(BatchRejection.None, result.Rejection);
        Assert.Equal(0, result.Decoded);
        Assert.Equal(0, _store.AppendCalls);
    }

    private static IngestResult RunBlocking(InMemoryFixStore store, byte[] payload) =>
        new IngestService(store, new IngestOptions(), new ManualClock(Now))
            .IngestAsync(new IngestRequest(Topic, Car, payload, NowMs), CancellationToken.None).GetAwaiter().GetResult();

    [Property(MaxTest = 500)]
    public Property RandomPayload_NeverThrowsAndNeverStoresAnything() =>
        Prop.ForAll(
            Gen.Choose(0, 600).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n))
                .Select(bytes => { if (bytes.Length > 0 && bytes[0] % 2 == 0) { bytes[0] = BatchFormat.Version; } return bytes; })
                .ToArbitrary(),
            bytes =>
            {
                var store = new InMemoryFixStore();
                IngestResult result = RunBlocking(store, bytes);
                return result.Rejection != BatchRejection.None && store.Count == 0 && store.AppendCalls == 0;
            });

    [Property(MaxTest = 300)]
    public Property ValidBatchWithOneBitFlipped_IsRejectedAndStoresNothing() =>
        Prop.ForAll(
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            seed =>
            {
                byte[] payload = Encode(Drive(1 + (seed % 40), NowMs));
                int bit = (seed / 40) % (payload.Length * 8);
                payload[bit / 8] ^= (byte)(1 << (bit % 8));
                var store = new InMemoryFixStore();
                IngestResult result = RunBlocking(store, payload);
                return result.Rejection != BatchRejection.None && store.Count == 0;
            });
}
