using Tracker.Core.Uplink;
using Tracker.HostLink;
using Tracker.Integration.Tests.Broker;

namespace Tracker.Integration.Tests.Support;

/// <summary>Links with identities from a test's PKI, and bounded waits for what the broker does.</summary>
public static class TestLinks
{
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

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (default 10 s).</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Waits (bounded) for the next message on <paramref name="link"/>.</summary>
    public static (string Topic, byte[] Payload)? NextMessage(IMqttLink link, TimeSpan? timeout = null)
    {
        string topic = string.Empty;
        byte[] payload = [];
        return Eventually(() => link.TryTakeMessage(out topic, out payload), timeout) ? (topic, payload) : null;
    }

    /// <summary>Waits (bounded) for the next completion on <paramref name="link"/>.</summary>
    public static (int MessageId, bool Delivered)? NextCompletion(IMqttLink link, TimeSpan? timeout = null)
    {
        int id = 0;
        bool delivered = false;
        return Eventually(() => link.TryTakeCompletion(out id, out delivered), timeout) ? (id, delivered) : null;
    }
}
