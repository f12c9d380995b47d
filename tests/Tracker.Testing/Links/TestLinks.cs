using Tracker.Core.Uplink;
using Tracker.HostLink;
using Xunit;

namespace Tracker.Testing;

/// <summary>
/// The firmware's host MQTT link (<see cref="MqttNetLink"/>) with identities from a test's <see cref="TestPki"/>, for a
/// <see cref="MosquittoBroker"/>, and bounded waits for what the broker sends (<see cref="Poll"/>).
/// </summary>
public static class TestLinks
{
    /// <summary>How long a test waits for what a broker does (a delivery, a log line) before it fails: 10 s.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Deliveries come within milliseconds; a short pause keeps the latency figures honest.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    /// <summary>The identity of the operator's subscriber in <see cref="MosquittoBroker.FleetAcl"/>.</summary>
    public const string Operator = "operator";

    /// <summary>A link for <paramref name="identity"/> (the certificate's CN) to 127.0.0.1:<paramref name="port"/>.</summary>
    public static MqttNetLink Create(TestPki pki, string identity, int port, int maxQueuedMessages = MqttNetLinkOptions.DefaultMaxQueuedMessages, TimeSpan? timeout = null) =>
        new(new MqttNetLinkOptions("127.0.0.1", port, pki.IssueClient(identity), pki.Ca, operationTimeout: timeout ?? TimeSpan.FromSeconds(5), maxQueuedMessages: maxQueuedMessages));

    /// <summary>Connect options with the MQTT client id <paramref name="clientId"/>, clean session, 60 s keep-alive.</summary>
    public static MqttConnectOptions Options(string clientId, string? willTopic = null, byte[]? willPayload = null) =>
        new(clientId, 60, willTopic, willTopic is null ? null : willPayload ?? [], cleanSession: true);

    /// <summary>The operator, connected and subscribed to <paramref name="filter"/>.</summary>
    public static MqttNetLink ConnectOperator(TestPki pki, int port, string filter = "tracker/#")
    {
        MqttNetLink link = Create(pki, Operator, port, maxQueuedMessages: 1_000_000);
        Assert.Equal(LinkResult.Ok, link.Connect(Options(Operator + "-" + Guid.NewGuid().ToString("N")[..8])));
        Assert.Equal(LinkResult.Ok, link.Subscribe(filter));
        return link;
    }

    /// <summary>Waits (bounded) for the next message on <paramref name="link"/>.</summary>
    public static (string Topic, byte[] Payload)? NextMessage(IMqttLink link, TimeSpan? timeout = null)
    {
        string topic = string.Empty;
        byte[] payload = [];
        return Poll.Until(() => link.TryTakeMessage(out topic, out payload), timeout ?? Patience, Tick) ? (topic, payload) : null;
    }

    /// <summary>Waits (bounded) until <paramref name="link"/> reports message <paramref name="messageId"/> delivered (its PUBACK); other completions are passed over.</summary>
    public static Task<bool> DeliveredAsync(IMqttLink link, int messageId, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => link.TryTakeCompletion(out int done, out bool delivered) && done == messageId && delivered, timeout ?? Patience, Tick);

    /// <summary>Waits (bounded) for the next completion on <paramref name="link"/>.</summary>
    public static (int MessageId, bool Delivered)? NextCompletion(IMqttLink link, TimeSpan? timeout = null)
    {
        int id = 0;
        bool delivered = false;
        return Poll.Until(() => link.TryTakeCompletion(out id, out delivered), timeout ?? Patience, Tick) ? (id, delivered) : null;
    }
}
