using System.Text;

namespace Tracker.HostLink;

/// <summary>
/// Sizes of the MQTT 3.1.1 packets a tracker's uplink costs, as they go on the wire inside TLS: what
/// "bytes on the wire per fix, including MQTT overhead" counts.
/// </summary>
public static class MqttWireSize
{
    /// <summary>A PUBACK: fixed header (2 bytes) and packet identifier (2 bytes), MQTT 3.1.1 §3.4.</summary>
    public const int PubAck = 4;

    /// <summary>
    /// A PUBLISH: fixed header (1 byte, plus 1 to 4 bytes of Remaining Length, §2.2.3), topic name
    /// (2-byte length and UTF-8, §1.5.3), packet identifier for QoS 1 and 2 (2 bytes, §3.3.2.2), and
    /// the payload (§3.3.3).
    /// </summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <param name="qos">0, 1 or 2.</param>
    /// <returns>The packet's size in bytes.</returns>
    public static int Publish(string topic, int payloadLength, int qos)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        int remaining = 2 + Encoding.UTF8.GetByteCount(topic) + (qos > 0 ? 2 : 0) + payloadLength;
        return 1 + RemainingLengthBytes(remaining) + remaining;
    }

    /// <summary>How many bytes the Remaining Length field takes (7 bits a byte, §2.2.3).</summary>
    /// <param name="remaining">The Remaining Length, 0 to 268,435,455.</param>
    /// <returns>1 to 4.</returns>
    public static int RemainingLengthBytes(int remaining)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(remaining, 268_435_455);
        return remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
    }
}
