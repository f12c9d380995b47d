using System.Text;
using Tracker.Core.Uplink;

namespace Tracker.HostLink;

/// <summary>
/// Sizes of the MQTT 3.1.1 packets a tracker's uplink costs, as they go on the wire inside TLS: what
/// "bytes on the wire per fix, including MQTT overhead" counts. The arithmetic is the firmware's
/// own (<see cref="UplinkCounters.PublishPacketBytes(int, int, int)"/>), so host and device count alike.
/// </summary>
public static class MqttWireSize
{
    /// <summary>A PUBACK: fixed header (2 bytes) and packet identifier (2 bytes), MQTT 3.1.1 §3.4.</summary>
    public const int PubAck = UplinkCounters.PubackBytes;

    /// <summary>A PUBLISH of <paramref name="payloadLength"/> bytes on <paramref name="topic"/> at <paramref name="qos"/>.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <param name="qos">0, 1 or 2.</param>
    /// <returns>The packet's size in bytes.</returns>
    public static int Publish(string topic, int payloadLength, int qos)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return UplinkCounters.PublishPacketBytes(Encoding.UTF8.GetByteCount(topic), payloadLength, qos);
    }

    /// <summary>A QoS 1 PUBLISH and the PUBACK that answers it.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <returns>Bytes both ways.</returns>
    public static int PublishAndAck(string topic, int payloadLength) => Publish(topic, payloadLength, 1) + PubAck;
}
