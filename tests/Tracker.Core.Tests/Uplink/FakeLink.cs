using Tracker.Core.Fixes;
using Tracker.Core.Time;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;

namespace Tracker.Core.Tests.Uplink;

/// <summary>A message as the broker received it.</summary>
public sealed record BrokerMessage(int Session, string Topic, byte[] Payload, int MessageId);

/// <summary>
/// An in-memory <see cref="IMqttLink"/> with its broker, for driving <see cref="UplinkEngine"/>
/// through every kind of failure. Time is the test's: <see cref="Now"/> is set before each tick, and
/// a PUBACK becomes available at the time its delay says. Faults are probabilities drawn from a
/// seeded <see cref="Random"/>, so a failing seed replays exactly.
/// </summary>
/// <remarks>
/// Follows the <see cref="IMqttLink"/> contract: a lost or closed connection drops every outcome not
/// yet taken (so no stale PUBACK can reach a later connection), ids are unique among messages in
/// flight, and no method throws for a transport failure.
/// </remarks>
public sealed class FakeLink : IMqttLink
{
    private readonly Random _random;
    private readonly List<Pending> _pending = [];
    private readonly Queue<(string Topic, byte[] Payload)> _incoming = new();
    private int _nextId = 1;
    private int _heard;
    private long _lastPingMs;

    public FakeLink(int seed = 1)
    {
        _random = new Random(seed);
    }

    // ---- knobs ----

    /// <summary>The test's clock, in ms.</summary>
    public long Now { get; set; }

    /// <summary>Probability that Connect fails.</summary>
    public double ConnectFailure { get; set; }

    /// <summary>Probability that Publish fails with TransportFailed and loses the connection (the broker may still have got it).</summary>
    public double PublishFailure { get; set; }

    /// <summary>Probability that Publish answers Busy.</summary>
    public double Busy { get; set; }

    /// <summary>Probability that a message published never reaches the broker.</summary>
    public double LostBeforeBroker { get; set; }

    /// <summary>Probability that the broker's PUBACK is lost (the broker has the message).</summary>
    public double PubackLost { get; set; }

    /// <summary>Probability that a message that did not reach the broker is reported as not delivered (otherwise it just never completes).</summary>
    public double ReportGiveUp { get; set; } = 0.5;

    /// <summary>Longest PUBACK delay in ms (uniform from 0).</summary>
    public int MaxAckDelayMs { get; set; }

    /// <summary>When true, the PUBACK is queued before Publish returns, as on the SIM7080G.</summary>
    public bool Synchronous { get; set; }

    /// <summary>When set, Subscribe fails.</summary>
    public bool SubscribeFails { get; set; }

    /// <summary>When set, the broker holds every PUBACK (it has the messages) until this is cleared.</summary>
    public bool HoldPubacks { get; set; }

    /// <summary>The link's keep-alive: when above 0, a PINGREQ goes out every this many ms of connection (0: none).</summary>
    public int PingEveryMs { get; set; }

    /// <summary>When cleared, the broker no longer answers PINGREQ (a stuck broker, or a half-open connection).</summary>
    public bool AnswersPings { get; set; } = true;

    /// <summary>PINGREQs the broker answered.</summary>
    public int PingsAnswered { get; private set; }

    // ---- what happened ----

    /// <summary>Every message that reached the broker, in order.</summary>
    public List<BrokerMessage> Broker { get; } = [];

    /// <summary>Messages the broker published on the car's behalf (the will).</summary>
    public List<BrokerMessage> Wills { get; } = [];

    /// <summary>Every Publish call that returned Ok, with its payload.</summary>
    public List<BrokerMessage> Published { get; } = [];

    /// <summary>Connections made.</summary>
    public int Session { get; private set; }

    /// <summary>Times Connect was called, with the test time.</summary>
    public List<long> ConnectCalls { get; } = [];

    /// <summary>The options of the last Connect.</summary>
    public MqttConnectOptions? LastOptions { get; private set; }

    /// <summary>Topics subscribed on the current connection.</summary>
    public List<string> Subscriptions { get; } = [];

    /// <summary>Called with (message id, delivered, payload) each time the engine takes a completion.</summary>
    public Action<int, bool, byte[]>? OnCompletionTaken { get; set; }

    /// <summary>Called each time Connect succeeds.</summary>
    public Action? OnConnected { get; set; }

    /// <summary>Called with the message each time Publish returns Ok.</summary>
    public Action<BrokerMessage>? OnPublished { get; set; }

    /// <inheritdoc/>
    public bool IsConnected { get; private set; }

    /// <inheritdoc/>
    /// <remarks>CONNACK, PUBACKs taken, SUBACK, messages taken, and the PINGRESPs of the keep-alive (<see cref="PingEveryMs"/>), which runs when this is read.</remarks>
    public int HeardFromBroker
    {
        get
        {
            if (IsConnected && PingEveryMs > 0 && Now - _lastPingMs >= PingEveryMs)
            {
                _lastPingMs = Now;
                if (AnswersPings)
                {
                    PingsAnswered++;
                    _heard++;
                }
            }

            return _heard;
        }
    }

    /// <summary>Messages published on this connection whose outcome the engine has not taken.</summary>
    public int Outstanding => _pending.Count;

    /// <inheritdoc/>
    public LinkResult Connect(MqttConnectOptions options)
    {
        ConnectCalls.Add(Now);
        LastOptions = options;
        if (IsConnected)
        {
            throw new InvalidOperationException("Connect while connected");
        }

        if (Chance(ConnectFailure))
        {
            return LinkResult.TransportFailed;
        }

        IsConnected = true;
        _heard++; // the CONNACK
        _lastPingMs = Now;
        Session++;
        Subscriptions.Clear();
        OnConnected?.Invoke();
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

        if (Chance(Busy))
        {
            return LinkResult.Busy;
        }

        byte[] copy = payload.AsSpan(offset, count).ToArray();
        if (Chance(PublishFailure))
        {
            if (Chance(0.5))
            {
                Broker.Add(new BrokerMessage(Session, topic, copy, 0));
            }

            LoseConnection();
            return LinkResult.TransportFailed;
        }

        int id;
        do
        {
            id = _nextId;
            _nextId = _nextId == 65535 ? 1 : _nextId + 1;
        }
        while (_pending.Exists(p => p.Id == id));

        messageId = id;

        var message = new BrokerMessage(Session, topic, copy, messageId);
        Published.Add(message);

        OnPublished?.Invoke(message);
        bool reached = !Chance(LostBeforeBroker);
        long readyAt = Synchronous || MaxAckDelayMs == 0 ? Now : Now + _random.Next(MaxAckDelayMs + 1);
        if (reached)
        {
            Broker.Add(message);

            if (!Chance(PubackLost))
            {
                _pending.Add(new Pending(messageId, true, readyAt, copy));
            }
        }
        else if (Chance(ReportGiveUp))
        {
            _pending.Add(new Pending(messageId, false, readyAt, copy));
        }

        if (_pending.Count > 65535)
        {
            throw new InvalidOperationException("too many in flight");
        }

        return LinkResult.Ok;
    }

    /// <inheritdoc/>
    public bool TryTakeCompletion(out int messageId, out bool delivered)
    {
        for (int i = 0; i < _pending.Count; i++)
        {
            Pending p = _pending[i];
            if (p.ReadyAt <= Now && !(HoldPubacks && p.Delivered))
            {
                _pending.RemoveAt(i);
                _heard += p.Delivered ? 1 : 0;
                messageId = p.Id;
                delivered = p.Delivered;
                OnCompletionTaken?.Invoke(p.Id, p.Delivered, p.Payload);
                return true;
            }
        }

        messageId = 0;
        delivered = false;
        return false;
    }

    /// <inheritdoc/>
    public LinkResult Subscribe(string topic)
    {
        if (!IsConnected)
        {
            return LinkResult.NotConnected;
        }

        if (SubscribeFails)
        {
            return LinkResult.Refused;
        }

        Subscriptions.Add(topic);
        _heard++; // the SUBACK
        return LinkResult.Ok;
    }

    /// <inheritdoc/>
    public bool TryTakeMessage(out string topic, out byte[] payload)
    {
        if (IsConnected && _incoming.TryDequeue(out var m))
        {
            _heard++;
            topic = m.Topic;
            payload = m.Payload;
            return true;
        }

        topic = string.Empty;
        payload = [];
        return false;
    }

    /// <inheritdoc/>
    public void Disconnect()
    {
        IsConnected = false;
        _pending.Clear();
        _incoming.Clear();
    }

    /// <summary>The network drops: the broker publishes the will; outcomes not taken are gone.</summary>
    public void LoseConnection()
    {
        if (IsConnected && LastOptions?.WillTopic is { } willTopic)
        {
            Wills.Add(new BrokerMessage(Session, willTopic, LastOptions.WillPayload!, 0));
        }

        IsConnected = false;
        _pending.Clear();
        _incoming.Clear();
    }

    /// <summary>A message from the cloud on a subscribed topic.</summary>
    public void Deliver(string topic, byte[] payload) => _incoming.Enqueue((topic, payload));

    /// <summary>For failure messages: the outcomes waiting.</summary>
    public string DescribePending() => string.Join("; ", _pending.Select(p => $"id {p.Id} delivered {p.Delivered} at {p.ReadyAt} (now {Now})"));

    /// <summary>Turns every fault off; PUBACKs come within half a second.</summary>
    public void Heal()
    {
        ConnectFailure = PublishFailure = Busy = LostBeforeBroker = PubackLost = 0;
        MaxAckDelayMs = Math.Min(MaxAckDelayMs, 500);
    }

    /// <summary>Fixes in the fix messages the broker received, decoded.</summary>
    public List<Fix> BrokerFixes(string fixesTopic) => Broker.Where(m => m.Topic == fixesTopic).SelectMany(m => Decode(m.Payload)).ToList();

    /// <summary>Decodes a fix message, asserting it is valid.</summary>
    public static Fix[] Decode(byte[] payload)
    {
        Assert.True(BatchDecoder.TryReadCount(payload, 0, payload.Length, out int n, out BatchError error), error.ToString());
        var fixes = new Fix[n];
        Assert.True(BatchDecoder.TryDecode(payload, 0, payload.Length, fixes, out n, out error), error.ToString());
        return fixes[..n];
    }

    private bool Chance(double p) => p > 0 && _random.NextDouble() < p;

    private sealed record Pending(int Id, bool Delivered, long ReadyAt, byte[] Payload);
}
