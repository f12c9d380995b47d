using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Sqlite;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Tests.Lambda;

/// <summary>The handlers over a real SQLite store in a temporary file, with a settable clock.</summary>
internal sealed class LambdaRig : IAsyncDisposable
{
    /// <summary>2025-06-10T08:01:00Z: one minute after the sample drive starts (sample-events/*.json).</summary>
    public const long SampleNowMs = LambdaEvents.SampleNowMs;

    private readonly TempFolder _folder;

    private LambdaRig(TempFolder folder, SqliteStore store, ManualClock clock)
    {
        _folder = folder;
        Store = store;
        Clock = clock;
        Log = new StringWriter();
        Ingest = new IngestHandler(new IngestService(store, new IngestOptions(), clock), clock, Log);
        Api = new ApiHandler(new QueryService(store, new AccessPolicy(store, clock)), clock);
    }

    public SqliteStore Store { get; }

    public ManualClock Clock { get; }

    public StringWriter Log { get; }

    public IngestHandler Ingest { get; }

    public ApiHandler Api { get; }

    public static async Task<LambdaRig> CreateAsync(long nowMs = SampleNowMs)
    {
        var folder = new TempFolder("tracker-lambda-tests-");
        ManualClock clock = new(nowMs);
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = folder.Combine("fixes.db"), Clock = clock }, CancellationToken.None);
        return new LambdaRig(folder, store, clock);
    }

    public static string SampleEvent(string name) => LambdaEvents.SampleText(name);

    public static Stream AsStream(string json) => new MemoryStream(Encoding.UTF8.GetBytes(json));

    public async Task<JsonObject> IngestAsync(string eventJson)
    {
        using Stream output = await Ingest.HandleAsync(AsStream(eventJson), CancellationToken.None);
        return (JsonObject)JsonNode.Parse(output)!;
    }

    /// <summary>Runs the API handler; returns status, headers and the parsed body.</summary>
    public async Task<(int Status, JsonObject Headers, JsonObject Body)> ApiAsync(string eventJson)
    {
        using Stream output = await Api.HandleAsync(AsStream(eventJson), CancellationToken.None);
        JsonObject response = (JsonObject)JsonNode.Parse(output)!;
        Assert.False((bool)response["isBase64Encoded"]!);
        JsonObject body = (JsonObject)JsonNode.Parse((string)response["body"]!)!;
        return ((int)response["statusCode"]!, (JsonObject)response["headers"]!, body);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        await Task.CompletedTask;
    }
}
