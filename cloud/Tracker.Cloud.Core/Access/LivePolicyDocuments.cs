using System.Text;
using System.Text.Json;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Builds the AWS IoT policy documents a browser's live connection gets (AWS IoT developer guide, "AWS
/// IoT Core policies" and "Defining your Lambda function"). Operators: connect as their own client id,
/// subscribe to and receive anything under <c>fleet/</c>, and publish watch requests to any car.
/// Renters: the same, but only for the cars given. No policy variables and no wildcards come from input:
/// car ids must be valid thing names and the client id is checked by the caller, so no <c>*</c>,
/// <c>+</c>, <c>#</c> or <c>/</c> can be smuggled into a resource.
/// </summary>
public static class LivePolicyDocuments
{
    /// <summary>The longest policy document a custom authorizer may return (characters).</summary>
    public const int MaxDocumentChars = 2048;

    /// <summary>The most policy documents a custom authorizer may return.</summary>
    public const int MaxDocuments = 10;

    /// <summary>The policy language version, which policy resources with wildcards need.</summary>
    public const string Version = "2012-10-17";

    /// <summary>The operators' grant: the whole fleet.</summary>
    /// <param name="resourcePrefix"><c>arn:aws:iot:{region}:{account}</c>.</param>
    /// <param name="clientId">The connection's own client id (already checked).</param>
    /// <returns>One document.</returns>
    public static IReadOnlyList<string> Fleet(string resourcePrefix, string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourcePrefix);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        var statements = new List<(string Action, IReadOnlyList<string> Resources)>
        {
            Connect(resourcePrefix, clientId),
            ("iot:Subscribe", [resourcePrefix + ":topicfilter/" + LiveTopics.FleetPrefix + "*"]),
            ("iot:Receive", [resourcePrefix + ":topic/" + LiveTopics.FleetPrefix + "*"]),
            ("iot:Publish", [resourcePrefix + ":topic/" + LiveTopics.Watch("*")]),
        };
        return [Serialize(statements)];
    }

    /// <summary>A renter's grant: only <paramref name="cars"/>, split over as many documents as the 2,048-character limit needs.</summary>
    /// <param name="resourcePrefix"><c>arn:aws:iot:{region}:{account}</c>.</param>
    /// <param name="clientId">The connection's own client id (already checked).</param>
    /// <param name="cars">The cars (each a valid thing name).</param>
    /// <param name="documents">The documents, when they fit.</param>
    /// <returns>False when they need more than <see cref="MaxDocuments"/> documents.</returns>
    /// <exception cref="ArgumentException">A car id is not a valid thing name.</exception>
    public static bool TryCars(string resourcePrefix, string clientId, IReadOnlyList<string> cars, out IReadOnlyList<string> documents)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourcePrefix);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(cars);
        foreach (string car in cars)
        {
            if (!Tracker.Core.Uplink.UplinkTopics.IsValidThingName(car))
            {
                throw new ArgumentException("car id '" + car + "' is not a valid thing name: it cannot be put into a policy", nameof(cars));
            }
        }

        var result = new List<string>();
        var pending = new Queue<string>(cars);
        bool first = true;
        while (first || pending.Count > 0)
        {
            var chunk = new List<string>();
            string document = Serialize(CarStatements(resourcePrefix, clientId, first, chunk));
            while (pending.Count > 0)
            {
                chunk.Add(pending.Peek());
                string grown = Serialize(CarStatements(resourcePrefix, clientId, first, chunk));
                if (grown.Length > MaxDocumentChars)
                {
                    chunk.RemoveAt(chunk.Count - 1);
                    break;
                }

                pending.Dequeue();
                document = grown;
            }

            if (chunk.Count == 0 && !first)
            {
                // One car alone does not fit: cannot happen with 128-character thing names, but never loop.
                documents = [];
                return false;
            }

            result.Add(document);
            first = false;
            if (result.Count > MaxDocuments)
            {
                documents = [];
                return false;
            }
        }

        documents = result;
        return true;
    }

    private static List<(string Action, IReadOnlyList<string> Resources)> CarStatements(string prefix, string clientId, bool withConnect, List<string> cars)
    {
        var statements = new List<(string Action, IReadOnlyList<string> Resources)>();
        if (withConnect)
        {
            statements.Add(Connect(prefix, clientId));
        }

        if (cars.Count > 0)
        {
            statements.Add(("iot:Subscribe", cars.SelectMany(c => new[] { prefix + ":topicfilter/" + LiveTopics.Fixes(c), prefix + ":topicfilter/" + LiveTopics.Status(c) }).ToList()));
            statements.Add(("iot:Receive", cars.SelectMany(c => new[] { prefix + ":topic/" + LiveTopics.Fixes(c), prefix + ":topic/" + LiveTopics.Status(c) }).ToList()));
            statements.Add(("iot:Publish", cars.Select(c => prefix + ":topic/" + LiveTopics.Watch(c)).ToList()));
        }

        return statements;
    }

    private static (string Action, IReadOnlyList<string> Resources) Connect(string prefix, string clientId) =>
        ("iot:Connect", [prefix + ":client/" + clientId]);

    private static string Serialize(List<(string Action, IReadOnlyList<string> Resources)> statements)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", Version);
            writer.WriteStartArray("Statement");
            foreach ((string action, IReadOnlyList<string> resources) in statements)
            {
                writer.WriteStartObject();
                writer.WriteString("Effect", "Allow");
                writer.WriteString("Action", action);
                writer.WriteStartArray("Resource");
                foreach (string resource in resources)
                {
                    writer.WriteStringValue(resource);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
