using System.Text;

namespace Tracker.Bench.Replay;

/// <summary>
/// Bytes an MQTT 3.1.1 QoS 1 publish costs on the wire, above TLS and TCP: the PUBLISH packet and
/// the PUBACK that answers it.
/// </summary>
public static class MqttWireSize
{
    /// <summary>PUBACK: fixed header (type 4, remaining length 2) and the packet identifier (MQTT 3.1.1 §3.4).</summary>
    public const int PubAck = 4;

    /// <summary>
    /// The PUBLISH packet (MQTT 3.1.1 §3.3): fixed header byte, remaining length (§2.2.3: 7 bits a byte,
    /// 1 to 4 bytes), topic name as a UTF-8 string with its 2-byte length (§1.5.3), the 2-byte packet
    /// identifier present at QoS 1 (§3.3.2.2), and the payload.
    /// </summary>
    public static int Publish(string topic, int payloadBytes)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadBytes);
        int remaining = 2 + Encoding.UTF8.GetByteCount(topic) + 2 + payloadBytes;
        if (remaining > 268_435_455)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadBytes), "larger than an MQTT packet can be");
        }

        return 1 + RemainingLengthBytes(remaining) + remaining;
    }

    /// <summary>Both directions of one QoS 1 publish: PUBLISH plus PUBACK.</summary>
    public static int PublishAndAck(string topic, int payloadBytes) => Publish(topic, payloadBytes) + PubAck;

    /// <summary>Size of the remaining-length field: 1 byte to 127, 2 to 16,383, 3 to 2,097,151, else 4.</summary>
    public static int RemainingLengthBytes(int remaining) => remaining switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };
}
