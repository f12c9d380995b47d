using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Config;
using Tracker.Cloud.Local.Broker;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Shadow;
using Tracker.Core.Control;
using Tracker.Provisioning.Bundles;

namespace Tracker.Cloud.Local.Http;

/// <summary>
/// Remote configuration for operators (issue 18; firmware Control/README.md §1): a car's or a group's desired config
/// written into the cars' device shadows, which the broker turns into deltas for the cars, and each car's applied
/// config, version, pending restart keys and last refusal read back from its reported state. Operators only.
/// </summary>
/// <remarks>
/// <c>GET|PUT /cars/{carId}/config</c>, <c>GET /groups</c>, <c>PUT /groups/{group}</c> (<c>{"cars":[...]}</c>),
/// <c>GET|PUT /groups/{group}/config</c>. A change is <c>{"cfg":{key: value}}</c> by tracker.conf key or shadow name
/// (<see cref="DesiredConfig"/>); a group's change is checked for every car before any is written.
/// </remarks>
public static class ConfigEndpoints
{
    /// <summary>Maps the routes.</summary>
    /// <param name="app">The routes.</param>
    /// <param name="tokens">The bearer token check.</param>
    /// <param name="shadows">The cars' shadows.</param>
    /// <param name="broker">Publishes what the shadows answer (the cars' deltas).</param>
    /// <param name="pki">Knows which cars exist (a provisioned bundle).</param>
    /// <param name="groups">The groups.</param>
    public static void Map(IEndpointRouteBuilder app, IApiTokens tokens, ShadowService shadows, EmbeddedBroker broker, LocalPki pki, CarGroups groups)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/cars/{carId}/config", (HttpContext c, string carId) => Guarded(c, tokens, () => Task.FromResult(ReadCar(c, carId, shadows, pki))));
        app.MapPut("/cars/{carId}/config", (HttpContext c, string carId) => Guarded(c, tokens, () => WriteCarAsync(c, carId, shadows, broker, pki)));
        app.MapGet("/groups", (Delegate)((HttpContext c) => Guarded(c, tokens, () => Task.FromResult(Results.Json(
            new JsonObject { ["groups"] = new JsonArray(groups.All().Select(g => (JsonNode)new JsonObject { ["group"] = g.Key, ["cars"] = new JsonArray(g.Value.Select(v => (JsonNode)v!).ToArray()) }).ToArray()) })))));
        app.MapPut("/groups/{group}", (HttpContext c, string group) => Guarded(c, tokens, () => WriteGroupAsync(c, group, groups, shadows, broker, pki)));
        app.MapGet("/groups/{group}/config", (HttpContext c, string group) => Guarded(c, tokens, () => Task.FromResult(ReadGroup(c, group, groups, shadows, pki))));
        app.MapPut("/groups/{group}/config", (HttpContext c, string group) => Guarded(c, tokens, () => WriteGroupConfigAsync(c, group, groups, shadows, broker, pki)));
    }

    /// <summary>A car's config as an operator sees it, from its shadow document (<see cref="ConfigView.Of"/>).</summary>
    /// <param name="carId">The car.</param>
    /// <param name="document">Its shadow document (get/accepted's shape), or null when it has none yet.</param>
    /// <returns>The view.</returns>
    public static JsonObject View(string carId, JsonObject? document) => ConfigView.Of(carId, document);

    internal static async Task<IResult> Guarded(HttpContext context, IApiTokens tokens, Func<Task<IResult>> action)
    {
        context.Response.Headers.CacheControl = "no-store";
        string path = context.Request.Path.Value ?? "/";
        string? authorization = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(authorization))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return LocalEndpoints.Problem(401, "unauthenticated", "Unauthenticated", "The cars' configuration and updates need an operator's bearer token.", path);
        }

        ApiTokenCheck token = await tokens.CheckAsync(authorization, context.RequestAborted).ConfigureAwait(false);
        if (token.Outcome == ApiTokenOutcome.Unavailable)
        {
            context.Response.Headers.RetryAfter = "5";
            return LocalEndpoints.Problem(503, "unavailable", "Sign-in cannot be checked now", token.Detail, path);
        }

        if (!token.IsValid)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return LocalEndpoints.Problem(401, "unauthenticated", "Unauthenticated", "The bearer token was refused: " + token.Detail, path);
        }

        if (!IdentityClaims.TryRead(token.Claims, out Identity? identity, out _) || !identity!.Roles.HasFlag(Role.Operator))
        {
            return LocalEndpoints.Problem(403, "forbidden", "Operators only", "Only an operator may read or change the cars' configuration and updates.", path);
        }

        return await action().ConfigureAwait(false);
    }

    internal static bool Known(string carId, LocalPki pki) =>
        CarGroups.IsValidCarId(carId) && File.Exists(Path.Combine(pki.BundlesDirectory, carId, BundleFiles.Identity));

    internal static IResult NoCar(HttpContext c, string carId) =>
        LocalEndpoints.Problem(404, "no-car", "No such car", "No car '" + Shorten(carId) + "' is provisioned on this host.", c.Request.Path.Value ?? "/");

    private static IResult ReadCar(HttpContext c, string carId, ShadowService shadows, LocalPki pki) =>
        Known(carId, pki) ? Results.Json(View(carId, shadows.Read(carId))) : NoCar(c, carId);

    private static async Task<(byte[]? Body, IResult? Problem)> ReadBodyAsync(HttpContext c)
    {
        if (c.Request.ContentLength is > DesiredConfig.MaxBodyBytes)
        {
            return (null, LocalEndpoints.Problem(413, "too-large", "Request too large", "A config change is at most " + DesiredConfig.MaxBodyBytes + " bytes.", c.Request.Path.Value ?? "/"));
        }

        try
        {
            using var body = new MemoryStream();
            await LocalEndpoints.CopyLimitedAsync(c.Request.Body, body, DesiredConfig.MaxBodyBytes, c.RequestAborted).ConfigureAwait(false);
            return (body.ToArray(), null);
        }
        catch (InvalidDataException)
        {
            return (null, LocalEndpoints.Problem(413, "too-large", "Request too large", "A config change is at most " + DesiredConfig.MaxBodyBytes + " bytes.", c.Request.Path.Value ?? "/"));
        }
    }

    private static async Task<IResult> WriteCarAsync(HttpContext c, string carId, ShadowService shadows, EmbeddedBroker broker, LocalPki pki)
    {
        if (!Known(carId, pki))
        {
            return NoCar(c, carId);
        }

        (byte[]? body, IResult? problem) = await ReadBodyAsync(c).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        JsonObject? document = shadows.Read(carId);
        if (!DesiredConfig.TryRead(body, document?["state"]?["desired"]?["cfg"] as JsonObject, out _, out JsonObject change, out string error))
        {
            return LocalEndpoints.Problem(422, "bad-config", "Config change refused", carId + ": " + error, c.Request.Path.Value ?? "/");
        }

        string? failure = await WriteAsync(carId, document, change, shadows, broker).ConfigureAwait(false);
        return failure is null
            ? Results.Json(View(carId, shadows.Read(carId)), statusCode: 202)
            : LocalEndpoints.Problem(409, "conflict", "The shadow changed meanwhile", failure, c.Request.Path.Value ?? "/");
    }

    // Writes the change with the version read, so a change made meanwhile (whose budget was not checked with this
    // one) is not overwritten unseen; returns null when written, or the shadow's refusal.
    private static async Task<string?> WriteAsync(string carId, JsonObject? document, JsonObject change, ShadowService shadows, EmbeddedBroker broker)
    {
        var request = new JsonObject { ["state"] = new JsonObject { ["desired"] = new JsonObject { ["cfg"] = change.DeepClone() } } };
        if (document?["version"] is JsonNode version)
        {
            request["version"] = version.DeepClone();
        }

        IReadOnlyList<ShadowMessage> messages = shadows.Update(carId, Encoding.UTF8.GetBytes(request.ToJsonString()));
        await broker.PublishShadowAsync(messages).ConfigureAwait(false);
        return messages.Count > 0 && messages[0].Topic.EndsWith("/update/accepted", StringComparison.Ordinal)
            ? null
            : carId + ": " + (messages.Count > 0 ? Encoding.UTF8.GetString(messages[0].Payload) : "no answer") + "; read the config again and retry";
    }

    private static async Task<IResult> WriteGroupAsync(HttpContext c, string group, CarGroups groups, ShadowService shadows, EmbeddedBroker broker, LocalPki pki)
    {
        string path = c.Request.Path.Value ?? "/";
        if (!CarGroups.IsValidName(group))
        {
            return LocalEndpoints.Problem(400, "bad-group", "Bad group name", "A group name is 1 to 128 letters, digits, ':', '_' or '-'.", path);
        }

        (byte[]? body, IResult? problem) = await ReadBodyAsync(c).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        string[] cars;
        try
        {
            cars = System.Text.Unicode.Utf8.IsValid(body) && JsonNode.Parse(body!) is JsonObject { Count: 1 } o && o["cars"] is JsonArray list && list.Count <= CarGroups.MaxCars
                && list.All(n => n?.GetValueKind() == JsonValueKind.String)
                ? list.Select(n => n!.GetValue<string>()).ToArray()
                : throw new JsonException("the body must be {\"cars\":[\"car-0001\",...]} with at most " + CarGroups.MaxCars + " cars");
        }
        catch (JsonException e)
        {
            return LocalEndpoints.Problem(400, "bad-group", "Malformed group", e.Message, path);
        }

        if (cars.FirstOrDefault(car => !Known(car, pki)) is string unknown)
        {
            return LocalEndpoints.Problem(422, "no-car", "No such car", "No car '" + Shorten(unknown) + "' is provisioned on this host; the group is unchanged.", path);
        }

        groups.TryGet(group, out string[] before);
        groups.Set(group, cars);
        groups.TryGet(group, out string[] members);

        // A car that joins gets the group's config, checked against its own desired config as any change is.
        var failed = new JsonArray();
        JsonObject cfg = groups.ConfigOf(group);
        byte[] change = Encoding.UTF8.GetBytes(new JsonObject { ["cfg"] = cfg }.ToJsonString());
        foreach (string car in cfg.Count == 0 ? [] : members.Except(before, StringComparer.Ordinal))
        {
            JsonObject? document = shadows.Read(car);
            string? failure = DesiredConfig.TryRead(change, document?["state"]?["desired"]?["cfg"] as JsonObject, out _, out JsonObject carChange, out string error)
                ? await WriteAsync(car, document, carChange, shadows, broker).ConfigureAwait(false)
                : car + ": " + error;
            if (failure is not null)
            {
                failed.Add(failure);
            }
        }

        return Results.Json(new JsonObject { ["group"] = group, ["cars"] = new JsonArray(members.Select(m => (JsonNode)m!).ToArray()), ["failed"] = failed });
    }

    private static IResult ReadGroup(HttpContext c, string group, CarGroups groups, ShadowService shadows, LocalPki pki)
    {
        if (!groups.TryGet(group, out string[] cars))
        {
            return LocalEndpoints.Problem(404, "no-group", "No such group", "No group '" + Shorten(group) + "'.", c.Request.Path.Value ?? "/");
        }

        return Results.Json(new JsonObject
        {
            ["group"] = group,
            ["desired"] = ConfigView.ByKey(groups.ConfigOf(group)),
            ["cars"] = new JsonArray(cars.Where(car => Known(car, pki)).Select(car => (JsonNode)View(car, shadows.Read(car))).ToArray()),
        });
    }

    private static async Task<IResult> WriteGroupConfigAsync(HttpContext c, string group, CarGroups groups, ShadowService shadows, EmbeddedBroker broker, LocalPki pki)
    {
        string path = c.Request.Path.Value ?? "/";
        if (!groups.TryGet(group, out string[] cars))
        {
            return LocalEndpoints.Problem(404, "no-group", "No such group", "No group '" + Shorten(group) + "'.", path);
        }

        (byte[]? body, IResult? problem) = await ReadBodyAsync(c).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!DesiredConfig.TryRead(body, groups.ConfigOf(group), out JsonObject groupCfg, out _, out string invalid))
        {
            return LocalEndpoints.Problem(422, "bad-config", "Config change refused", invalid, path);
        }

        // Every car first: a change that one car's desired config cannot take is written to none.
        var writes = new List<(string Car, JsonObject? Document, JsonObject Change)>();
        foreach (string car in cars)
        {
            JsonObject? document = shadows.Read(car);
            if (!DesiredConfig.TryRead(body, document?["state"]?["desired"]?["cfg"] as JsonObject, out _, out JsonObject change, out string error))
            {
                return LocalEndpoints.Problem(422, "bad-config", "Config change refused", car + ": " + error + " (no car of the group was changed)", path);
            }

            writes.Add((car, document, change));
        }

        groups.SetConfig(group, groupCfg); // for the cars that join later
        var written = new JsonArray();
        var failed = new JsonArray();
        foreach ((string car, JsonObject? document, JsonObject change) in writes)
        {
            string? failure = await WriteAsync(car, document, change, shadows, broker).ConfigureAwait(false);
            if (failure is null)
            {
                written.Add(View(car, shadows.Read(car)));
            }
            else
            {
                failed.Add(failure);
            }
        }

        return Results.Json(new JsonObject { ["group"] = group, ["cars"] = written, ["failed"] = failed }, statusCode: failed.Count == 0 ? 202 : 409);
    }

    private static string Shorten(string text) => text.Length > 64 ? text[..61] + "..." : text;
}
