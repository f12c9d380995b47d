using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Provisioning.Cloud;

/// <summary>
/// The AWS IoT policy every car's certificate carries. One policy serves the whole fleet because it
/// binds each connection to its own thing with the policy variable
/// <c>${iot:Connection.Thing.ThingName}</c>, which IoT Core fills only when the client id is the thing
/// name and the certificate is attached to that thing (as JITP does): a car connects only as itself,
/// publishes only its own fixes and status, hears only its own live topic, and reaches only its own
/// thing's device shadow (remote configuration) and IoT Jobs topics (updates), issue 18.
/// </summary>
/// <remarks>
/// With a Basic Ingest rule (the cloud stack's <c>tracker_{stage}_fixes</c>), fixes may go only through
/// that one rule, <c>$aws/rules/{rule}/tracker/{car}/fixes</c>: not another stage's rule in the same
/// account, and not the plain topic, which every stage's rule would see. Without one (a CA registered by
/// hand, a broker of one's own), fixes go to the plain topic <c>tracker/{car}/fixes</c>.
/// </remarks>
public static class IotPolicyDocument
{
    /// <summary>The policy variable for the connected thing's name.</summary>
    public const string ThingNameVariable = "${iot:Connection.Thing.ThingName}";

    /// <summary>The policy as indented JSON (policy language version 2012-10-17, which policy variables need).</summary>
    /// <param name="ingestRule">The one Basic Ingest rule fixes go through, or null to publish fixes to their plain topic.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentException">The rule name is not a valid IoT rule name.</exception>
    public static string Build(string? ingestRule)
    {
        if (ingestRule is not null && !IsValidRuleName(ingestRule))
        {
            throw new ArgumentException($"'{ingestRule}' is not an AWS IoT rule name (1 to 128 of [A-Za-z0-9_])", nameof(ingestRule));
        }

        const string Arn = "arn:aws:iot:*:*:";
        string car = "tracker/" + ThingNameVariable;
        string fixes = ingestRule is null ? Arn + "topic/" + car + "/fixes" : Arn + "topic/$aws/rules/" + ingestRule + "/" + car + "/fixes";
        string thing = "$aws/things/" + ThingNameVariable;
        var policy = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray
            {
                Statement("iot:Connect", Arn + "client/" + ThingNameVariable),
                Statement("iot:Publish", fixes, Arn + "topic/" + car + "/status", Arn + "topic/" + thing + "/shadow/*", Arn + "topic/" + thing + "/jobs/*"),
                Statement("iot:Subscribe", Arn + "topicfilter/" + car + "/live", Arn + "topicfilter/" + thing + "/shadow/*", Arn + "topicfilter/" + thing + "/jobs/*"),
                Statement("iot:Receive", Arn + "topic/" + car + "/live", Arn + "topic/" + thing + "/shadow/*", Arn + "topic/" + thing + "/jobs/*"),
            },
        };
        return policy.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>True for a valid IoT rule name (AWS IoT API reference, CreateTopicRule: <c>^[a-zA-Z0-9_]+$</c>, at most 128).</summary>
    /// <param name="name">The name.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidRuleName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>True for a valid IoT policy name (AWS: 1 to 128 of <c>[\w+=,.@-]</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidPolicyName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || "_+=,.@-".Contains(c));

    private static JsonObject Statement(string action, params string[] resources)
    {
        var list = new JsonArray();
        foreach (string resource in resources)
        {
            list.Add(resource);
        }

        return new JsonObject { ["Effect"] = "Allow", ["Action"] = action, ["Resource"] = list };
    }
}
