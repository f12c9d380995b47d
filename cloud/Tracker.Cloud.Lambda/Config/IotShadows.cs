using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Cloud.Lambda.Updates;

namespace Tracker.Cloud.Lambda.Config;

/// <summary>
/// The cars' classic device shadows (thing name = car id, firmware Control/ShadowTopics.cs) through IoT Core's data-plane
/// REST API (AWS IoT developer guide, "Device Shadow REST API"): <c>GET /things/{thing}/shadow</c> (GetThingShadow) and
/// <c>POST /things/{thing}/shadow</c> (UpdateThingShadow), signed with SigV4 signing name <c>iotdata</c>. The data plane
/// answers refusals as the control plane does (<c>x-amzn-ErrorType</c>, <c>{"message"}</c>), so both go through
/// <see cref="IotControlPlane"/>; every failure is an <see cref="IotControlPlaneException"/> (a version that moved on is
/// a 409 <see cref="IotFailure.Conflict"/>).
/// </summary>
public sealed class IotShadows
{
    private readonly IotControlPlane _dataPlane;

    /// <summary>Creates the client.</summary>
    /// <param name="dataPlane">The account's data endpoint, signing name <c>iotdata</c>.</param>
    public IotShadows(IotControlPlane dataPlane)
    {
        ArgumentNullException.ThrowIfNull(dataPlane);
        _dataPlane = dataPlane;
    }

    /// <summary>A car's shadow document, or null when it has none (404 <c>ResourceNotFoundException</c>).</summary>
    /// <param name="thing">The car id.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The document (<c>state</c>, <c>metadata</c>, <c>version</c>, <c>timestamp</c>), or null.</returns>
    /// <exception cref="IotControlPlaneException">Refused, unreachable, or not a shadow document.</exception>
    public async Task<JsonObject?> GetAsync(string thing, CancellationToken cancellationToken)
    {
        JsonObject document;
        try
        {
            document = await _dataPlane.CallAsync("GetThingShadow", HttpMethod.Get, Path(thing), null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (IotControlPlaneException e) when (e.Kind == IotFailure.NotFound)
        {
            return null;
        }

        if (VersionOf(document) is null || document["state"] is not (null or JsonObject)
            || document["state"] is JsonObject state && state.Any(p => p.Key is "desired" or "reported" or "delta" && p.Value is not (null or JsonObject)))
        {
            throw IotControlPlaneException.Malformed("GetThingShadow", "the answer is not a shadow document (a whole-number version, state an object of objects)");
        }

        return document;
    }

    /// <summary>Writes keys of the desired <c>cfg</c>, only if the shadow is still at <paramref name="version"/>.</summary>
    /// <param name="thing">The car id.</param>
    /// <param name="change">The keys to set, by shadow name.</param>
    /// <param name="version">The version read (the update is refused with 409 when the shadow moved on), or null when the car had no shadow.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The shadow's new version.</returns>
    /// <exception cref="IotControlPlaneException">Refused (<see cref="IotFailure.Conflict"/> when the version moved on), unreachable, or malformed.</exception>
    public async Task<long> SetDesiredCfgAsync(string thing, JsonObject change, long? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var request = new JsonObject { ["state"] = new JsonObject { ["desired"] = new JsonObject { ["cfg"] = change.DeepClone() } } };
        if (version is long v)
        {
            request["version"] = v;
        }

        JsonObject answer = await _dataPlane.CallAsync("UpdateThingShadow", HttpMethod.Post, Path(thing), null, request, cancellationToken).ConfigureAwait(false);
        return VersionOf(answer) ?? throw IotControlPlaneException.Malformed("UpdateThingShadow", "the answer has no whole-number version");
    }

    /// <summary>A document's <c>version</c>, or null when it has no whole, positive one.</summary>
    /// <param name="document">The document.</param>
    /// <returns>The version, or null.</returns>
    public static long? VersionOf(JsonObject? document) =>
        document?["version"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out long version) && version > 0 ? version : null;

    private static string Path(string thing) => "/things/" + IotControlPlane.Segment(thing) + "/shadow";
}
