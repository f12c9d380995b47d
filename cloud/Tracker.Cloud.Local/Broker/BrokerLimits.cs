namespace Tracker.Cloud.Local.Broker;

/// <summary>
/// The broker's limits, each as AWS IoT Core has it where it has one (AWS General Reference, "AWS IoT Core endpoints and
/// quotas"), so that what works locally works on AWS and what a stolen car key or a stranger can do here is bounded.
/// </summary>
public static class BrokerLimits
{
    /// <summary>The largest message payload, 128 KiB: IoT Core's limit for a publish (and so for a retained message).</summary>
    public const int MaxMessageBytes = 128 * 1024;

    /// <summary>
    /// The largest MQTT packet read at all (its remaining length): the payload limit plus room for the topic, packet id
    /// and MQTT 5 properties. A packet that declares more is refused from its header, before it is buffered.
    /// </summary>
    public const int MaxPacketBytes = MaxMessageBytes + 2048;

    /// <summary>The default time a new connection has to finish its TLS handshake and send CONNECT.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default number of connections that may wait for their handshake or CONNECT at once, per listener.</summary>
    public const int DefaultMaxPendingConnections = 256;

    /// <summary>The default number of open HTTP connections (pages, API calls and browsers' WebSockets) at once.</summary>
    public const int DefaultMaxHttpConnections = 1024;

    /// <summary>Messages queued for one slow subscriber before the oldest are dropped.</summary>
    public const int MaxQueuedMessagesPerClient = 1000;

    /// <summary>
    /// Bytes (topics and payloads) of live messages queued for one viewer session before the oldest are dropped
    /// (<see cref="LiveOutbox"/>): 2 × <see cref="MaxPacketBytes"/> (260 KiB), room for the largest message being written
    /// and the largest one waiting, so the newest always fits once older ones are dropped. A car's live batch is at
    /// most its <c>UplinkOptions.MaxMessageBytes</c> (1 KiB by default), so a browser that stops reading holds about
    /// 260 of those (the message bound, 1,000, is reached first only below 266 bytes a message) and, at most, two
    /// largest backlog batches instead of 1,000 of them (125 MiB). The same figure bounds a car's TLS pipe.
    /// </summary>
    public const int MaxQueuedBytesPerClient = 2 * MaxPacketBytes;
}
