using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Core.Fixes;
using Tracker.Core.Wire;

namespace Tracker.Cloud.Lambda.Runtime.Tests.Support;

/// <summary>Real-shaped events, built from the sample events in cloud/Tracker.Cloud.Lambda/sample-events with our own values.</summary>
internal static class SampleEvents
{
    public const string Car = "car-0042";

    public static JsonObject Sample(string name) =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("cloud", "Tracker.Cloud.Lambda", "sample-events", name)))!.AsObject();

    /// <summary>A drive of <paramref name="count"/> fixes 5 s apart, ending a minute ago, encoded with the firmware's codec.</summary>
    public static byte[] Batch(long startMs, int count)
    {
        Fix[] fixes = new Fix[count];
        for (int i = 0; i < count; i++)
        {
            Fix f = Fix.Create(startMs + (i * 5000L), 523791000 + (i * 4200), 49003000 + (i * 2600));
            f.AltCm = 210;
            f.SpeedMmps = 13900;
            f.CourseCdeg = 2150;
            f.HdopX100 = 90;
            f.Satellites = 11;
            f.Mode = FixMode.ThreeD;
            f.Quality = FixQuality.Autonomous;
            fixes[i] = f;
        }

        byte[] buffer = new byte[BatchFormat.MaxPayloadBytes];
        int length = new BatchEncoder().Encode(fixes, 0, fixes.Length, buffer, 0, out int written);
        Assert.Equal(count, written);
        return buffer[..length];
    }

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
