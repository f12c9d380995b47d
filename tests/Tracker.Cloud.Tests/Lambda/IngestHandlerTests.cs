using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Tests.Lambda;

public sealed class IngestHandlerTests
{
    private const long DriveStartMs = 1749542400000;

    [Theory]
    [InlineData("ingest-fixes.json")]
    [InlineData("ingest-basic-ingest.json")]
    public async Task SampleEvent_StoresEveryFix_AndWritesOneLogLine(string sample)
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();

        JsonObject summary = await rig.IngestAsync(LambdaRig.SampleEvent(sample));

        Assert.Equal("stored", (string?)summary["outcome"]);
        Assert.Equal(6, (int)summary["decoded"]!);
        Assert.Equal(6, (int)summary["accepted"]!);
        Assert.True((bool)summary["latestAdvanced"]!);
        StoredFix? latest = await rig.Store.GetLatestAsync(LambdaEvents.Car, CancellationToken.None);
        Assert.Equal(DriveStartMs + 25000, latest!.Ts);
        string[] lines = rig.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Equal("stored", (string?)JsonNode.Parse(lines[0])!["outcome"]);
    }

    [Fact]
    public async Task SameEventTwice_StoresOnce_SecondCountsDuplicates()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        await rig.IngestAsync(LambdaRig.SampleEvent("ingest-fixes.json"));

        JsonObject again = await rig.IngestAsync(LambdaRig.SampleEvent("ingest-fixes.json"));

        Assert.Equal(0, (int)again["accepted"]!);
        Assert.Equal(6, (int)again["rejected"]!["duplicate"]!);
    }

    [Fact]
    public async Task ForeignCar_IsRejectedWithReason_AndNothingStored()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();

        JsonObject summary = await rig.IngestAsync(LambdaRig.SampleEvent("ingest-foreign-car.json"));

        AssertRejected(summary, "foreignCar");
        Assert.Null(await rig.Store.GetLatestAsync(LambdaEvents.Car, CancellationToken.None));
        Assert.Contains("\"reason\":\"foreignCar\"", rig.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedBatch_IsRejectedWithReason()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        byte[] batch = WireBatch.Encode(SampleDrive.Fixes(DriveStartMs, 6));

        JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot(batch[..(batch.Length - 7)]));

        AssertRejected(summary, "truncated");
    }

    [Fact]
    public async Task WrongVersion_IsRejectedWithReason()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        byte[] batch = WireBatch.Encode(SampleDrive.Fixes(DriveStartMs, 6));
        batch[0] = BatchFormat.Version + 1;

        JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot(batch));

        AssertRejected(summary, "wrongVersion");
    }

    [Fact]
    public async Task OversizedPayload_IsRejectedWithReason()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        byte[] batch = WireBatch.Encode(SampleDrive.Fixes(DriveStartMs, 6));
        byte[] oversized = new byte[BatchFormat.MaxPayloadBytes + 1];
        batch.CopyTo(oversized, 0);

        JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot(oversized));

        AssertRejected(summary, "oversized");
    }

    [Fact]
    public async Task PayloadNotBase64_IsRejectedWithReason()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();

        JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot("not base64 at all!", "tracker/car-0042/fixes", LambdaEvents.Car, LambdaRig.SampleNowMs));

        AssertRejected(summary, IngestSummary.NotBase64);
        Assert.Single(rig.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task FutureFixes_AreRejectedAndCounted_GoodFixesInTheSameBatchAreStored()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        Fix[] good = SampleDrive.Fixes(DriveStartMs, 6);
        Fix[] future = SampleDrive.Fixes(LambdaRig.SampleNowMs + (2 * 3600 * 1000), 2);
        byte[] batch = WireBatch.Encode([.. good, .. future]);

        JsonObject summary = await rig.IngestAsync(LambdaEvents.Iot(batch));

        Assert.Equal("stored", (string?)summary["outcome"]);
        Assert.Equal(8, (int)summary["decoded"]!);
        Assert.Equal(6, (int)summary["accepted"]!);
        Assert.Equal(2, (int)summary["rejected"]!["future"]!);
        FixPage page = await rig.Store.QueryAsync(LambdaEvents.Car, 0, long.MaxValue, 100, null, CancellationToken.None);
        Assert.Equal(good.Select(f => f.TimeMs), page.Fixes.Select(f => f.Ts));
        Assert.Contains("\"future\":2", rig.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoReceivedAt_UsesTheHandlersClock()
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();
        byte[] batch = WireBatch.Encode(SampleDrive.Fixes(DriveStartMs, 2));

        await rig.IngestAsync(LambdaEvents.Iot(batch, receivedAt: null));

        StoredFix? latest = await rig.Store.GetLatestAsync(LambdaEvents.Car, CancellationToken.None);
        Assert.Equal(LambdaRig.SampleNowMs, latest!.ReceivedMs);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"payload\":", "not valid JSON")]
    [InlineData("[1,2]", "not an object")]
    [InlineData("{\"payload\":\"AQ==\",\"clientId\":\"car-0042\"}", "'topic'")]
    [InlineData("{\"payload\":\"AQ==\",\"topic\":\"tracker/car-0042/fixes\"}", "'clientId'")]
    [InlineData("{\"topic\":\"tracker/car-0042/fixes\",\"clientId\":\"car-0042\"}", "'payload'")]
    [InlineData("{\"payload\":42,\"topic\":\"t\",\"clientId\":\"c\"}", "$.payload")]
    [InlineData("{\"payload\":\"AQ==\",\"topic\":\"t\",\"clientId\":\"c\",\"receivedAt\":\"soon\"}", "$.receivedAt")]
    public async Task MalformedEvent_ThrowsInvalidEvent_NamingTheProblem(string json, string expected)
    {
        await using LambdaRig rig = await LambdaRig.CreateAsync();

        InvalidEventException e = await Assert.ThrowsAsync<InvalidEventException>(() => rig.Ingest.HandleAsync(LambdaRig.AsStream(json), CancellationToken.None));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageFailure_Propagates_NeverSwallowed()
    {
        FailingStore store = new();
        StringWriter log = new();
        IngestHandler handler = new(new IngestService(store, new IngestOptions(), TimeProvider.System), TimeProvider.System, log);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string evt = LambdaEvents.Iot(WireBatch.Encode(SampleDrive.Fixes(now - 60000, 3)), receivedAt: now);

        IOException e = await Assert.ThrowsAsync<IOException>(() => handler.HandleAsync(LambdaRig.AsStream(evt), CancellationToken.None));

        Assert.Equal(FailingStore.Message, e.Message);
        Assert.Equal(string.Empty, log.ToString());
    }

    private static void AssertRejected(JsonObject summary, string reason)
    {
        Assert.Equal("rejected", (string?)summary["outcome"]);
        Assert.Equal(reason, (string?)summary["reason"]);
        Assert.False(string.IsNullOrEmpty((string?)summary["detail"]));
        Assert.Equal(0, (int)summary["accepted"]!);
    }

    /// <summary>A store whose writes fail, as DynamoDB does when throttled past its retries.</summary>
    private sealed class FailingStore : IFixStore
    {
        public const string Message = "storage unavailable";

        public Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken) => throw new IOException(Message);

        public Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken) => throw new IOException(Message);

        public Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken) => Task.FromResult<StoredFix?>(null);

        public Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StoredFix>>([]);

        public Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken) => Task.FromResult<StoredFix?>(null);

        public Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken) =>
            Task.FromResult(new FixPage([], null));
    }
}
