using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Notify.Channels;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// One webhook POST as the bench's receiver judges it, the way a customer's receiver should: the signature
/// (<c>X-Tracker-Signature</c>, HMAC-SHA256 of <c>{X-Tracker-Timestamp}.{body}</c> with the subscription's secret,
/// compared in constant time), a timestamp no further than <see cref="MaxSkew"/> from now, and the body an event with
/// its car, id, type, episode start and the time the host received the data that decided it.
/// </summary>
/// <param name="DeliveryId">X-Tracker-Delivery (the same on every attempt of one notification).</param>
/// <param name="CarId">The event's car.</param>
/// <param name="EventId">The event's id (unique per car).</param>
/// <param name="Type">The event type's name.</param>
/// <param name="EpisodeStartMs">The event's start (fix time), UTC epoch ms.</param>
/// <param name="DetectedMs">When the host received the data that decided it (the broker's receipt), UTC epoch ms.</param>
public sealed record WebhookDelivery(string DeliveryId, string CarId, string EventId, string Type, long EpisodeStartMs, long DetectedMs)
{
    /// <summary>The largest body read; an event is well under 2 KiB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>How far the signed timestamp may be from the receiver's clock.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>Judges one request. Never throws on content.</summary>
    /// <param name="secret">The subscription's secret.</param>
    /// <param name="deliveryId">X-Tracker-Delivery, or null.</param>
    /// <param name="timestamp">X-Tracker-Timestamp, or null.</param>
    /// <param name="signature">X-Tracker-Signature, or null.</param>
    /// <param name="body">The body as received.</param>
    /// <param name="nowMs">The receiver's clock, UTC epoch ms.</param>
    /// <param name="delivery">The delivery, when it is signed and well formed.</param>
    /// <param name="problem">Why not; starts with "signature" when the signature or its timestamp is wrong.</param>
    /// <returns>True when it is a valid, signed event.</returns>
    public static bool TryRead(string secret, string? deliveryId, string? timestamp, string? signature, string? body, long nowMs, out WebhookDelivery? delivery, out string problem)
    {
        ArgumentNullException.ThrowIfNull(secret);
        delivery = null;
        problem = string.Empty;
        if (body is null || Encoding.UTF8.GetByteCount(body) > MaxBodyBytes)
        {
            problem = "the body is missing or larger than " + MaxBodyBytes + " bytes";
            return false;
        }

        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            problem = "signature: X-Tracker-Signature or X-Tracker-Timestamp is missing";
            return false;
        }

        if (timestamp.Length > 12 || !timestamp.All(char.IsAsciiDigit) || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            problem = "signature: X-Tracker-Timestamp is not Unix seconds";
            return false;
        }

        byte[] expected = Encoding.ASCII.GetBytes(WebhookSender.Sign(secret, timestamp, body));
        byte[] given = Encoding.UTF8.GetBytes(signature);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            problem = "signature: it does not match the body";
            return false;
        }

        if (Math.Abs((seconds * 1000) - nowMs) > MaxSkew.TotalMilliseconds)
        {
            problem = "signature: the timestamp is more than " + MaxSkew.TotalMinutes + " minutes from now (a replay?)";
            return false;
        }

        if (string.IsNullOrEmpty(deliveryId) || deliveryId.Length > 200)
        {
            problem = "X-Tracker-Delivery is missing or too long";
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && Text(root, "carId") is { } car
                && Text(root, "id") is { } id
                && Text(root, "type") is { } type
                && Whole(root, "ts") is { } start
                && Whole(root, "detectedMs") is { } detected)
            {
                delivery = new WebhookDelivery(deliveryId, car, id, type, start, detected);
                return true;
            }

            problem = "the body is not an event (carId, id, type, ts and detectedMs)";
            return false;
        }
        catch (JsonException)
        {
            problem = "the body is not JSON";
            return false;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 200 } text ? text : null;

    private static long? Whole(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n > 0 ? n : null;
}
