using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>Real-shaped events, built from the sample events in cloud/Tracker.Cloud.Lambda/sample-events with our own values.</summary>
internal static class SampleEvents
{
    public const string Car = SampleDrive.Car;

    public static JsonObject Sample(string name) =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("cloud", "Tracker.Cloud.Lambda", "sample-events", name)))!.AsObject();

    /// <summary>The sample drive's <paramref name="count"/> fixes from <paramref name="startMs"/>, encoded with the firmware's codec.</summary>
    public static byte[] Batch(long startMs, int count) => WireBatch.Encode(SampleDrive.Fixes(startMs, count));

    /// <summary>The fixes rule's event (DeviceFleet.FixesSql) for a Basic Ingest publication.</summary>
    public static string Iot(byte[] payload, long receivedAtMs, string clientId = Car)
    {
        JsonObject evt = Sample("ingest-basic-ingest.json");
        evt["payload"] = Convert.ToBase64String(payload);
        evt["clientId"] = clientId;
        evt["receivedAt"] = receivedAtMs;
        return evt.ToJsonString();
    }

    /// <summary>An HTTP API v2 GET of <paramref name="rawPath"/>; <paramref name="claims"/> null means no authorizer block.</summary>
    public static string Http(string rawPath, Dictionary<string, string>? claims, string method = "GET")
    {
        JsonObject evt = Sample("api-latest.json");
        evt["rawPath"] = rawPath;
        evt["routeKey"] = "$default";
        evt.Remove("pathParameters");
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

    /// <summary>Claims as API Gateway's JWT authorizer passes them (strings; groups as "[a b]"), valid for an hour from now.</summary>
    public static Dictionary<string, string> Claims(string sub, string group)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, string>
        {
            ["sub"] = sub,
            ["cognito:groups"] = "[" + group + "]",
            ["exp"] = (now + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["iat"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["token_use"] = "access",
        };
    }
}
