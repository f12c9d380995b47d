using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Updates;

namespace Tracker.Cloud.Lambda.Config;

/// <summary>
/// The fleet's groups on AWS: IoT Core static thing groups, through the control plane's REST API (AWS IoT API reference:
/// CreateThingGroup, DescribeThingGroup, UpdateThingGroup, ListThingGroups, ListThingsInThingGroup, AddThingToThingGroup,
/// RemoveThingFromThingGroup, DescribeThing). A group's remote config is kept in its own <c>thingGroupDescription</c> as
/// <c>{"trackerCfg":{shadow name: value}}</c>, written with <c>expectedVersion</c>: it lives and dies with the group,
/// two operators' changes cannot overwrite each other unseen, and it needs no table and no permission beyond the group's
/// own ARN. It fits: the description holds 2,028 printable ASCII characters and a group's config is held to the
/// modem's 1,024-byte delta (System.Text.Json escapes anything outside ASCII). A description that is not that JSON (a
/// group made by hand with a note) reads as no config, and is replaced by the first config change.
/// </summary>
public sealed class ThingGroups
{
    /// <summary>The most cars one group may hold here (as the local host's groups).</summary>
    public const int MaxCars = 10_000;

    /// <summary>The longest <c>thingGroupDescription</c> IoT takes (ThingGroupProperties).</summary>
    public const int MaxDescriptionChars = 2028;

    /// <summary>The description's one property.</summary>
    public const string CfgProperty = "trackerCfg";

    // 250 a page (IoT's largest): 10,000 cars or groups in 40 calls; a longer listing is cut, never looped on forever.
    private const int MaxPages = 41;

    private readonly IotControlPlane _iot;

    /// <summary>Creates the client.</summary>
    /// <param name="iot">The control plane.</param>
    public ThingGroups(IotControlPlane iot)
    {
        ArgumentNullException.ThrowIfNull(iot);
        _iot = iot;
    }

    /// <summary>A thing group's or thing's name as IoT takes it: 1 to 128 of <c>[a-zA-Z0-9:_-]</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>True when IoT would take it.</returns>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= 128 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '-');

    /// <summary>A group's version and stored config, or null when there is no such group.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The group, or null.</returns>
    /// <exception cref="IotControlPlaneException">Refused, unreachable, or malformed.</exception>
    public async Task<StoredGroup?> DescribeAsync(string group, CancellationToken cancellationToken)
    {
        if (!IsName(group))
        {
            return null;
        }

        JsonObject answer;
        try
        {
            answer = await _iot.CallAsync("DescribeThingGroup", HttpMethod.Get, "/thing-groups/" + IotControlPlane.Segment(group), null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return null;
        }

        long version = IotShadows.VersionOf(answer) ?? throw IotControlPlaneException.Malformed("DescribeThingGroup", "the answer has no whole-number version");
        string? description = answer["thingGroupProperties"]?["thingGroupDescription"] is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>() : null;
        return new StoredGroup(group, version, CfgOf(description));
    }

    /// <summary>Creates a static thing group with no config.</summary>
    /// <param name="group">The group (a valid name).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The group as created (version 1).</returns>
    /// <exception cref="IotControlPlaneException">Refused (<see cref="IotFailure.Conflict"/> when it exists with other properties), unreachable.</exception>
    public async Task<StoredGroup> CreateAsync(string group, CancellationToken cancellationToken)
    {
        await _iot.CallAsync("CreateThingGroup", HttpMethod.Post, "/thing-groups/" + IotControlPlane.Segment(group), null, [], cancellationToken).ConfigureAwait(false);
        return new StoredGroup(group, 1, []);
    }

    /// <summary>Stores a group's config, only if the group is still at <paramref name="expectedVersion"/>.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cfg">The whole config, by shadow name.</param>
    /// <param name="expectedVersion">The version read.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="IotControlPlaneException">Refused (<see cref="IotFailure.Conflict"/> when the version moved on), unreachable, or malformed.</exception>
    public async Task<long> StoreCfgAsync(string group, JsonObject cfg, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        string description = Describe(cfg);
        var request = new JsonObject
        {
            ["thingGroupProperties"] = new JsonObject { ["thingGroupDescription"] = description },
            ["expectedVersion"] = expectedVersion,
        };
        JsonObject answer = await _iot.CallAsync("UpdateThingGroup", new HttpMethod("PATCH"), "/thing-groups/" + IotControlPlane.Segment(group), null, request, cancellationToken).ConfigureAwait(false);
        return IotShadows.VersionOf(answer) ?? throw IotControlPlaneException.Malformed("UpdateThingGroup", "the answer has no whole-number version");
    }

    /// <summary>The description a config is stored as.</summary>
    /// <param name="cfg">The config, by shadow name.</param>
    /// <returns>The description (printable ASCII).</returns>
    public static string Describe(JsonObject cfg) => new JsonObject { [CfgProperty] = cfg.DeepClone() }.ToJsonString();

    /// <summary>Every group's name, in IoT's order.</summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The names.</returns>
    /// <exception cref="IotControlPlaneException">Refused, unreachable, or malformed.</exception>
    public async Task<List<string>> AllAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (JsonNode item in PagesAsync("ListThingGroups", "/thing-groups", "thingGroups", cancellationToken).ConfigureAwait(false))
        {
            names.Add(item is JsonObject o && o["groupName"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw IotControlPlaneException.Malformed("ListThingGroups", "thingGroups is not an array of {groupName, groupArn}"));
        }

        return names;
    }

    /// <summary>A group's cars (its things' names), sorted.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The names.</returns>
    /// <exception cref="IotControlPlaneException">Refused (not found), unreachable, or malformed.</exception>
    public async Task<List<string>> MembersAsync(string group, CancellationToken cancellationToken)
    {
        var cars = new List<string>();
        await foreach (JsonNode item in PagesAsync("ListThingsInThingGroup", "/thing-groups/" + IotControlPlane.Segment(group) + "/things", "things", cancellationToken).ConfigureAwait(false))
        {
            cars.Add(item is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw IotControlPlaneException.Malformed("ListThingsInThingGroup", "things is not an array of names"));
        }

        cars.Sort(StringComparer.Ordinal);
        return cars;
    }

    /// <summary>Adds a car to a group, or takes it out.</summary>
    /// <param name="group">The group.</param>
    /// <param name="car">The car.</param>
    /// <param name="add">True to add, false to remove.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>When done.</returns>
    /// <exception cref="IotControlPlaneException">Refused, unreachable.</exception>
    public Task SetMemberAsync(string group, string car, bool add, CancellationToken cancellationToken)
    {
        string operation = add ? "AddThingToThingGroup" : "RemoveThingFromThingGroup";
        var body = new JsonObject { ["thingGroupName"] = group, ["thingName"] = car };
        return _iot.CallAsync(operation, HttpMethod.Put, "/thing-groups/" + (add ? "addThingToThingGroup" : "removeThingFromThingGroup"), null, body, cancellationToken);
    }

    /// <summary>True when the car is a registered thing (DescribeThing answers), false on 404.</summary>
    /// <param name="car">The car.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>Whether it exists.</returns>
    /// <exception cref="IotControlPlaneException">Refused otherwise, unreachable.</exception>
    public async Task<bool> ThingExistsAsync(string car, CancellationToken cancellationToken)
    {
        if (!IsName(car))
        {
            return false;
        }

        try
        {
            await _iot.CallAsync("DescribeThing", HttpMethod.Get, "/things/" + IotControlPlane.Segment(car), null, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return false;
        }
    }

    private static JsonObject CfgOf(string? description)
    {
        if (string.IsNullOrEmpty(description) || description[0] != '{')
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(description, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) is JsonObject { Count: 1 } o && o[CfgProperty] is JsonObject cfg
                ? cfg.DeepClone().AsObject()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async IAsyncEnumerable<JsonNode> PagesAsync(string operation, string path, string name, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        int pages = 0;
        do
        {
            var query = new Dictionary<string, string> { ["maxResults"] = "250" };
            if (token is not null)
            {
                query["nextToken"] = token;
            }

            JsonObject page = await _iot.CallAsync(operation, HttpMethod.Get, path, query, null, cancellationToken).ConfigureAwait(false);
            if (page[name] is not (null or JsonArray) || page["nextToken"] is not (null or JsonValue))
            {
                throw IotControlPlaneException.Malformed(operation, name + " is not an array");
            }

            foreach (JsonNode? item in page[name] as JsonArray ?? [])
            {
                yield return item ?? throw IotControlPlaneException.Malformed(operation, name + " holds a null");
            }

            token = page["nextToken"] is JsonValue next && next.GetValueKind() == JsonValueKind.String && next.GetValue<string>().Length > 0 ? next.GetValue<string>() : null;
        }
        while (token is not null && ++pages < MaxPages);
    }
}
