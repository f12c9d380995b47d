using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracker.Cloud.Testing;

/// <summary>
/// A stand-in on 127.0.0.1 (a free port) for the two IoT Core REST APIs the API function's config routes call, at one
/// endpoint: the control plane's registry (signing name <c>iot</c>: DescribeThing, CreateThingGroup, DescribeThingGroup,
/// UpdateThingGroup with <c>expectedVersion</c>, ListThingGroups, ListThingsInThingGroup, AddThingToThingGroup,
/// RemoveThingFromThingGroup) and the data plane's classic shadows (signing name <c>iotdata</c>: GetThingShadow,
/// UpdateThingShadow), as the AWS IoT API reference and the developer guide's "Device Shadow REST API" describe them:
/// a shadow's version starts at 1 and grows with each update, GetThingShadow of a car with none is 404
/// <c>ResourceNotFoundException</c>, an update whose <c>version</c> is not the current one is 409
/// <c>ConflictException</c>, a desired null deletes the key, and <c>delta</c> is what desired holds that reported does
/// not. Every request's SigV4 signature is recomputed (<see cref="LoopbackSigV4"/>) and a wrong one is 403. A test sets
/// a car's reported state with <see cref="SetReported"/> and injects failures with <see cref="FailNext"/> and
/// <see cref="AnswerNext"/>. Serves at most 2,000 requests and stops after 120 s or when disposed.
/// </summary>
public sealed class LoopbackIotThings : IAsyncDisposable
{
    /// <summary>The account in the ARNs it makes.</summary>
    public const string Account = "123456789012";

    private readonly object _gate = new();
    private readonly string _region;
    private readonly string _secret;
    private readonly HashSet<string> _things = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shadow> _shadows = new(StringComparer.Ordinal);
    private readonly HashSet<string> _moveOnNext = new(StringComparer.Ordinal);
    private readonly LoopbackAwsListener _server;
    private long _clock = 1_796_000_000;

    /// <summary>Starts listening.</summary>
    /// <param name="region">The region requests must be signed for.</param>
    /// <param name="secret">The secret key requests must be signed with.</param>
    public LoopbackIotThings(string region, string secret)
    {
        _region = region;
        _secret = secret;
        _server = new LoopbackAwsListener(2000, TimeSpan.FromSeconds(120), Signed, Route);
    }

    /// <summary>The endpoint, <c>http://127.0.0.1:{port}/</c>: the control plane and the data plane both.</summary>
    public Uri Endpoint => _server.Endpoint;

    /// <summary>Each request: its method, target and signature verdict (<c>POST /things/car-1/shadow ok</c>).</summary>
    public ConcurrentQueue<string> Requests => _server.Requests;

    /// <summary>Registers things (cars) with no shadow.</summary>
    /// <param name="things">The names.</param>
    public void AddThings(params string[] things)
    {
        lock (_gate)
        {
            _things.UnionWith(things);
        }
    }

    /// <summary>Sets a car's reported state, as the car's own update would (creating the shadow, raising its version).</summary>
    /// <param name="thing">The car.</param>
    /// <param name="reported">The reported state.</param>
    public void SetReported(string thing, JsonObject reported)
    {
        lock (_gate)
        {
            Shadow shadow = _shadows.TryGetValue(thing, out Shadow? s) ? s : _shadows[thing] = new Shadow();
            Merge(shadow.Reported, reported);
            shadow.Version++;
        }
    }

    /// <summary>A car's shadow document as GetThingShadow answers it, or null when it has none.</summary>
    /// <param name="thing">The car.</param>
    /// <returns>The document.</returns>
    public JsonObject? ShadowOf(string thing)
    {
        lock (_gate)
        {
            return _shadows.TryGetValue(thing, out Shadow? shadow) ? Document(shadow) : null;
        }
    }

    /// <summary>A group's description and version, or null when there is no such group.</summary>
    /// <param name="group">The group.</param>
    /// <returns>The description (null for none) and version.</returns>
    public (string? Description, long Version)? GroupOf(string group)
    {
        lock (_gate)
        {
            return _groups.TryGetValue(group, out Group? g) ? (g.Description, g.Version) : null;
        }
    }

    /// <summary>Sets a group's description behind the API's back (an operator's console edit), raising its version.</summary>
    /// <param name="group">The group, created when missing.</param>
    /// <param name="description">The description.</param>
    public void Describe(string group, string? description)
    {
        lock (_gate)
        {
            Group g = _groups.TryGetValue(group, out Group? found) ? found : _groups[group] = new Group();
            g.Description = description;
            g.Version++;
        }
    }

    /// <summary>Raises a car's shadow version just before its next UpdateThingShadow is answered, as the car's own report
    /// landing between the API's read and its write would: an update carrying the version read is then a 409.</summary>
    /// <param name="thing">The car.</param>
    public void MoveOnBeforeNextUpdate(string thing)
    {
        lock (_gate)
        {
            _moveOnNext.Add(thing);
        }
    }

    /// <summary>Answers the next request with an AWS error instead.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorType">The <c>x-amzn-ErrorType</c>.</param>
    public void FailNext(int status, string errorType) => _server.FailNext(status, errorType);

    /// <summary>Answers the next request with these bytes (status 200): a malformed answer.</summary>
    /// <param name="body">The body.</param>
    public void AnswerNext(string body) => _server.AnswerNext(body);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // The shadows are the data plane's, signed as iotdata; the rest is the control plane's, signed as iot.
    private bool Signed(HttpListenerRequest request, string path, string query, byte[] body) =>
        LoopbackSigV4.Holds(request, path, query, body, _region, _secret, IsShadow(path.Split('/', StringSplitOptions.RemoveEmptyEntries)) ? "iotdata" : "iot");

    private static bool IsShadow(string[] s) => s.Length == 3 && s[0] == "things" && s[2] == "shadow";

    private (int Status, string? ErrorType, string Body) Route(string method, string[] s, Dictionary<string, string> query, byte[] bytes)
    {
        lock (_gate)
        {
            return Route(method, s, query, Parse(bytes));
        }
    }

    private (int Status, string? ErrorType, string Body) Route(string method, string[] s, Dictionary<string, string> query, JsonObject? body)
    {
        switch (method, s.Length, s.ElementAtOrDefault(0), s.ElementAtOrDefault(1), s.ElementAtOrDefault(2))
        {
            case ("GET", 3, "things", _, "shadow"):
                return _shadows.TryGetValue(s[1], out Shadow? found) ? Ok(Document(found)) : NotFound("No shadow exists with name: '" + s[1] + "'");
            case ("POST", 3, "things", _, "shadow"):
                return UpdateShadow(s[1], body);
            case ("GET", 2, "things", _, _):
                return _things.Contains(s[1]) ? Ok(new JsonObject { ["thingName"] = s[1], ["thingArn"] = Arn("thing/" + s[1]), ["version"] = 1 }) : NotFound("Thing " + s[1] + " cannot be found.");
            case ("GET", 1, "thing-groups", _, _):
                return Ok(LoopbackAwsListener.Page("thingGroups", _groups.Keys.Select(g => (JsonNode)new JsonObject { ["groupName"] = g, ["groupArn"] = Arn("thinggroup/" + g) }).ToList(), query));
            case ("PUT", 2, "thing-groups", "addThingToThingGroup" or "removeThingFromThingGroup", _):
                return Membership(s[1] == "addThingToThingGroup", body);
            case ("GET", 2, "thing-groups", _, _):
                return _groups.TryGetValue(s[1], out Group? group) ? Ok(DescribeGroup(s[1], group)) : NotFound("Thing group " + s[1] + " does not exist");
            case ("POST", 2, "thing-groups", _, _):
                if (_groups.ContainsKey(s[1]))
                {
                    return (409, "ResourceAlreadyExistsException", "{\"message\":\"Thing group " + s[1] + " already exists with different tags\"}");
                }

                _groups[s[1]] = new Group { Description = body?["thingGroupProperties"]?["thingGroupDescription"]?.GetValue<string>() };
                return Ok(new JsonObject { ["thingGroupName"] = s[1], ["thingGroupArn"] = Arn("thinggroup/" + s[1]), ["thingGroupId"] = Guid.NewGuid().ToString() });
            case ("PATCH", 2, "thing-groups", _, _):
                return UpdateGroup(s[1], body);
            case ("GET", 3, "thing-groups", _, "things"):
                return _groups.TryGetValue(s[1], out Group? listed) ? Ok(LoopbackAwsListener.Page("things", listed.Members.Select(m => (JsonNode)m).ToList(), query)) : NotFound("Thing group " + s[1] + " does not exist");
            default:
                return (400, "InvalidRequestException", "{\"message\":\"no such operation: " + method + " /" + string.Join('/', s) + "\"}");
        }
    }

    private (int, string?, string) UpdateShadow(string thing, JsonObject? body)
    {
        if (body?["state"] is not JsonObject state || state["desired"] is not (null or JsonObject) || body["version"] is not (null or JsonValue))
        {
            return (400, "InvalidRequestException", "{\"message\":\"Invalid JSON\"}");
        }

        _shadows.TryGetValue(thing, out Shadow? shadow);
        if (shadow is not null && _moveOnNext.Remove(thing))
        {
            shadow.Version++;
        }

        if (body["version"] is JsonValue version && (shadow is null || version.GetValue<long>() != shadow.Version))
        {
            return (409, "ConflictException", "{\"message\":\"Version conflict\"}");
        }

        shadow ??= _shadows[thing] = new Shadow();
        if (state["desired"] is JsonObject desired)
        {
            Merge(shadow.Desired, desired);
        }

        shadow.Version++;
        return Ok(new JsonObject { ["state"] = state.DeepClone(), ["metadata"] = new JsonObject(), ["version"] = shadow.Version, ["timestamp"] = ++_clock });
    }

    private (int, string?, string) UpdateGroup(string name, JsonObject? body)
    {
        if (!_groups.TryGetValue(name, out Group? group))
        {
            return NotFound("Thing group " + name + " does not exist");
        }

        if (body?["expectedVersion"] is JsonValue expected && expected.GetValue<long>() != group.Version)
        {
            return (409, "VersionConflictException", "{\"message\":\"The version for thing group " + name + " does not match the expected version.\"}");
        }

        string? description = body?["thingGroupProperties"]?["thingGroupDescription"]?.GetValue<string>();
        if (description is { Length: > 2028 } || (description is not null && description.Any(c => c is < ' ' or > '~')))
        {
            return (400, "InvalidRequestException", "{\"message\":\"thingGroupDescription: at most 2028 printable characters\"}");
        }

        group.Description = description ?? group.Description;
        group.Version++;
        return Ok(new JsonObject { ["version"] = group.Version });
    }

    private (int, string?, string) Membership(bool add, JsonObject? body)
    {
        string? name = body?["thingGroupName"]?.GetValue<string>();
        string? thing = body?["thingName"]?.GetValue<string>();
        if (name is null || !_groups.TryGetValue(name, out Group? group))
        {
            return NotFound("Thing group " + name + " does not exist");
        }

        if (thing is null || !_things.Contains(thing))
        {
            return NotFound("Thing " + thing + " cannot be found.");
        }

        if (add)
        {
            group.Members.Add(thing);
        }
        else
        {
            group.Members.Remove(thing);
        }

        return Ok([]);
    }

    private JsonObject DescribeGroup(string name, Group group)
    {
        var properties = new JsonObject();
        if (group.Description is not null)
        {
            properties["thingGroupDescription"] = group.Description;
        }

        return new JsonObject
        {
            ["thingGroupName"] = name,
            ["thingGroupArn"] = Arn("thinggroup/" + name),
            ["version"] = group.Version,
            ["thingGroupProperties"] = properties,
            ["thingGroupMetadata"] = new JsonObject { ["creationDate"] = 1_796_000_000 },
        };
    }

    private JsonObject Document(Shadow shadow)
    {
        var state = new JsonObject();
        if (shadow.Desired.Count > 0)
        {
            state["desired"] = shadow.Desired.DeepClone();
        }

        if (shadow.Reported.Count > 0)
        {
            state["reported"] = shadow.Reported.DeepClone();
        }

        if (Delta(shadow.Desired, shadow.Reported) is { Count: > 0 } delta)
        {
            state["delta"] = delta;
        }

        return new JsonObject { ["state"] = state, ["metadata"] = new JsonObject(), ["version"] = shadow.Version, ["timestamp"] = ++_clock };
    }

    // What desired holds that reported does not (the developer guide's delta state), objects compared member by member.
    private static JsonObject Delta(JsonObject desired, JsonObject reported)
    {
        var delta = new JsonObject();
        foreach ((string key, JsonNode? value) in desired)
        {
            JsonNode? other = reported[key];
            if (value is JsonObject inner && other is JsonObject otherInner)
            {
                if (Delta(inner, otherInner) is { Count: > 0 } nested)
                {
                    delta[key] = nested;
                }
            }
            else if (!JsonNode.DeepEquals(value, other))
            {
                delta[key] = value?.DeepClone();
            }
        }

        return delta;
    }

    // A shadow update's merge: objects merge member by member, a null deletes, anything else replaces.
    private static void Merge(JsonObject into, JsonObject change)
    {
        foreach ((string key, JsonNode? value) in change)
        {
            if (value is null)
            {
                into.Remove(key);
            }
            else if (value is JsonObject inner && into[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                into[key] = value.DeepClone();
            }
        }
    }

    private static JsonObject? Parse(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string Arn(string resource) => "arn:aws:iot:" + _region + ":" + Account + ":" + resource;

    private static (int, string?, string) Ok(JsonObject body) => (200, null, body.ToJsonString());

    private static (int, string?, string) NotFound(string message) => (404, "ResourceNotFoundException", new JsonObject { ["message"] = message }.ToJsonString());

    private sealed class Group
    {
        public long Version { get; set; } = 1;

        public string? Description { get; set; }

        public SortedSet<string> Members { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Shadow
    {
        public JsonObject Desired { get; } = [];

        public JsonObject Reported { get; } = [];

        public long Version { get; set; }
    }
}
