using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Config;
using Tracker.Cloud.Lambda.Config;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Updates;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// Remote config and groups on AWS (issue 18), beside <see cref="ApiHandler"/>'s routes, with the local host's paths,
/// JSON and problems (Tracker.Cloud.Local ConfigEndpoints) so the web app's Remote config panel works on either:
/// <c>GET|PUT /cars/{carId}/config</c>, <c>GET /groups</c>, <c>PUT /groups/{group}</c> (<c>{"cars":[...]}</c>),
/// <c>GET|PUT /groups/{group}/config</c>. Operators only. A car's config is its classic shadow's desired <c>cfg</c>
/// (<see cref="IotShadows"/>), a group is a static thing group (<see cref="ThingGroups"/>). A change is checked by
/// <see cref="DesiredConfig"/> (the keys the car takes remotely, their JSON types, the modem's 1,024-byte delta) and
/// written with the shadow version it was checked against, so a change made meanwhile is never overwritten unseen
/// (409). A group's config is checked for every car before any is written, stored in the thing group, and written to
/// a car when it joins the group later. IoT's refusals become problems as for rollouts (<see cref="RolloutsApi.IotProblem"/>).
/// </summary>
public sealed class ConfigApi : IApiRoutes
{
    private static readonly ProblemType BadConfig = new("/problems/bad-config", "Config change refused", 422);
    private static readonly ProblemType Conflict = new("/problems/conflict", "The shadow changed meanwhile", 409);
    private static readonly ProblemType TooLarge = new("/problems/too-large", "Request too large", 413);
    private static readonly ProblemType NoCar = new("/problems/no-car", "No such car", 404);
    private static readonly ProblemType NoGroup = new("/problems/no-group", "No such group", 404);
    private static readonly ProblemType BadGroupName = new("/problems/bad-group", "Bad group name", 400);
    private static readonly ProblemType MalformedGroup = new("/problems/bad-group", "Malformed group", 400);

    private readonly ThingGroups _groups;
    private readonly IotShadows _shadows;

    /// <summary>Creates the routes.</summary>
    /// <param name="groups">The thing groups (control plane).</param>
    /// <param name="shadows">The cars' shadows (data plane).</param>
    public ConfigApi(ThingGroups groups, IotShadows shadows)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(shadows);
        _groups = groups;
        _shadows = shadows;
    }

    /// <inheritdoc/>
    public bool SignedIn => true;

    /// <summary>True when the path is one of these routes (<c>/groups/{group}/rollouts</c> is <see cref="RolloutsApi"/>'s).</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this class answers.</returns>
    public bool Owns(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return (segments.Count is 1 or 2 && segments[0] == "groups")
            || (segments.Count == 3 && segments[2] == "config" && segments[0] is "groups" or "cars");
    }

    /// <inheritdoc/>
    public async Task<HttpApiResponse> HandleAsync(ApiCall call, Identity? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(caller);
        (HttpApiRequest request, IReadOnlyList<string> segments, string method, string instance) = call;
        if (!caller.IsOperator)
        {
            return call.Problem(ProblemType.Forbidden, "Only an operator may read or change the cars' configuration and groups.");
        }

        string allowed = segments.Count == 1 ? "GET" : segments.Count == 2 ? "PUT" : "GET, PUT";
        if (call.Allow(allowed) is { } refused)
        {
            return refused;
        }

        try
        {
            return (segments.Count, segments[0], method) switch
            {
                (1, _, _) => Json(200, new JsonObject { ["groups"] = await ListAsync(cancellationToken).ConfigureAwait(false) }),
                (2, _, _) => await WriteGroupAsync(request, segments[1], instance, cancellationToken).ConfigureAwait(false),
                (_, "cars", "GET") => await ReadCarAsync(segments[1], instance, cancellationToken).ConfigureAwait(false),
                (_, "cars", _) => await WriteCarAsync(request, segments[1], instance, cancellationToken).ConfigureAwait(false),
                (_, _, "GET") => await ReadGroupAsync(segments[1], instance, cancellationToken).ConfigureAwait(false),
                _ => await WriteGroupConfigAsync(request, segments[1], instance, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (IotControlPlaneException e)
        {
            return RolloutsApi.IotProblem(e, instance);
        }
    }

    private async Task<JsonArray> ListAsync(CancellationToken cancellationToken)
    {
        var groups = new JsonArray();
        foreach (string group in (await _groups.AllAsync(cancellationToken).ConfigureAwait(false)).Order(StringComparer.Ordinal))
        {
            List<string> cars = await _groups.MembersAsync(group, cancellationToken).ConfigureAwait(false);
            groups.Add((JsonNode)new JsonObject { ["group"] = group, ["cars"] = Names(cars) });
        }

        return groups;
    }

    private async Task<HttpApiResponse> ReadCarAsync(string carId, string instance, CancellationToken cancellationToken)
    {
        (bool known, JsonObject? document) = await ShadowAsync(carId, cancellationToken).ConfigureAwait(false);
        return known ? Json(200, ConfigView.Of(carId, document)) : Missing(carId, instance);
    }

    private async Task<HttpApiResponse> WriteCarAsync(HttpApiRequest request, string carId, string instance, CancellationToken cancellationToken)
    {
        (bool known, JsonObject? document) = await ShadowAsync(carId, cancellationToken).ConfigureAwait(false);
        if (!known)
        {
            return Missing(carId, instance);
        }

        if (!TryBody(request, out byte[] body))
        {
            return Large(instance);
        }

        if (!DesiredConfig.TryRead(body, DesiredCfg(document), out _, out JsonObject change, out string error))
        {
            return ApiHandler.Problem(BadConfig.With(carId + ": " + error, instance));
        }

        if (await WriteAsync(carId, document, change, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return ApiHandler.Problem(Conflict.With(failure, instance));
        }

        return Json(202, ConfigView.Of(carId, await _shadows.GetAsync(carId, cancellationToken).ConfigureAwait(false)));
    }

    private async Task<HttpApiResponse> WriteGroupAsync(HttpApiRequest request, string group, string instance, CancellationToken cancellationToken)
    {
        if (!ThingGroups.IsName(group))
        {
            return ApiHandler.Problem(BadGroupName.With("A group name is 1 to 128 letters, digits, ':', '_' or '-'.", instance));
        }

        if (!TryBody(request, out byte[] body))
        {
            return Large(instance);
        }

        if (!TryCars(body, out string[] cars))
        {
            return ApiHandler.Problem(MalformedGroup.With("the body must be {\"cars\":[\"car-0001\",...]} with at most " + ThingGroups.MaxCars + " cars", instance));
        }

        StoredGroup? stored = await _groups.DescribeAsync(group, cancellationToken).ConfigureAwait(false);
        List<string> before = stored is null ? [] : await _groups.MembersAsync(group, cancellationToken).ConfigureAwait(false);
        string[] joining = cars.Except(before, StringComparer.Ordinal).ToArray();
        foreach (string car in joining)
        {
            if (!await _groups.ThingExistsAsync(car, cancellationToken).ConfigureAwait(false))
            {
                return ApiHandler.Problem(new ProblemType("/problems/no-car", "No such car", 422).With("No car '" + Clip(car) + "' is registered in IoT; the group is unchanged.", instance));
            }
        }

        stored ??= await _groups.CreateAsync(group, cancellationToken).ConfigureAwait(false);
        foreach (string car in before.Except(cars, StringComparer.Ordinal))
        {
            await _groups.SetMemberAsync(group, car, add: false, cancellationToken).ConfigureAwait(false);
        }

        // A car that joins gets the group's config, checked against its own desired config as any change is.
        var failed = new JsonArray();
        byte[] groupChange = Encoding.UTF8.GetBytes(new JsonObject { ["cfg"] = stored.Cfg.DeepClone() }.ToJsonString());
        foreach (string car in joining)
        {
            await _groups.SetMemberAsync(group, car, add: true, cancellationToken).ConfigureAwait(false);
            if (stored.Cfg.Count > 0 && await ConfigureAsync(car, groupChange, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failed.Add((JsonNode?)JsonValue.Create(failure));
            }
        }

        return Json(200, new JsonObject { ["group"] = group, ["cars"] = Names(cars), ["failed"] = failed });
    }

    private async Task<HttpApiResponse> ReadGroupAsync(string group, string instance, CancellationToken cancellationToken)
    {
        if (await _groups.DescribeAsync(group, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return ApiHandler.Problem(NoGroup.With("No group '" + Clip(group) + "'.", instance));
        }

        var views = new JsonArray();
        foreach (string car in await _groups.MembersAsync(group, cancellationToken).ConfigureAwait(false))
        {
            views.Add((JsonNode)ConfigView.Of(car, await _shadows.GetAsync(car, cancellationToken).ConfigureAwait(false)));
        }

        return Json(200, new JsonObject { ["group"] = group, ["desired"] = ConfigView.ByKey(stored.Cfg), ["cars"] = views });
    }

    private async Task<HttpApiResponse> WriteGroupConfigAsync(HttpApiRequest request, string group, string instance, CancellationToken cancellationToken)
    {
        if (await _groups.DescribeAsync(group, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return ApiHandler.Problem(NoGroup.With("No group '" + Clip(group) + "'.", instance));
        }

        if (!TryBody(request, out byte[] body))
        {
            return Large(instance);
        }

        if (!DesiredConfig.TryRead(body, stored.Cfg, out JsonObject groupCfg, out _, out string invalid))
        {
            return ApiHandler.Problem(BadConfig.With(invalid, instance));
        }

        // Every car first: a change that one car's desired config cannot take is written to none.
        var writes = new List<(string Car, JsonObject? Document, JsonObject Change)>();
        foreach (string car in await _groups.MembersAsync(group, cancellationToken).ConfigureAwait(false))
        {
            JsonObject? document = await _shadows.GetAsync(car, cancellationToken).ConfigureAwait(false);
            if (!DesiredConfig.TryRead(body, DesiredCfg(document), out _, out JsonObject change, out string error))
            {
                return ApiHandler.Problem(BadConfig.With(car + ": " + error + " (no car of the group was changed)", instance));
            }

            writes.Add((car, document, change));
        }

        // Then the group's own record, so a car that joins later gets it; a change stored meanwhile refuses this one.
        try
        {
            await _groups.StoreCfgAsync(group, groupCfg, stored.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.Conflict)
        {
            return ApiHandler.Problem(Conflict.With("Group '" + group + "' changed meanwhile; read its config again and retry (no car of the group was changed).", instance));
        }

        var written = new JsonArray();
        var failed = new JsonArray();
        foreach ((string car, JsonObject? document, JsonObject change) in writes)
        {
            if (await WriteAsync(car, document, change, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failed.Add((JsonNode?)JsonValue.Create(failure));
            }
            else
            {
                written.Add((JsonNode)ConfigView.Of(car, await _shadows.GetAsync(car, cancellationToken).ConfigureAwait(false)));
            }
        }

        return Json(failed.Count == 0 ? 202 : 409, new JsonObject { ["group"] = group, ["cars"] = written, ["failed"] = failed });
    }

    // A car's shadow, and whether the car exists: a car with no shadow yet is known when IoT has its thing.
    private async Task<(bool Known, JsonObject? Document)> ShadowAsync(string carId, CancellationToken cancellationToken)
    {
        if (!ThingGroups.IsName(carId))
        {
            return (false, null);
        }

        JsonObject? document = await _shadows.GetAsync(carId, cancellationToken).ConfigureAwait(false);
        return (document is not null || await _groups.ThingExistsAsync(carId, cancellationToken).ConfigureAwait(false), document);
    }

    // Reads the car's shadow, checks the change against it and writes it; null when written, else why not.
    private async Task<string?> ConfigureAsync(string car, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            JsonObject? document = await _shadows.GetAsync(car, cancellationToken).ConfigureAwait(false);
            return DesiredConfig.TryRead(body, DesiredCfg(document), out _, out JsonObject change, out string error)
                ? await WriteAsync(car, document, change, cancellationToken).ConfigureAwait(false)
                : car + ": " + error;
        }
        catch (IotControlPlaneException e)
        {
            return car + ": " + e.Message;
        }
    }

    // Writes the change with the version read, so a change made meanwhile (whose budget was not checked with this one)
    // is not overwritten unseen; null when written, or why not. Only a per-car refusal is caught: IoT being down or
    // refusing the function is the whole request's failure.
    private async Task<string?> WriteAsync(string car, JsonObject? document, JsonObject change, CancellationToken cancellationToken)
    {
        try
        {
            await _shadows.SetDesiredCfgAsync(car, change, IotShadows.VersionOf(document), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (IotControlPlaneException e) when (e.Kind is IotFailure.Conflict or IotFailure.NotFound)
        {
            return car + ": " + e.Message + "; read the config again and retry";
        }
    }

    private static JsonObject? DesiredCfg(JsonObject? document) => document?["state"]?["desired"]?["cfg"] as JsonObject;

    // The body's bytes (base64 decoded when API Gateway encoded it); false when over DesiredConfig.MaxBodyBytes. Bytes that
    // are not base64 stay as they are, and DesiredConfig refuses them as not JSON.
    private static bool TryBody(HttpApiRequest request, out byte[] body)
    {
        string text = request.Body ?? string.Empty;
        body = [];
        if (text.Length > (DesiredConfig.MaxBodyBytes / 3 * 4) + 4 || (!request.IsBase64Encoded && text.Length > DesiredConfig.MaxBodyBytes))
        {
            return false;
        }

        try
        {
            body = request.IsBase64Encoded ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        }
        catch (FormatException)
        {
            body = Encoding.UTF8.GetBytes(text);
        }

        return body.Length <= DesiredConfig.MaxBodyBytes;
    }

    // {"cars":[names]}: one property, at most MaxCars strings; distinct and sorted (a name IoT would not take is no car).
    private static bool TryCars(byte[] body, out string[] cars)
    {
        cars = [];
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(body) || body.Length == 0
                || JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) is not JsonObject { Count: 1 } o
                || o["cars"] is not JsonArray list || list.Count > ThingGroups.MaxCars
                || list.Any(n => n is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            {
                return false;
            }

            cars = list.Select(n => n!.GetValue<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static HttpApiResponse Missing(string carId, string instance) =>
        ApiHandler.Problem(NoCar.With("No car '" + Clip(carId) + "' is registered in IoT.", instance));

    private static HttpApiResponse Large(string instance) =>
        ApiHandler.Problem(TooLarge.With("A config change is at most " + DesiredConfig.MaxBodyBytes + " bytes.", instance));

    private static JsonArray Names(IEnumerable<string> names) => new([.. names.Select(n => (JsonNode)n!)]);

    private static HttpApiResponse Json(int status, JsonObject body)
    {
        var response = new HttpApiResponse { StatusCode = status, Body = body.ToJsonString() };
        response.Headers["content-type"] = "application/json";
        response.Headers["cache-control"] = "no-store";
        return response;
    }

    private static string Clip(string text) => TimeParameter.Clip(text);
}
