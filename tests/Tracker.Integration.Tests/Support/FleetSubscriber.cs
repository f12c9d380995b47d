using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.Core.Wire;
using Tracker.HostLink;

namespace Tracker.Integration.Tests.Support;

/// <summary>
/// The operator's side: subscribed to every car's topics (tracker/#), it decodes each fix message
/// with the firmware's own <see cref="BatchDecoder"/> and keeps the batches per car, raw, for the
/// lost/duplicated accounting.
/// </summary>
public sealed class FleetSubscriber : IDisposable
{
    private readonly TestPki _pki;
    private readonly int _port;
    private MqttNetLink _link;

    /// <summary>Connects and subscribes.</summary>
    public FleetSubscriber(TestPki pki, int port)
    {
        _pki = pki;
        _port = port;
        _link = TestLinks.ConnectOperator(pki, port);
    }

    /// <summary>Decoded fix messages per car, in arrival order.</summary>
    public Dictionary<string, List<Fix[]>> Batches { get; } = new(StringComparer.Ordinal);

    /// <summary>Fix messages received (raw).</summary>
    public int FixMessages { get; private set; }

    /// <summary>Status messages received (online reports and wills).</summary>
    public int StatusMessages { get; private set; }

    /// <summary>Messages that did not decode (must stay 0).</summary>
    public List<string> BadMessages { get; } = [];

    /// <summary>Takes what the link has queued.</summary>
    public void Drain()
    {
        while (_link.TryTakeMessage(out string topic, out byte[] payload))
        {
            string[] parts = topic.Split('/');
            if (parts is not ["tracker", var car, var kind])
            {
                BadMessages.Add("unexpected topic " + topic);
                continue;
            }

            if (kind == "status")
            {
                StatusMessages++;
                continue;
            }

            if (kind != "fixes")
            {
                continue;
            }

            FixMessages++;
            if (!BatchDecoder.TryReadCount(payload, 0, payload.Length, out int n, out BatchError error))
            {
                BadMessages.Add($"{topic}: {error}");
                continue;
            }

            var fixes = new Fix[n];
            if (!BatchDecoder.TryDecode(payload, 0, payload.Length, fixes, out n, out error))
            {
                BadMessages.Add($"{topic}: {error}");
                continue;
            }

            if (!Batches.TryGetValue(car, out List<Fix[]>? list))
            {
                Batches[car] = list = [];
            }

            list.Add(fixes[..n]);
        }
    }

    /// <summary>After the broker restarted: a new connection and subscription (bounded retries).</summary>
    public void Reconnect()
    {
        Drain();
        _link.Dispose();
        string? why = null;
        bool connected = Poll.Until(
            () =>
            {
                MqttNetLink link = TestLinks.Create(_pki, TestLinks.Operator, _port, maxQueuedMessages: 1_000_000);
                if (link.Connect(TestLinks.Options(TestLinks.Operator + "-" + Guid.NewGuid().ToString("N")[..8])) == LinkResult.Ok
                    && link.Subscribe("tracker/#") == LinkResult.Ok)
                {
                    _link = link;
                    return true;
                }

                why = link.LastFailure;
                link.Dispose();
                return false;
            },
            TestLinks.Patience);
        if (!connected)
        {
            throw new InvalidOperationException("the operator could not reconnect in " + TestLinks.Patience.TotalSeconds + " s: " + why);
        }
    }

    /// <summary>Fixes received for <paramref name="car"/>, every copy.</summary>
    public IEnumerable<Fix> RawFixes(string car) =>
        Batches.TryGetValue(car, out List<Fix[]>? list) ? list.SelectMany(b => b) : [];

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _link.Dispose();

    /// <summary>The link, for its counters.</summary>
    public IMqttLink Link => _link;
}
