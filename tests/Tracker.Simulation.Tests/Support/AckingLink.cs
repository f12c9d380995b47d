using Tracker.Core.Uplink;

namespace Tracker.Simulation.Tests.Support;

/// <summary>A fake broker connection that accepts everything and acknowledges every QoS 1 message at once.</summary>
internal sealed class AckingLink : IMqttLink
{
    private readonly Queue<int> _completions = new();
    private int _nextId;

    public List<(string Topic, byte[] Payload)> Published { get; } = [];

    public int Connects { get; private set; }

    public int Disconnects { get; private set; }

    public bool IsConnected { get; private set; }

    public LinkResult Connect(MqttConnectOptions options)
    {
        Connects++;
        IsConnected = true;
        return LinkResult.Ok;
    }

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
            _nextId = (_nextId % 65535) + 1; // MQTT 3.1.1 §2.3.1: packet ids are 1 to 65535
            messageId = _nextId;
            _completions.Enqueue(messageId);
        }

        return LinkResult.Ok;
    }

    public bool TryTakeCompletion(out int messageId, out bool delivered)
    {
        delivered = _completions.TryDequeue(out messageId);
        return delivered;
    }

    public LinkResult Subscribe(string topic) => IsConnected ? LinkResult.Ok : LinkResult.NotConnected;

    public bool TryTakeMessage(out string topic, out byte[] payload)
    {
        topic = string.Empty;
        payload = [];
        return false;
    }

    public void Disconnect()
    {
        Disconnects++;
        IsConnected = false;
        _completions.Clear();
    }
}
