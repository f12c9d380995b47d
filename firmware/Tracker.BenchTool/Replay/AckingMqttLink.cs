using Tracker.Core.Uplink;

namespace Tracker.BenchTool.Replay;

/// <summary>
/// A simulated <see cref="IMqttLink"/> with a perfect network: connecting always works, and every
/// QoS 1 publish is acknowledged at once (the completion is queued before <see cref="Publish"/>
/// returns, as the SIM7080G link does). It keeps a copy of every message, in order.
/// </summary>
public sealed class AckingMqttLink : IMqttLink
{
    private readonly Queue<int> _completions = new();
    private int _nextId;

    /// <summary>Every message published, in order.</summary>
    public List<(string Topic, byte[] Payload)> Published { get; } = [];

    /// <summary>Connections opened.</summary>
    public int Connects { get; private set; }

    /// <inheritdoc/>
    public bool IsConnected { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Every PUBACK taken (each is one packet from the broker).</remarks>
    public int HeardFromBroker { get; private set; }

    /// <inheritdoc/>
    public LinkResult Connect(MqttConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Connects++;
        IsConnected = true;
        return LinkResult.Ok;
    }

    /// <inheritdoc/>
    public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
    {
        messageId = 0;
        if (!IsConnected)
        {
            return LinkResult.NotConnected;
        }

        Published.Add((topic, payload[offset..(offset + count)]));
        if (qos == 1)
        {
            // Packet identifiers are 1 to 65535 (MQTT 3.1.1 §2.3.1).
            _nextId = _nextId % 65_535 + 1;
            messageId = _nextId;
            _completions.Enqueue(messageId);
        }

        return LinkResult.Ok;
    }

    /// <inheritdoc/>
    public bool TryTakeCompletion(out int messageId, out bool delivered)
    {
        delivered = _completions.TryDequeue(out messageId);
        if (delivered)
        {
            HeardFromBroker++;
        }

        return delivered;
    }

    /// <inheritdoc/>
    public LinkResult Subscribe(string topic) => IsConnected ? LinkResult.Ok : LinkResult.NotConnected;

    /// <inheritdoc/>
    public bool TryTakeMessage(out string topic, out byte[] payload)
    {
        topic = "";
        payload = [];
        return false;
    }

    /// <inheritdoc/>
    public void Disconnect()
    {
        IsConnected = false;
        _completions.Clear();
    }
}
