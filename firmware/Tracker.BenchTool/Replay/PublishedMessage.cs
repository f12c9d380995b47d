using System.Text;
using Tracker.Core.Uplink;

namespace Tracker.BenchTool.Replay;

/// <summary>One message the uplink would publish.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="Fixes">Fixes it carries (0 for a status message).</param>
/// <param name="FirstTimeMs">Time of its earliest fix (Unix ms; a batch may lead with the newest fix), or 0 when it carries none.</param>
/// <param name="LastTimeMs">Time of its latest fix (Unix ms), or 0 when it carries none.</param>
/// <param name="SentAtMs">When it was published, as the capture's UTC time (the simulation runs on the fixes' clock).</param>
public sealed record PublishedMessage(string Topic, byte[] Payload, int Fixes, long FirstTimeMs, long LastTimeMs, long SentAtMs)
{
    /// <summary>Payload length.</summary>
    public int PayloadBytes => Payload.Length;

    /// <summary>PUBLISH plus PUBACK on the wire (MQTT 3.1.1, QoS 1).</summary>
    public int WireBytes => UplinkCounters.PublishPacketBytes(Encoding.UTF8.GetByteCount(Topic), PayloadBytes) + UplinkCounters.PubackBytes;
}
