using System.Text.Json;
using Tracker.Cloud.Derive.Engine;

namespace Tracker.Cloud.Derive.Zones;

/// <summary>How stores keep a zone: the same source-generated JSON as the Derive state (<see cref="DeriveJson"/>).</summary>
public static class ZoneJson
{
    /// <summary>Writes a zone.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>JSON.</returns>
    public static string Write(Zone zone) => JsonSerializer.Serialize(zone, DeriveJsonContext.Default.Zone);

    /// <summary>Reads a zone.</summary>
    /// <param name="json">What <see cref="Write"/> wrote.</param>
    /// <returns>The zone.</returns>
    /// <exception cref="JsonException">Not a zone.</exception>
    public static Zone Read(string json) => JsonSerializer.Deserialize(json, DeriveJsonContext.Default.Zone) ?? throw new JsonException("null zone");
}
