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
}
