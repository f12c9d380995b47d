using Tracker.Core.Uplink;

namespace Tracker.Testing;

/// <summary>
/// A broker connection for the firmware's uplink that accepts everything and acknowledges every QoS 1 message at once,
/// in publish order: for tests of what a car sends and records when the network is perfect (a real broker is
/// tests/Tracker.Testing's <see cref="MosquittoBroker"/>). Packet ids run 1 to 65535 (MQTT 3.1.1 §2.3.1). With
/// <c>keepPublished: false</c> it allocates nothing per message once warm, for allocation tests.
/// </summary>
public sealed class AckingLink : IMqttLink
{
    private readonly Queue<int> _completions = new();
    private readonly bool _keepPublished;
    private int _nextId;

    /// <summary>Creates the link, disconnected.</summary>
    /// <param name="keepPublished">Keep a copy of every message in <see cref="Published"/>.</param>
    public AckingLink(bool keepPublished = true) => _keepPublished = keepPublished;

    /// <summary>Every message published, in order (empty when not kept).</summary>
    public List<(string Topic, byte[] Payload)> Published { get; } = [];

    /// <summary>Connects so far.</summary>
    public int Connects { get; private set; }

    /// <summary>Disconnects so far.</summary>
    public int Disconnects { get; private set; }

    /// <inheritdoc />
    public bool IsConnected { get; private set; }

    /// <inheritdoc />
    /// <remarks>Every PUBACK taken (each is one packet from the broker).</remarks>
    public int HeardFromBroker { get; private set; }

    /// <inheritdoc />
    public LinkResult Connect(MqttConnectOptions options)
    {
        Connects++;
        IsConnected = true;
        return LinkResult.Ok;
    }

    /// <inheritdoc />
    public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
    {
        messageId = 0;
        if (!IsConnected)
        {
            return LinkResult.NotConnected;
        }

        if (_keepPublished)
        {
            Published.Add((topic, payload[offset..(offset + count)]));
        }

        if (qos == 1)
        {
            _nextId = (_nextId % 65535) + 1;
            messageId = _nextId;
            _completions.Enqueue(messageId);
        }

        return LinkResult.Ok;
    }

    /// <inheritdoc />
    public bool TryTakeCompletion(out int messageId, out bool delivered)
    {
        delivered = _completions.TryDequeue(out messageId);
        if (delivered)
        {
            HeardFromBroker++;
        }

        return delivered;
    }

    /// <inheritdoc />
    public LinkResult Subscribe(string topic) => IsConnected ? LinkResult.Ok : LinkResult.NotConnected;

    /// <inheritdoc />
    public bool TryTakeMessage(out string topic, out byte[] payload)
    {
        topic = string.Empty;
        payload = [];
        return false;
    }

    /// <inheritdoc />
    public void Disconnect()
    {
        Disconnects++;
        IsConnected = false;
        _completions.Clear();
    }
}
