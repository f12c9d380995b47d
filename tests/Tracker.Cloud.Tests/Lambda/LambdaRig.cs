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
    public const long SampleNowMs = 1749542460000;

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

    public static string SampleEvent(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sample-events", name));

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

/// <summary>Builds real-shaped events with our own values.</summary>
internal static class LambdaEvents
{
    public const string Car = SampleDrive.Car;

    /// <summary>A drive of <paramref name="count"/> fixes 5 s apart from <paramref name="startMs"/>, ~50 km/h north-east.</summary>
    public static Fix[] Drive(long startMs, int count) => SampleDrive.Fixes(startMs, count);

    public static byte[] Encode(Fix[] fixes) => WireBatch.Encode(fixes);

    public static string Iot(byte[] payload, string topic = "tracker/" + Car + "/fixes", string clientId = Car, long? receivedAt = LambdaRig.SampleNowMs) =>
        Iot(Convert.ToBase64String(payload), topic, clientId, receivedAt);

    public static string Iot(string payloadText, string topic, string clientId, long? receivedAt)
    {
        JsonObject evt = new() { ["payload"] = payloadText, ["topic"] = topic, ["clientId"] = clientId };
        if (receivedAt is long r)
        {
            evt["receivedAt"] = r;
        }

        return evt.ToJsonString();
    }

    /// <summary>An HTTP API v2 GET event for <paramref name="rawPath"/> with the given claims (null: no authorizer block).</summary>
    public static string Http(string rawPath, Dictionary<string, string>? query, Dictionary<string, object>? claims, string method = "GET")
    {
        JsonObject evt = JsonNode.Parse(LambdaRig.SampleEvent("api-latest.json"))!.AsObject();
        evt["rawPath"] = rawPath;
        evt["rawQueryString"] = query is null ? string.Empty : string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        evt["routeKey"] = "$default";
        evt.Remove("pathParameters");
        evt.Remove("queryStringParameters");
        if (query is not null)
        {
            evt["queryStringParameters"] = new JsonObject(query.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
        }

        JsonObject context = evt["requestContext"]!.AsObject();
        context["routeKey"] = "$default";
        context["http"]!["method"] = method;
        context["http"]!["path"] = rawPath;
        if (claims is null)
        {
            context.Remove("authorizer");
        }
        else
        {
            context["authorizer"]!["jwt"]!["claims"] = JsonSerializer.SerializeToNode(claims);
        }

        return evt.ToJsonString();
    }

    /// <summary>Claims as API Gateway passes them: strings, groups as "[a b]".</summary>
    public static Dictionary<string, object> Claims(string sub, string groups, long expSeconds) => new()
    {
        ["sub"] = sub,
        ["cognito:groups"] = "[" + groups + "]",
        ["exp"] = expSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["iat"] = (expSeconds - 3600).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["token_use"] = "access",
    };
}
