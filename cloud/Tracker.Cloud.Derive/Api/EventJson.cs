using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Derive.Api;

/// <summary>
/// One event as the API lists it, the live feed carries it and a webhook or e-mail delivers it: <c>carId</c>, <c>id</c>,
/// <c>type</c>, <c>ts</c> and <c>time</c> (the episode start), <c>subject</c>, <c>endTs</c>, <c>durationMs</c>,
/// <c>lat</c>/<c>lon</c> (degrees), the figures of its type, <c>alert</c>, <c>late</c>, <c>pending</c>,
/// <c>detectedMs</c>, and <c>withdrawn</c> and the acknowledgement when there are.
/// </summary>
public static class EventJson
{
    /// <summary>Writes one event.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="stored">The event.</param>
    public static void Write(Utf8JsonWriter json, StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(stored);
        FleetEvent e = stored.Event;
        json.WriteStartObject();
        json.WriteString("carId", e.CarId);
        json.WriteString("id", e.Key.Id);
        json.WriteString("type", EventTypeNames.Name(e.Type));
        json.WriteNumber("ts", e.EpisodeStartMs);
        json.WriteString("time", DateTimeOffset.FromUnixTimeMilliseconds(e.EpisodeStartMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (e.Subject.Length > 0)
        {
            json.WriteString("subject", e.Subject);
        }

        Number(json, "endTs", e.EndMs);
        Number(json, "durationMs", e.DurationMs);
        if (e.LatE7 is { } lat && e.LonE7 is { } lon)
        {
            json.WriteNumber("lat", lat / 10_000_000m);
            json.WriteNumber("lon", lon / 10_000_000m);
        }

        Number(json, "speedMmps", e.SpeedMmps);
        Number(json, "limitMmps", e.LimitMmps);
        Number(json, "voltageMv", e.VoltageMv);
        Number(json, "odometerM", e.OdometerM);
        Number(json, "distanceM", e.DistanceM);
        if (e.Detail is { } detail)
        {
            json.WriteString("detail", detail);
        }

        json.WriteBoolean("alert", e.Alert);
        json.WriteBoolean("late", e.Late);
        json.WriteBoolean("pending", e.Pending);
        json.WriteNumber("detectedMs", e.DetectedMs);
        if (stored.Withdrawn)
        {
            json.WriteBoolean("withdrawn", true);
        }

        if (stored.AcknowledgedBy is { } by)
        {
            json.WriteString("acknowledgedBy", by);
            Number(json, "acknowledgedMs", stored.AcknowledgedMs);
        }

        json.WriteEndObject();
    }


    /// <summary>One event as a JSON document.</summary>
    /// <param name="stored">The event.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(StoredEvent stored)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, stored);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Number(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }
}
