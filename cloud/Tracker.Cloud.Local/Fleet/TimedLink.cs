using Tracker.Cloud.Local.Observability;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Local.Fleet;

/// <summary>
/// A simulated car's link with a stopwatch on it: every fix batch the firmware core hands to <see cref="Publish"/> is
/// noted in the <see cref="PublishTimes"/> (car, batch CRC, wall time) before it goes out, so ingest and the browser
/// can measure latency from the device's own publish call. Everything else passes through unchanged.
/// </summary>
public sealed class TimedLink : IMqttLink
{
    private readonly IMqttLink _inner;
    private readonly string _carId;
    private readonly string _fixesTopic;
    private readonly PublishTimes _publishTimes;
    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The real link.</param>
    /// <param name="carId">The car.</param>
    /// <param name="fixesTopic">The car's fixes topic.</param>
    /// <param name="publishTimes">Where publish times go.</param>
    /// <param name="time">The wall clock.</param>
    public TimedLink(IMqttLink inner, string carId, string fixesTopic, PublishTimes publishTimes, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(publishTimes);
        ArgumentNullException.ThrowIfNull(time);
        _inner = inner;
        _carId = carId;
        _fixesTopic = fixesTopic;
        _publishTimes = publishTimes;
        _time = time;
    }

    /// <inheritdoc />
    public bool IsConnected => _inner.IsConnected;

    /// <inheritdoc />
    public LinkResult Connect(MqttConnectOptions options) => _inner.Connect(options);

    /// <inheritdoc />
    public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
    {
        if (string.Equals(topic, _fixesTopic, StringComparison.Ordinal) && PublishTimes.TryReadCrc(payload.AsSpan(offset, count), out uint crc))
        {
            // Noted before the send: the broker may ingest it before Publish returns.
            _publishTimes.Record(_carId, crc, _time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        return _inner.Publish(topic, payload, offset, count, qos, out messageId);
    }

    /// <inheritdoc />
    public bool TryTakeCompletion(out int messageId, out bool delivered) => _inner.TryTakeCompletion(out messageId, out delivered);

    /// <inheritdoc />
    public LinkResult Subscribe(string topic) => _inner.Subscribe(topic);

    /// <inheritdoc />
    public bool TryTakeMessage(out string topic, out byte[] payload) => _inner.TryTakeMessage(out topic, out payload);

    /// <inheritdoc />
    public void Disconnect() => _inner.Disconnect();
}
