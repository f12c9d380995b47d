using System.Text.Json;

namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// The policy documents a custom authorizer returns, evaluated as AWS IoT Core evaluates IoT policies (AWS IoT developer
/// guide, "AWS IoT Core policies"): an action on a resource is allowed when some <c>Allow</c> statement names both and no
/// <c>Deny</c> statement does; anything else is denied. Actions match case-insensitively, resources case-sensitively, both
/// with the <c>*</c> and <c>?</c> wildcards. Immutable.
/// </summary>
/// <remarks>
/// Only what the live authorizer writes is understood: <c>Effect</c>, <c>Action</c>, <c>Resource</c> (strings or arrays
/// of strings). A statement with anything else (<c>Condition</c>, <c>NotAction</c>, <c>NotResource</c>) or a resource with
/// a policy variable (<c>${...}</c>) cannot be evaluated here, so it fails closed: such an <c>Allow</c> allows nothing and
/// such a <c>Deny</c> denies everything it might name.
/// </remarks>
public sealed class IotPolicy
{
    /// <summary>The action of connecting with a client id (resource <c>{prefix}:client/{clientId}</c>).</summary>
    public const string Connect = "iot:Connect";

    /// <summary>The action of subscribing (resource <c>{prefix}:topicfilter/{filter}</c>).</summary>
    public const string Subscribe = "iot:Subscribe";

    /// <summary>The action of receiving a message (resource <c>{prefix}:topic/{topic}</c>).</summary>
    public const string Receive = "iot:Receive";

    /// <summary>The action of publishing (resource <c>{prefix}:topic/{topic}</c>).</summary>
    public const string Publish = "iot:Publish";

    private readonly Statement[] _statements;

    private IotPolicy(Statement[] statements) => _statements = statements;

    /// <summary>A policy that allows nothing.</summary>
    public static IotPolicy Empty { get; } = new([]);

    /// <summary>How many statements the documents held.</summary>
    public int StatementCount => _statements.Length;

    /// <summary>Reads policy documents (JSON text each). Never throws on their content.</summary>
    /// <param name="documents">The documents.</param>
    /// <param name="policy">The policy, when every document is a JSON object with a <c>Statement</c>.</param>
    /// <param name="error">Why not, or empty.</param>
    /// <returns>True when read.</returns>
    public static bool TryParse(IReadOnlyList<string> documents, out IotPolicy? policy, out string error)
    {
        ArgumentNullException.ThrowIfNull(documents);
        policy = null;
        var statements = new List<Statement>();
        foreach (string document in documents)
        {
            try
            {
                using JsonDocument parsed = JsonDocument.Parse(document ?? string.Empty);
                JsonElement root = parsed.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out JsonElement list))
                {
                    error = "a policy document is not an object with a Statement";
                    return false;
                }

                foreach (JsonElement item in list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : new[] { list }.AsEnumerable())
                {
                    if (!TryReadStatement(item, out Statement statement, out error))
                    {
                        return false;
                    }

                    statements.Add(statement);
                }
            }
            catch (JsonException e)
            {
                error = "a policy document is not JSON: " + e.Message;
                return false;
            }
        }

        policy = new IotPolicy([.. statements]);
        error = string.Empty;
        return true;
    }

    /// <summary>Is <paramref name="action"/> on <paramref name="resource"/> allowed?</summary>
    /// <param name="action">The action, such as <see cref="Subscribe"/>.</param>
    /// <param name="resource">The full resource ARN.</param>
    /// <returns>True when an Allow names it and no Deny does.</returns>
    public bool IsAllowed(string action, string resource)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(resource);
        // The broker runs this for every delivery to a browser: plain loops, nothing allocated.
        bool allowed = false;
        foreach (Statement s in _statements)
        {
            bool actionNamed = NamesAction(s, action);
            bool named = actionNamed && NamesResource(s, resource);
            if (s.Deny && (named || (s.Unsupported && actionNamed)))
            {
                return false;
            }

            allowed |= !s.Deny && !s.Unsupported && named;
        }

        return allowed;
    }

    private static bool NamesAction(Statement s, string action)
    {
        foreach (string a in s.Actions)
        {
            if (Wildcard.IsMatch(a, action, ignoreCase: true))
            {
                return true;
            }
        }

        return false;
    }

    private static bool NamesResource(Statement s, string resource)
    {
        // A renter's documents name each car's topics exactly: one lookup instead of a scan of them all.
        if (s.ExactResources.Contains(resource))
        {
            return true;
        }

        foreach (string r in s.PatternResources)
        {
            if (!r.Contains("${", StringComparison.Ordinal) && Wildcard.IsMatch(r, resource, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadStatement(JsonElement item, out Statement statement, out string error)
    {
        statement = default;
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("Effect", out JsonElement effect) || effect.ValueKind != JsonValueKind.String
            || effect.GetString() is not ("Allow" or "Deny"))
        {
            error = "a statement has no Effect of Allow or Deny";
            return false;
        }

        bool unsupported = item.EnumerateObject().Any(p => p.Name is not ("Effect" or "Action" or "Resource" or "Sid"));
        string[]? actions = Strings(item, "Action");
        string[]? resources = Strings(item, "Resource");
        if (actions is null || (resources is null && !unsupported))
        {
            error = "a statement's Action or Resource is not a string or an array of strings";
            return false;
        }

        resources ??= ["*"];
        string[] patterns = resources.Where(r => r.Contains('*', StringComparison.Ordinal) || r.Contains('?', StringComparison.Ordinal)).ToArray();
        var exact = resources.Where(r => !patterns.Contains(r) && !r.Contains("${", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        statement = new Statement(effect.GetString() == "Deny", actions, exact, patterns, unsupported);
        error = string.Empty;
        return true;
    }

    private static string[]? Strings(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            return null;
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToArray();
    }

    private readonly record struct Statement(bool Deny, string[] Actions, HashSet<string> ExactResources, string[] PatternResources, bool Unsupported);
}
