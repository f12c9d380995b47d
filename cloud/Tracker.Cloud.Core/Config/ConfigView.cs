using System.Text.Json.Nodes;
using Tracker.Core.Control;

namespace Tracker.Cloud.Core.Config;

/// <summary>
/// A car's remote config as an operator sees it (issue 18; firmware Control/README.md §1), from its device shadow
/// document: desired and applied config by tracker.conf key (not shadow name), the applied version, the keys waiting for
/// a restart, what the car has not applied yet (the delta) and its last refusal. The local host and the API function on
/// AWS answer with this one shape, so the web app's Remote config panel reads either.
/// </summary>
public static class ConfigView
{
    /// <summary>The view of one car.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="document">Its shadow document (GetThingShadow's and get/accepted's shape), or null when it has none yet.</param>
    /// <returns>The view.</returns>
    public static JsonObject Of(string carId, JsonObject? document)
    {
        JsonNode? state = document?["state"];
        JsonNode? reported = state?["reported"];
        return new JsonObject
        {
            ["car"] = carId,
            ["version"] = document?["version"]?.DeepClone(),
            ["desired"] = ByKey(state?["desired"]?["cfg"] as JsonObject),
            ["applied"] = ByKey(reported?["cfg"] as JsonObject),
            ["appliedVersion"] = reported?["cfgVer"]?.DeepClone(),
            ["pending"] = reported?["cfgPending"]?.DeepClone() ?? new JsonArray(),
            ["notApplied"] = ByKey(state?["delta"]?["cfg"] as JsonObject),
            ["refused"] = reported?["cfgErr"] is JsonObject error ? Refusal(error) : null,
        };
    }

    /// <summary>A cfg object by shadow name re-keyed by tracker.conf key (a name no key has is kept as it is).</summary>
    /// <param name="cfg">The cfg, or null.</param>
    /// <returns>A new object.</returns>
    public static JsonObject ByKey(JsonObject? cfg)
    {
        var keyed = new JsonObject();
        foreach ((string name, JsonNode? value) in cfg ?? [])
        {
            string key = ShadowNames.KeyOf(name);
            keyed[key.Length > 0 ? key : name] = value?.DeepClone();
        }

        return keyed;
    }

    private static JsonObject Refusal(JsonObject error)
    {
        JsonObject copy = error.DeepClone().AsObject();
        if (copy["key"] is JsonValue value && value.TryGetValue(out string? name) && ShadowNames.KeyOf(name) is { Length: > 0 } key)
        {
            copy["key"] = key;
        }

        return copy;
    }
}
