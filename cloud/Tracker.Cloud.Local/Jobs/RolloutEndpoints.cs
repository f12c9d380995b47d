using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Cloud.Local.Http;
using Tracker.Cloud.Local.Security;
using Tracker.Cloud.Local.Shadow;
using Tracker.Cloud.Local.Updates;
using Tracker.Core.Control;

namespace Tracker.Cloud.Local.Jobs;

/// <summary>
/// Over-the-air updates for operators (issue 18; firmware Control/README.md §2, "Rollouts"): upload a signed image,
/// roll it out to a group at a rate with an abort criterion, pause, resume and cancel it, and follow each car.
/// Operators only (401 without a token, 403 for a renter); errors are RFC 9457 problems.
/// </summary>
/// <remarks>
/// <c>POST /updates/images</c> (<c>{"image":"&lt;base64&gt;","signature":{...the .sig.json codesign sign wrote...}}</c>),
/// <c>GET /updates/images</c>, <c>POST /groups/{group}/rollouts</c> (<c>{"version":"1.4.0","ratePerMinute":10,
/// "abort":{"failurePercent":50,"minCount":2}}</c>), <c>GET /rollouts</c>, <c>GET /rollouts/{id}</c>,
/// <c>POST /rollouts/{id}/pause|resume|cancel</c>, <c>GET /cars/{carId}/update</c>.
/// </remarks>
public static class RolloutEndpoints
{
    /// <summary>The largest upload: a 1 MiB image in base64 with its signature.</summary>
    public const int MaxUploadBytes = (Tracker.Core.Control.UpdateJob.MaxImageBytes / 3 * 4) + 16 * 1024;

    /// <summary>The largest rollout request.</summary>
    public const int MaxRolloutBytes = 4096;

    /// <summary>Maps the routes.</summary>
    /// <param name="app">The routes.</param>
    /// <param name="tokens">The bearer token check.</param>
    /// <param name="images">The uploaded images.</param>
    /// <param name="rollouts">The rollouts.</param>
    /// <param name="groups">The groups.</param>
    /// <param name="pki">Knows which cars exist.</param>
    public static void Map(IEndpointRouteBuilder app, IApiTokens tokens, ImageLibrary images, RolloutService rollouts, CarGroups groups, LocalPki pki)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/updates/images", (Delegate)((HttpContext c) => ConfigEndpoints.Guarded(c, tokens, () => UploadAsync(c, images))));
        app.MapGet("/updates/images", (Delegate)((HttpContext c) => ConfigEndpoints.Guarded(c, tokens, () => Task.FromResult(Results.Json(
            new JsonObject { ["images"] = new JsonArray([.. images.All().Select(i => (JsonNode)i.Summary())]) })))));
        app.MapPost("/groups/{group}/rollouts", (HttpContext c, string group) => ConfigEndpoints.Guarded(c, tokens, () => CreateAsync(c, group, groups, rollouts)));
        app.MapGet("/rollouts", (Delegate)((HttpContext c) => ConfigEndpoints.Guarded(c, tokens, () => Task.FromResult(Results.Json(new JsonObject { ["rollouts"] = rollouts.List() })))));
        app.MapGet("/rollouts/{id}", (HttpContext c, string id) => ConfigEndpoints.Guarded(c, tokens, () => Task.FromResult(
            rollouts.Read(id) is JsonObject view ? Results.Json(view) : NoRollout(c, id))));
        app.MapPost("/rollouts/{id}/{action}", (HttpContext c, string id, string action) => ConfigEndpoints.Guarded(c, tokens, () => ActAsync(c, id, action, rollouts)));
        app.MapGet("/cars/{carId}/update", (HttpContext c, string carId) => ConfigEndpoints.Guarded(c, tokens, () => Task.FromResult(
            ConfigEndpoints.Known(carId, pki) ? Results.Json(rollouts.CarView(carId)) : ConfigEndpoints.NoCar(c, carId))));
    }


    private static IResult NoRollout(HttpContext c, string id) =>
        LocalEndpoints.Problem(404, "no-rollout", "No such rollout", "No rollout '" + Clip(id) + "'.", Path(c));

    private static async Task<IResult> UploadAsync(HttpContext c, ImageLibrary images)
    {
        (JsonObject? body, IResult? problem) = await ReadObjectAsync(c, MaxUploadBytes).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (body.Count != 2 || body["image"] is not JsonValue imageValue || imageValue.GetValueKind() != JsonValueKind.String || body["signature"] is not JsonObject signature)
        {
            return LocalEndpoints.Problem(422, "bad-upload", "Upload refused", "The body is {\"image\":\"<base64>\",\"signature\":{...}}, the signature as 'codesign sign' wrote it; nothing else.", Path(c));
        }

        byte[] image;
        try
        {
            image = Convert.FromBase64String(imageValue.GetValue<string>());
        }
        catch (FormatException)
        {
            return LocalEndpoints.Problem(422, "bad-upload", "Upload refused", "image is not base64.", Path(c));
        }

        (int Status, string Code, string Detail)? refused = images.Add(image, signature, out UpdateImage? stored);
        return refused is { } r
            ? LocalEndpoints.Problem(r.Status, r.Code, "Image refused", r.Detail, Path(c))
            : Results.Json(stored!.Summary(), statusCode: 201);
    }

    private static async Task<IResult> CreateAsync(HttpContext c, string group, CarGroups groups, RolloutService rollouts)
    {
        if (!CarGroups.IsValidName(group) || !groups.TryGet(group, out string[] cars))
        {
            return LocalEndpoints.Problem(404, "no-group", "No such group", "No group '" + Clip(group) + "' (PUT /groups/{group} first).", Path(c));
        }

        (JsonObject? body, IResult? problem) = await ReadObjectAsync(c, MaxRolloutBytes).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        string? error = null;
        string version = string.Empty;
        int rate = 0;
        int? percent = null;
        int minCount = 1;
        if (body.Any(p => p.Key is not ("version" or "ratePerMinute" or "abort")))
        {
            error = "Only version, ratePerMinute and abort may be given.";
        }
        else if (body["version"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !UpdateLimits.IsValidVersion(version = v.GetValue<string>()))
        {
            error = "version must be an uploaded image's version.";
        }
        else if (!TryInt(body["ratePerMinute"], 1, 1000, out rate))
        {
            error = "ratePerMinute must be a whole number of 1 to 1000 (cars released a minute).";
        }
        else if (body["abort"] is JsonNode abort)
        {
            if (abort is not JsonObject a || a.Any(p => p.Key is not ("failurePercent" or "minCount")) || !TryInt(a["failurePercent"], 1, 100, out int p)
                || !TryInt(a["minCount"] ?? JsonValue.Create(1), 1, CarGroups.MaxCars, out minCount))
            {
                error = "abort must be {\"failurePercent\": 1 to 100, \"minCount\": 1 or more}.";
            }
            else
            {
                percent = p;
            }
        }

        if (error is not null)
        {
            return LocalEndpoints.Problem(422, "bad-rollout", "Rollout refused", error, Path(c));
        }

        (int Status, string Code, string Detail)? refused = rollouts.Create(group, cars, version, rate, percent, minCount, out JsonObject? view);
        return refused is { } r
            ? LocalEndpoints.Problem(r.Status, r.Code, "Rollout refused", r.Detail, Path(c))
            : Results.Json(view, statusCode: 201);
    }

    private static async Task<IResult> ActAsync(HttpContext c, string id, string action, RolloutService rollouts)
    {
        if (action is not ("pause" or "resume" or "cancel"))
        {
            return LocalEndpoints.Problem(404, "no-action", "No such action", "A rollout can be paused, resumed or canceled.", Path(c));
        }

        ((int Status, string Code, string Detail)? problem, JsonObject? view) = await rollouts.ActAsync(id, action).ConfigureAwait(false);
        return problem is { } p ? LocalEndpoints.Problem(p.Status, p.Code, "Rollout unchanged", p.Detail, Path(c)) : Results.Json(view);
    }

    private static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpContext c, int limit)
    {
        if (c.Request.ContentLength > limit)
        {
            return (null, TooLarge(c, limit));
        }

        byte[] bytes;
        try
        {
            using var body = new MemoryStream();
            await LocalEndpoints.CopyLimitedAsync(c.Request.Body, body, limit, c.RequestAborted).ConfigureAwait(false);
            bytes = body.ToArray();
        }
        catch (InvalidDataException)
        {
            return (null, TooLarge(c, limit));
        }

        try
        {
            if (System.Text.Unicode.Utf8.IsValid(bytes) && JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) is JsonObject o)
            {
                return (o, null);
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
        }

        return (null, LocalEndpoints.Problem(400, "bad-json", "Malformed request", "The body must be one JSON object in UTF-8.", Path(c)));
    }

    private static IResult TooLarge(HttpContext c, int limit) =>
        LocalEndpoints.Problem(413, "too-large", "Request too large", "This request is at most " + limit + " bytes.", Path(c));

    private static bool TryInt(JsonNode? node, int min, int max, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value) && value >= min && value <= max;
    }

    private static string Path(HttpContext c) => c.Request.Path.Value ?? "/";

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
