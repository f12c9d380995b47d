using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Lambda.Events;
using Tracker.Cloud.Lambda.Updates;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>
/// Over-the-air updates on AWS (issue 18), beside <see cref="ApiHandler"/>'s routes (which hands them over), with the
/// local host's paths and JSON so the web app's Updates panel works on either: <c>POST /updates/images</c>
/// (<c>{"image":"&lt;base64&gt;","signature":{...codesign sign's record}}</c>, checked with the car's verifier against the
/// fleet's code-signing key, stored in the UpdatesBucket), <c>GET /updates/images</c>, <c>POST /groups/{group}/rollouts</c>
/// (an IoT job for the static thing group), <c>GET /rollouts</c>, <c>GET /rollouts/{id}</c>,
/// <c>POST /rollouts/{id}/pause|resume|cancel</c> (pause and resume are 409 <c>/problems/no-pause</c>: IoT Jobs has none,
/// see <see cref="IotRollouts"/>) and <c>GET /cars/{carId}/update</c>. Operators only. IoT's refusals become problems
/// here: 404 not found, 409 conflict, 503 throttled or busy (with <c>retry-after</c>), 502 anything else.
/// </summary>
public sealed class RolloutsApi : IApiRoutes
{
    /// <summary>The largest upload: a 1 MiB image in base64 with its signature record (the local host's limit).</summary>
    public const int MaxUploadBytes = (Tracker.Core.Control.UpdateLimits.MaxImageBytes / 3 * 4) + 16 * 1024;

    private readonly IotRollouts _rollouts;
    private readonly ImageBucket _images;
    private readonly byte[]? _signingKey;

    /// <summary>Creates the routes.</summary>
    /// <param name="rollouts">The rollouts (IoT Jobs).</param>
    /// <param name="images">The images (S3).</param>
    /// <param name="signingKey">The fleet's code-signing public key (the modulus the cars carry), or null when none is configured (uploads are then refused).</param>
    public RolloutsApi(IotRollouts rollouts, ImageBucket images, byte[]? signingKey)
    {
        ArgumentNullException.ThrowIfNull(rollouts);
        ArgumentNullException.ThrowIfNull(images);
        _rollouts = rollouts;
        _images = images;
        _signingKey = signingKey;
    }

    /// <inheritdoc/>
    public bool SignedIn => true;

    /// <summary>True when the path is one of these routes.</summary>
    /// <param name="segments">The path's segments, stage removed.</param>
    /// <returns>True when this class answers.</returns>
    public bool Owns(IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return segments.Count > 0 && (segments[0] is "updates" or "rollouts"
            || (segments.Count == 3 && segments[0] == "groups" && segments[2] == "rollouts")
            || (segments.Count == 3 && segments[0] == "cars" && segments[2] == "update"));
    }

    /// <inheritdoc/>
    public async Task<HttpApiResponse> HandleAsync(ApiCall call, Identity? caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(caller);
        (HttpApiRequest request, IReadOnlyList<string> segments, string method, string instance) = call;
        if (!caller.IsOperator)
        {
            return call.Problem(ProblemType.Forbidden, "Updates and rollouts are for operators.");
        }

        try
        {
            RolloutAnswer answer;
            switch (segments.Count, segments[0])
            {
                case (2, "updates") when segments[1] == "images" && method == "POST":
                    return await UploadAsync(request, instance, cancellationToken).ConfigureAwait(false);
                case (2, "updates") when segments[1] == "images":
                    if (call.Allow("GET, POST") is { } refusedList)
                    {
                        return refusedList;
                    }

                    IReadOnlyList<UpdateImage> all = await _images.AllAsync(cancellationToken).ConfigureAwait(false);
                    answer = new RolloutAnswer(200, new JsonObject { ["images"] = new JsonArray([.. all.Select(i => (JsonNode)i.Summary())]) });
                    break;
                case (3, "groups"):
                    if (call.Allow("POST") is { } refusedCreate)
                    {
                        return refusedCreate;
                    }

                    if (ReadObject(request, RolloutRequest.MaxBytes, instance, out JsonObject? body) is { } badBody)
                    {
                        return badBody;
                    }

                    answer = RolloutRequest.TryRead(body!, out RolloutRequest? rollout, out string why)
                        ? await _rollouts.CreateAsync(segments[1], rollout!, cancellationToken).ConfigureAwait(false)
                        : RolloutAnswer.Refused(422, "bad-rollout", why);
                    break;
                case (1, "rollouts"):
                    if (call.Allow("GET") is { } refusedRollouts)
                    {
                        return refusedRollouts;
                    }

                    answer = await _rollouts.ListAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case (2, "rollouts"):
                    if (call.Allow("GET") is { } refusedRollout)
                    {
                        return refusedRollout;
                    }

                    answer = await _rollouts.ReadAsync(segments[1], cancellationToken).ConfigureAwait(false);
                    break;
                case (3, "rollouts"):
                    if (call.Allow("POST") is { } refusedAct)
                    {
                        return refusedAct;
                    }

                    answer = await _rollouts.ActAsync(segments[1], segments[2], cancellationToken).ConfigureAwait(false);
                    break;
                case (3, "cars"):
                    if (call.Allow("GET") is { } refusedCar)
                    {
                        return refusedCar;
                    }

                    answer = await _rollouts.CarAsync(segments[1], cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    return ApiHandler.Problem(ProblemType.NotFound.With(
                        "No route for " + TimeParameter.Clip(string.Join('/', segments)) + ": updates are at GET and POST /updates/images, POST /groups/{group}/rollouts, GET /rollouts, GET /rollouts/{id}, POST /rollouts/{id}/cancel and GET /cars/{carId}/update.",
                        instance));
            }

            return Reply(answer, instance);
        }
        catch (IotControlPlaneException e)
        {
            return IotProblem(e, instance);
        }
        catch (AmazonServiceException e)
        {
            return ApiHandler.Problem(new ProblemType("/problems/s3-failed", "Storage failed", 502).With("The updates bucket refused: " + TimeParameter.Clip(e.Message), instance));
        }
    }

    /// <summary>The one place an IoT failure becomes a problem.</summary>
    /// <param name="e">The failure.</param>
    /// <param name="instance">The problem instance.</param>
    /// <returns>The response.</returns>
    public static HttpApiResponse IotProblem(IotControlPlaneException e, string instance)
    {
        ArgumentNullException.ThrowIfNull(e);
        ProblemType type = e.Kind switch
        {
            IotFailure.NotFound => new ProblemType("/problems/iot-not-found", "Not found in IoT", 404),
            IotFailure.Conflict => new ProblemType("/problems/iot-conflict", "Conflict in IoT", 409),
            IotFailure.Busy => new ProblemType("/problems/iot-busy", "IoT is busy", 503),
            _ => new ProblemType("/problems/iot-failed", "IoT failed", 502),
        };
        HttpApiResponse response = ApiHandler.Problem(type.With(e.Message.Length <= 400 ? e.Message : e.Message[..400] + "...", instance));
        if (e.Kind == IotFailure.Busy)
        {
            response.Headers["retry-after"] = "5";
        }

        return response;
    }

    private async Task<HttpApiResponse> UploadAsync(HttpApiRequest request, string instance, CancellationToken cancellationToken)
    {
        if (ReadObject(request, MaxUploadBytes, instance, out JsonObject? body) is { } badBody)
        {
            return badBody;
        }

        if (body!.Count != 2 || body["image"] is not JsonValue imageValue || imageValue.GetValueKind() != JsonValueKind.String || body["signature"] is not JsonObject signature)
        {
            return Reply(RolloutAnswer.Refused(422, "bad-upload", "The body is {\"image\":\"<base64>\",\"signature\":{...}}, the signature as 'codesign sign' wrote it; nothing else."), instance);
        }

        byte[] image;
        try
        {
            image = Convert.FromBase64String(imageValue.GetValue<string>());
        }
        catch (FormatException)
        {
            return Reply(RolloutAnswer.Refused(422, "bad-upload", "image is not base64."), instance);
        }

        if (_signingKey is null)
        {
            return Reply(RolloutAnswer.Refused(409, "no-signing-key", "The API function has no code-signing key: set TRACKER_CODESIGN_PUBLIC_KEY to the base64 of the CA folder's codesign.pub."), instance);
        }

        if (UpdateImage.Check(image, signature, _signingKey, out UpdateImage? record) is { } refused)
        {
            return Reply(RolloutAnswer.Refused(refused.Status, refused.Code, refused.Detail), instance);
        }

        return await _images.PutAsync(image, record!, cancellationToken).ConfigureAwait(false)
            ? Reply(new RolloutAnswer(201, record!.Summary()), instance)
            : Reply(RolloutAnswer.Refused(409, "version-exists", "Version " + record!.Version + " is already uploaded with other bytes; a version is never replaced."), instance);
    }

    /// <summary>The body as one JSON object; a problem (413, 400) when it is too large or not one. Never throws.</summary>
    private static HttpApiResponse? ReadObject(HttpApiRequest request, int limit, string instance, out JsonObject? body)
    {
        body = null;
        string text = request.Body ?? string.Empty;
        if (text.Length > (request.IsBase64Encoded ? (limit / 3 * 4) + 4 : limit))
        {
            return Reply(RolloutAnswer.Refused(413, "too-large", "This request is at most " + limit + " bytes."), instance);
        }

        byte[] bytes;
        try
        {
            bytes = request.IsBase64Encoded ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
        }
        catch (FormatException)
        {
            bytes = [];
        }

        if (bytes.Length > limit)
        {
            return Reply(RolloutAnswer.Refused(413, "too-large", "This request is at most " + limit + " bytes."), instance);
        }

        try
        {
            if (System.Text.Unicode.Utf8.IsValid(bytes) && bytes.Length > 0 && JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) is JsonObject o)
            {
                body = o;
                return null;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
        }

        return Reply(RolloutAnswer.Refused(400, "bad-json", "The body must be one JSON object in UTF-8."), instance);
    }

    private static HttpApiResponse Reply(RolloutAnswer answer, string instance)
    {
        if (answer.Code is not null)
        {
            string title = answer.Status switch { 404 => "Not found", 409 => "Conflict", 413 => "Request too large", 400 => "Malformed request", _ => "Refused" };
            return ApiHandler.Problem(new ProblemType("/problems/" + answer.Code, title, answer.Status).With(answer.Detail ?? string.Empty, instance));
        }

        var response = new HttpApiResponse { StatusCode = answer.Status, Body = (answer.Body ?? []).ToJsonString() };
        response.Headers["content-type"] = "application/json";
        response.Headers["cache-control"] = "no-store";
        return response;
    }
}
