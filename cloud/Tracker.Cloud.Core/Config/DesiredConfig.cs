using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Core.Control;

namespace Tracker.Cloud.Core.Config;

/// <summary>
/// An operator's config change as the API takes it (<c>{"cfg":{"uplink.normalPeriodS":600,"cell.rat":"nbiot"}}</c>, by
/// tracker.conf key or by shadow name), checked for what the cloud can check without the car (firmware
/// Control/README.md §1): every key known and remotely settable, each value of its key's JSON type, and the desired
/// document that results (the car's current desired cfg with these keys replacing theirs) within the SIM7080G's
/// 1,024 bytes by <see cref="ShadowBudget"/>'s worst case. The loader's own rules are the car's to apply: it refuses
/// what they refuse and reports why. Never throws on the body.
/// </summary>
public static class DesiredConfig
{
    /// <summary>The largest request body read.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    /// <summary>Reads a change and merges it over the current desired cfg.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="current">The shadow's current <c>desired.cfg</c>, or null.</param>
    /// <param name="merged">The desired cfg to write, by shadow name (current with the change).</param>
    /// <param name="change">The change alone, by shadow name (what the shadow update carries).</param>
    /// <param name="error">Why not, for the operator.</param>
    /// <returns>True when the change may be written.</returns>
    public static bool TryRead(ReadOnlySpan<byte> body, JsonObject? current, out JsonObject merged, out JsonObject change, out string error)
    {
        merged = [];
        change = [];
        if (body.Length > MaxBodyBytes)
        {
            error = "the body is over " + MaxBodyBytes + " bytes";
            return false;
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "the body is not UTF-8";
            return false;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            error = "the body is not JSON: " + e.Message;
            return false;
        }

        if (root is not JsonObject o || o["cfg"] is not JsonObject cfg || o.Count != 1)
        {
            error = "the body must be {\"cfg\":{...}} with tracker.conf keys (or their shadow names) and JSON values";
            return false;
        }

        if (cfg.Count == 0)
        {
            error = "cfg names no key";
            return false;
        }

        foreach ((string name, JsonNode? value) in cfg)
        {
            string key = ShadowNames.KeyOf(name).Length > 0 ? ShadowNames.KeyOf(name) : name;
            string shadowName = ShadowNames.NameOf(key);
            if (RemoteKeys.ClassOf(key) == RemoteClass.ProvisioningOnly && shadowName.Length == 0)
            {
                error = Shown(name) + " is set only by the provisioning tool (the car's identity, trust or a secret)";
                return false;
            }

            if (shadowName.Length == 0)
            {
                error = "unknown key " + Shown(name) + " (firmware/Tracker.Core/Control/ShadowNames.cs lists what may be set remotely)";
                return false;
            }

            if (value is null)
            {
                error = key + ": null is not a value; to go back to the provisioned value, set it (the car cannot tell a deleted key from an unchanged one)";
                return false;
            }

            RemoteValueType expected = RemoteKeys.ValueTypeOf(key);
            JsonValueKind kind = value.GetValueKind();
            bool fits = expected switch
            {
                RemoteValueType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
                RemoteValueType.String => kind == JsonValueKind.String,
                _ => kind == JsonValueKind.Number,
            };
            if (!fits)
            {
                error = key + " takes " + expected switch
                {
                    RemoteValueType.Boolean => "true or false",
                    RemoteValueType.String => "a JSON string",
                    _ => "a JSON number",
                };
                return false;
            }

            if (change.ContainsKey(shadowName))
            {
                error = key + " is named twice";
                return false;
            }

            change[shadowName] = value.DeepClone();
        }

        if (current is not null)
        {
            foreach ((string name, JsonNode? value) in current)
            {
                merged[name] = value?.DeepClone();
            }
        }

        foreach ((string name, JsonNode? value) in change)
        {
            merged[name] = value!.DeepClone();
        }

        int bytes = WorstCaseBytes(merged);
        if (bytes > ShadowLimits.MaxMessageBytes)
        {
            error = "the car's desired config would reach it as a delta of up to " + bytes.ToString(CultureInfo.InvariantCulture) + " bytes, "
                + (bytes - ShadowLimits.MaxMessageBytes).ToString(CultureInfo.InvariantCulture) + " over the modem's " + ShadowLimits.MaxMessageBytes
                + " (a larger message deafens a SIM7080G): send it as two changes";
            return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>The worst-case delta of a desired cfg (by shadow name), by <see cref="ShadowBudget"/>.</summary>
    /// <param name="cfg">The desired cfg.</param>
    /// <returns>Bytes.</returns>
    public static int WorstCaseBytes(JsonObject cfg)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        string[] keys = cfg.Select(p => p.Key).ToArray();
        string[] values = cfg.Select(p => p.Value?.ToJsonString() ?? "null").ToArray();
        return ShadowBudget.WorstCaseDeltaBytes(keys, values);
    }

    private static string Shown(string name) => "'" + (name.Length > 64 ? name[..61] + "..." : name) + "'";
}
