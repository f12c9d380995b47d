using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Provisioning.Cloud;

/// <summary>
/// The AWS IoT policy every car's certificate carries. One policy serves the whole fleet because it
/// binds each connection to its own thing with the policy variable
/// <c>${iot:Connection.Thing.ThingName}</c>, which IoT Core fills only when the client id is the thing
/// name and the certificate is attached to that thing (as JITP does): a car connects only as itself,
/// publishes only its own fixes and status (directly, or through the Basic Ingest topic
/// <c>$aws/rules/{rule}/tracker/{car}/fixes</c>), and hears only its own live topic.
/// </summary>
public static class IotPolicyDocument
{
    /// <summary>The policy variable for the connected thing's name.</summary>
    public const string ThingNameVariable = "${iot:Connection.Thing.ThingName}";

    /// <summary>The policy as indented JSON (policy language version 2012-10-17, which policy variables need).</summary>
    /// <returns>The JSON text.</returns>
    public static string Build()
    {
        const string Arn = "arn:aws:iot:*:*:";
        string car = "tracker/" + ThingNameVariable;
        var policy = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray
            {
                Statement("iot:Connect", Arn + "client/" + ThingNameVariable),
                Statement(
                    "iot:Publish",
                    Arn + "topic/" + car + "/fixes",
                    Arn + "topic/" + car + "/status",
                    Arn + "topic/$aws/rules/*/" + car + "/fixes"),
                Statement("iot:Subscribe", Arn + "topicfilter/" + car + "/live"),
                Statement("iot:Receive", Arn + "topic/" + car + "/live"),
            },
        };
        return policy.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

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
