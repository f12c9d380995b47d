using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Testing;

/// <summary>
/// Real-shaped Lambda events with our own values, for the handlers in process (tests/Tracker.Cloud.Tests) and the
/// published bootstrap (tests/Tracker.Cloud.Lambda.Runtime.Tests): the sample events of
/// cloud/Tracker.Cloud.Lambda/sample-events, and events built on them.
/// </summary>
public static class LambdaEvents
{
    /// <summary>The sample events' car.</summary>
    public const string Car = SampleDrive.Car;

    /// <summary>2025-06-10T08:01:00Z: one minute after the sample drive starts (sample-events/*.json), when the samples arrive.</summary>
    public const long SampleNowMs = 1749542460000;

    /// <summary>Where a sample event is, read in place: cloud/Tracker.Cloud.Lambda/sample-events/<paramref name="name"/>.</summary>
    /// <param name="name">The file name, like api-latest.json.</param>
    /// <returns>The full path.</returns>
    public static string SamplePath(string name) => Tracker.Testing.Repository.PathOf("cloud", "Tracker.Cloud.Lambda", "sample-events", name);

    /// <summary>A sample event's text (see <see cref="SamplePath"/>).</summary>
    /// <param name="name">The file name, like api-latest.json.</param>
    /// <returns>The JSON text.</returns>
    public static string SampleText(string name) => File.ReadAllText(SamplePath(name));

    /// <summary>A sample event, parsed, to change before it is sent.</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The event.</returns>
    public static JsonObject Sample(string name) => JsonNode.Parse(SampleText(name))!.AsObject();

    /// <summary>The fixes rule's event for a plain publication (topic, client id, base64 payload, receive time; null for none).</summary>
    public static string Iot(byte[] payload, string topic = "tracker/" + Car + "/fixes", string clientId = Car, long? receivedAt = SampleNowMs) =>
        Iot(Convert.ToBase64String(payload), topic, clientId, receivedAt);

    /// <summary>The fixes rule's event with any payload text (not base64, too long...).</summary>
    public static string Iot(string payloadText, string topic, string clientId, long? receivedAt)
    {
        JsonObject evt = new() { ["payload"] = payloadText, ["topic"] = topic, ["clientId"] = clientId };
        if (receivedAt is long r)
        {
            evt["receivedAt"] = r;
        }

        return evt.ToJsonString();
    }

    /// <summary>The fixes rule's event (DeviceFleet.FixesSql) for a Basic Ingest publication, from the sample.</summary>
    public static string BasicIngest(byte[] payload, long receivedAtMs, string clientId = Car)
    {
        JsonObject evt = Sample("ingest-basic-ingest.json");
        evt["payload"] = Convert.ToBase64String(payload);
        evt["clientId"] = clientId;
        evt["receivedAt"] = receivedAtMs;
        return evt.ToJsonString();
    }

    /// <summary>An HTTP API v2 request for <paramref name="rawPath"/> without a query; <paramref name="claims"/> null means no authorizer block.</summary>
    public static string Http(string rawPath, object? claims, string method = "GET") => Http(rawPath, null, claims, method);

    /// <summary>An HTTP API v2 request for <paramref name="rawPath"/>; <paramref name="claims"/> (see <see cref="Claims"/>) null means no authorizer block.</summary>
    public static string Http(string rawPath, IReadOnlyDictionary<string, string>? query, object? claims, string method = "GET")
    {
        JsonObject evt = Sample("api-latest.json");
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

    /// <summary>Claims as API Gateway's JWT authorizer passes them: strings, groups as "[a b]"; valid for an hour from now unless <paramref name="expSeconds"/> says.</summary>
    public static Dictionary<string, object> Claims(string sub, string groups, long? expSeconds = null)
    {
        long exp = expSeconds ?? (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);
        return new Dictionary<string, object>
        {
            ["sub"] = sub,
            ["cognito:groups"] = "[" + groups + "]",
            ["exp"] = exp.ToString(CultureInfo.InvariantCulture),
            ["iat"] = (exp - 3600).ToString(CultureInfo.InvariantCulture),
            ["token_use"] = "access",
        };
    }
}
