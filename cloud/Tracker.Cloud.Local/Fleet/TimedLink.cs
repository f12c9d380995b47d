using Tracker.Cloud.Local.Observability;
using Tracker.Core.Uplink;
using Tracker.HostLink;

namespace Tracker.Cloud.Local.Fleet;

/// <summary>
/// A simulated car's link with a stopwatch on it: every fix batch the firmware core hands to <see cref="Publish"/> is
/// noted in the <see cref="PublishTimes"/> (car, batch CRC, wall time) before it goes out, so ingest and the browser
/// can measure latency from the device's own publish call. Given a histogram and an <see cref="MqttNetLink"/>, it also
/// times each fix batch's publish call to its PUBACK, which the broker sends only once the batch is stored: a load
/// process that runs the cars apart from the host reads publish-to-stored (plus the PUBACK's way back) from it. Given a
/// <see cref="ConnectLog"/>, it times each connect too, from the car's call to the CONNACK (or the failure).
/// Everything else passes through unchanged.
/// </summary>
public sealed class TimedLink : IMqttLink
{
    private readonly IMqttLink _inner;
    private readonly string _carId;
    private readonly string _fixesTopic;
    private readonly PublishTimes _publishTimes;
    private readonly TimeProvider _time;
    private readonly LatencyHistogram? _publishToAck;
    private readonly ConnectLog? _connects;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, long> _awaitingAck = [];
    private readonly Dictionary<int, long> _ackedEarly = [];
    private bool _inFixPublish;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The real link.</param>
    /// <param name="carId">The car.</param>
    /// <param name="fixesTopic">The car's fixes topic.</param>
    /// <param name="publishTimes">Where publish times go.</param>
    /// <param name="time">The wall clock.</param>
    /// <param name="publishToAck">Where publish-to-PUBACK times of fix batches go; null for none (it needs an <see cref="MqttNetLink"/>).</param>
    /// <param name="connects">Where each connection attempt (its start, how long it took, whether it got in) goes; null for none.</param>
    public TimedLink(IMqttLink inner, string carId, string fixesTopic, PublishTimes publishTimes, TimeProvider time, LatencyHistogram? publishToAck = null, ConnectLog? connects = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(publishTimes);
        ArgumentNullException.ThrowIfNull(time);
        _inner = inner;
        _carId = carId;
        _fixesTopic = fixesTopic;
        _publishTimes = publishTimes;
        _time = time;
        _connects = connects;
        if (publishToAck is not null && inner is MqttNetLink link)
        {
            _publishToAck = publishToAck;
            link.Completed += OnCompleted;
        }
    }

    /// <inheritdoc />
    public bool IsConnected => _inner.IsConnected;

    /// <inheritdoc />
    public int HeardFromBroker => _inner.HeardFromBroker;

    /// <inheritdoc />
    public LinkResult Connect(MqttConnectOptions options)
    {
        if (_connects is null)
        {
            return _inner.Connect(options);
        }

        long startedMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long started = _time.GetTimestamp();
        LinkResult result = _inner.Connect(options);
        _connects.Record(new ConnectAttempt(_carId, startedMs, _time.GetElapsedTime(started).TotalMilliseconds, result == LinkResult.Ok));
        return result;
    }

    /// <inheritdoc />
    public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
    {
        if (!string.Equals(topic, _fixesTopic, StringComparison.Ordinal) || !PublishTimes.TryReadCrc(payload.AsSpan(offset, count), out uint crc))
        {
            return _inner.Publish(topic, payload, offset, count, qos, out messageId);
        }

        // Noted before the send: the broker may ingest it before Publish returns.
        long publishedMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _publishTimes.Record(_carId, crc, publishedMs);
        if (_publishToAck is null || qos != 1)
        {
            return _inner.Publish(topic, payload, offset, count, qos, out messageId);
        }

        // An outcome on MQTTnet's task waits at the gate until the id is noted; one that completes synchronously inside
        // the inner call (same thread, the lock is re-entrant) is kept until the id is known.
        lock (_gate)
        {
            LinkResult result;
            _inFixPublish = true;
            try
            {
                result = _inner.Publish(topic, payload, offset, count, qos, out messageId);
            }
            finally
            {
                _inFixPublish = false;
            }

            if (result == LinkResult.Ok)
            {
                if (_ackedEarly.Remove(messageId, out long ackedMs))
                {
                    _publishToAck.Record(ackedMs - publishedMs);
                }
                else
                {
                    _awaitingAck[messageId] = publishedMs;
                }
            }

            return result;
        }
    }

    /// <inheritdoc />
    public bool TryTakeCompletion(out int messageId, out bool delivered) => _inner.TryTakeCompletion(out messageId, out delivered);

    /// <inheritdoc />
    public LinkResult Subscribe(string topic) => _inner.Subscribe(topic);

    /// <inheritdoc />
    public bool TryTakeMessage(out string topic, out byte[] payload) => _inner.TryTakeMessage(out topic, out payload);

    /// <inheritdoc />
    public void Disconnect() => _inner.Disconnect();

    private void OnCompleted(int messageId, bool delivered)
    {
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_awaitingAck.Remove(messageId, out long publishedMs))
            {
                if (delivered)
                {
                    _publishToAck!.Record(nowMs - publishedMs);
                }
            }
            else if (delivered && _inFixPublish)
            {
                _ackedEarly[messageId] = nowMs;
            }
        }
    }
}
