using Tracker.Core.Time;
using Tracker.Core.Uplink;
using Tracker.Simulation.Gnss;

namespace Tracker.Simulation.Car;

/// <summary>
/// An <see cref="IMqttLink"/> decorator that takes the network away while the car is in a cellular
/// dead zone (<see cref="IGnssSource.InCoverage"/> at the car's clock): an open connection is
/// dropped, and connect, publish and subscribe fail as they do on a modem without a bearer. The
/// FixLog buffers meanwhile, and the backlog flows when coverage returns.
/// </summary>
/// <remarks>
/// <para>What a modem does without network, in <see cref="LinkResult"/> terms: <see cref="Connect"/>
/// returns <see cref="LinkResult.NetworkDown"/> (no PDP context can be activated); on a connection
/// that was lost, <see cref="Publish"/> and <see cref="Subscribe"/> return
/// <see cref="LinkResult.NotConnected"/>, and <see cref="IsConnected"/> reads false.</para>
/// <para>PUBACKs that had arrived before the loss are kept and still reported (the uplink takes
/// them before it rewinds what is in flight: "outcomes that arrived before the loss still count");
/// a message whose PUBACK had not arrived is offered again after the reconnect.</para>
/// <para>The inner connection is closed with <see cref="IMqttLink.Disconnect"/>, which sends
/// DISCONNECT, so the broker does not publish the car's will; in a real dead zone it would, after
/// 1.5 keep-alive periods (MQTT 3.1.1 §3.1.2.10).</para>
/// </remarks>
public sealed class CoverageLink : IMqttLink
{
    private readonly IMqttLink _inner;
    private readonly IGnssSource _coverage;
    private readonly IWallClock _clock;
    private readonly Queue<(int Id, bool Delivered)> _kept = new();

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The real link.</param>
    /// <param name="coverage">Says when the car has coverage.</param>
    /// <param name="clock">The car's clock (the time coverage is asked for).</param>
    public CoverageLink(IMqttLink inner, IGnssSource coverage, IWallClock clock)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(coverage);
        ArgumentNullException.ThrowIfNull(clock);
        _inner = inner;
        _coverage = coverage;
        _clock = clock;
    }

    /// <summary>True when the car has coverage now.</summary>
    public bool InCoverage => _coverage.InCoverage(_clock.UtcNowMs);

    /// <summary>Connections dropped because coverage was lost.</summary>
    public long Drops { get; private set; }

    /// <summary>Operations refused because there was no coverage.</summary>
    public long Refusals { get; private set; }

    /// <inheritdoc/>
    public bool IsConnected
    {
        get
        {
            Update();
            return _inner.IsConnected;
        }
    }

    /// <inheritdoc/>
    public int HeardFromBroker => _inner.HeardFromBroker;

    /// <summary>Drops the inner connection when coverage is gone; the car calls it every step.</summary>
    public void Update()
    {
        if (InCoverage || !_inner.IsConnected)
        {
            return;
        }

        while (_inner.TryTakeCompletion(out int id, out bool delivered))
        {
            _kept.Enqueue((id, delivered));
        }

        _inner.Disconnect();
        Drops++;
    }

    /// <summary>
    /// True while nothing answers where the car's running settings send it (its <c>mqtt.port</c> is not the broker's:
    /// <see cref="SimulatedCarOptions.BrokerMqttPort"/>): every connect fails as a TCP connect to a closed port does.
    /// </summary>
    public bool Unreachable { get; set; }

    /// <inheritdoc/>
    public LinkResult Connect(MqttConnectOptions options)
    {
        Update();
        if (!InCoverage)
        {
            Refusals++;
            return LinkResult.NetworkDown;
        }

        if (Unreachable)
        {
            Refusals++;
            return LinkResult.TransportFailed;
        }

        _kept.Clear();
        return _inner.Connect(options);
    }

    /// <inheritdoc/>
    public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
    {
        Update();
        if (!InCoverage)
        {
            Refusals++;
            messageId = 0;
            return LinkResult.NotConnected;
        }

        return _inner.Publish(topic, payload, offset, count, qos, out messageId);
    }

    /// <inheritdoc/>
    public bool TryTakeCompletion(out int messageId, out bool delivered)
    {
        if (_kept.TryDequeue(out (int Id, bool Delivered) kept))
        {
            messageId = kept.Id;
            delivered = kept.Delivered;
            return true;
        }

        return _inner.TryTakeCompletion(out messageId, out delivered);
    }

    /// <inheritdoc/>
    public LinkResult Subscribe(string topic)
    {
        Update();
        if (!InCoverage)
        {
            Refusals++;
            return LinkResult.NotConnected;
        }

        return _inner.Subscribe(topic);
    }

    /// <inheritdoc/>
    public bool TryTakeMessage(out string topic, out byte[] payload)
    {
        if (_local.TryDequeue(out (string Topic, byte[] Payload) message))
        {
            (topic, payload) = message;
            return true;
        }

        return _inner.TryTakeMessage(out topic, out payload);
    }

    /// <summary>
    /// Hands the car a message as if it had arrived from the broker (the simulator's way to press the car's own
    /// buttons: a watch request that makes it publish what it holds, before the simulation stops).
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="payload">The payload.</param>
    public void Deliver(string topic, byte[] payload) => _local.Enqueue((topic, payload));

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Topic, byte[] Payload)> _local = new();

    /// <inheritdoc/>
    public void Disconnect()
    {
        _kept.Clear();
        _inner.Disconnect();
    }
}
