using System.Text.Json;

namespace Tracker.Cloud.Derive.Limits;

/// <summary>A setting as the API lists it and a store keeps it: the form <see cref="LimitParser"/> reads.</summary>
public static class LimitJson
{
    /// <summary>Writes one setting.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="setting">The setting.</param>
    public static void Write(Utf8JsonWriter json, LimitSetting setting)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(setting);
        json.WriteStartObject();
        json.WriteString("scope", setting.Scope switch { LimitScope.Car => "car", LimitScope.Rental => "rental", _ => "fleet" });
        if (setting.Scope != LimitScope.Fleet)
        {
            json.WriteString("id", setting.Id);
        }

        if (setting.OverspeedMmps is { } mmps)
        {
            json.WriteNumber("overspeedKmh", LimitParser.MmpsToKmh(mmps));
        }

        if (setting.OfflineAfterIgnitionOnMs is { } on)
        {
            json.WriteNumber("offlineAfterIgnitionOnS", on / 1000);
        }

        if (setting.OfflineAfterIgnitionOffMs is { } off)
        {
            json.WriteNumber("offlineAfterIgnitionOffS", off / 1000);
        }

        json.WriteEndObject();
    }

    /// <summary>One setting as a JSON document.</summary>
    /// <param name="setting">The setting.</param>
    /// <returns>The text.</returns>
    public static string ToJson(LimitSetting setting)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, setting);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
