using System.Collections.Concurrent;
using System.Globalization;
using Tracker.Cloud.Local.Observability;

namespace Tracker.Cloud.Local.Benchmarks.Load;

/// <summary>
/// Every fix batch each car published, by wall time, fed from <see cref="PublishTimes.Recorded"/>. An event's
/// <c>detectedMs</c> is the broker's receipt of the batch that decided it; the car has one batch in flight at a time
/// (its uplink waits for the PUBACK), so that batch is the car's last publish at or before that receipt.
/// </summary>
public sealed class CarPublishes
{
    private readonly ConcurrentDictionary<string, List<long>> _byCar = new(StringComparer.Ordinal);

    /// <summary>Follows every batch <paramref name="times"/> records from now on.</summary>
    /// <param name="times">The fleet's publish times.</param>
    public void Follow(PublishTimes times)
    {
        ArgumentNullException.ThrowIfNull(times);
        times.Recorded += (car, _, ms) => Add(car, ms);
    }

    /// <summary>Notes a publish.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="wallMs">When, UTC epoch ms.</param>
    public void Add(string carId, long wallMs)
    {
        List<long> list = _byCar.GetOrAdd(carId, _ => []);
        lock (list)
        {
            int at = list.Count;
            while (at > 0 && list[at - 1] > wallMs)
            {
                at--;
            }

            list.Insert(at, wallMs);
        }
    }

    /// <summary>The car's last publish at or before <paramref name="wallMs"/>.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="wallMs">UTC epoch ms.</param>
    /// <returns>The publish time, or null when the car published nothing by then.</returns>
    public long? LastAtOrBefore(string carId, long wallMs)
    {
        if (!_byCar.TryGetValue(carId, out List<long>? list))
        {
            return null;
        }

        lock (list)
        {
            int i = list.BinarySearch(wallMs);
            i = i >= 0 ? LastEqual(list, i) : ~i - 1;
            return i >= 0 ? list[i] : null;
        }
    }

    private static int LastEqual(List<long> list, int i)
    {
        while (i + 1 < list.Count && list[i + 1] == list[i])
        {
            i++;
        }

        return i;
    }
}

/// <summary>
/// The webhook figures of a run: every standing event of the subscribed type against what the receiver got (once,
/// more than once, never, unexpected), and the latency from the car's publish of the batch that decided an event to
/// the webhook's arrival, split at the broker's receipt, over the events decided inside the measured window.
/// </summary>
/// <param name="Expected">Standing events of the subscribed type in the host's store.</param>
/// <param name="DeliveredOnce">Expected events received exactly once.</param>
/// <param name="DeliveredTwiceOrMore">Expected events received more than once.</param>
/// <param name="Missing">Expected events never received.</param>
/// <param name="Unexpected">Events received that the store does not hold as standing.</param>
/// <param name="Refused">Requests the receiver refused, by reason.</param>
/// <param name="Timed">Events decided in the window and matched to their batch's publish.</param>
/// <param name="Unmatched">Events decided in the window with no publish of their car before (none expected).</param>
/// <param name="PublishToWebhook">p50, p99, max in ms.</param>
/// <param name="PublishToReceipt">p50, p99, max in ms (the car's publish to the broker's receipt).</param>
/// <param name="ReceiptToWebhook">p50, p99, max in ms (ingest, Derive, the outbox, the POST).</param>
public sealed record WebhookLatencyReport(
    int Expected, int DeliveredOnce, int DeliveredTwiceOrMore, int Missing, int Unexpected, IReadOnlyDictionary<string, int> Refused,
    int Timed, int Unmatched, double[] PublishToWebhook, double[] PublishToReceipt, double[] ReceiptToWebhook)
{
    /// <summary>True when every expected event arrived exactly once, nothing else arrived and nothing was refused.</summary>
    public bool AllOnce => DeliveredOnce == Expected && DeliveredTwiceOrMore == 0 && Missing == 0 && Unexpected == 0 && Refused.Count == 0;

    /// <summary>Builds the report.</summary>
    /// <param name="received">The receiver's valid deliveries with their arrival.</param>
    /// <param name="expected">The standing events (car, event id) of the subscribed type.</param>
    /// <param name="refused">The receiver's refusals.</param>
    /// <param name="publishes">The cars' publishes.</param>
    /// <param name="windowStartMs">The measured window's start, UTC epoch ms.</param>
    /// <param name="windowEndMs">Its end.</param>
    /// <returns>The report.</returns>
    public static WebhookLatencyReport Of(
        IReadOnlyList<(WebhookDelivery Delivery, long ArrivedMs)> received, IReadOnlySet<(string Car, string Id)> expected, IReadOnlyDictionary<string, int> refused,
        CarPublishes publishes, long windowStartMs, long windowEndMs)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(refused);
        ArgumentNullException.ThrowIfNull(publishes);
        var byEvent = received.GroupBy(r => (r.Delivery.CarId, r.Delivery.EventId)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.ArrivedMs).ToList());
        int once = expected.Count(e => byEvent.TryGetValue(e, out var list) && list.Count == 1);
        int more = expected.Count(e => byEvent.TryGetValue(e, out var list) && list.Count > 1);
        int missing = expected.Count(e => !byEvent.ContainsKey(e));
        int unexpected = byEvent.Keys.Count(k => !expected.Contains(k));

        List<double> total = [];
        List<double> toReceipt = [];
        List<double> toHook = [];
        int unmatched = 0;
        foreach (var first in byEvent.Values.Select(list => list[0]).Where(r => r.Delivery.DetectedMs >= windowStartMs && r.Delivery.DetectedMs <= windowEndMs))
        {
            if (publishes.LastAtOrBefore(first.Delivery.CarId, first.Delivery.DetectedMs) is not { } published)
            {
                unmatched++;
                continue;
            }

            total.Add(first.ArrivedMs - published);
            toReceipt.Add(first.Delivery.DetectedMs - published);
            toHook.Add(first.ArrivedMs - first.Delivery.DetectedMs);
        }

        return new WebhookLatencyReport(expected.Count, once, more, missing, unexpected, refused, total.Count, unmatched, Quantiles(total), Quantiles(toReceipt), Quantiles(toHook));
    }

    /// <summary>p50, p99 and max by nearest rank; zeros when empty.</summary>
    /// <param name="values">The values.</param>
    /// <returns>Three numbers.</returns>
    public static double[] Quantiles(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return [0, 0, 0];
        }

        double Rank(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return [Rank(0.5), Rank(0.99), sorted[^1]];
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string refused = Refused.Count == 0 ? "none refused" : "refused: " + string.Join("; ", Refused.Select(p => p.Value.ToString(CultureInfo.InvariantCulture) + " x " + p.Key));
        return $"webhook deliveries      {Expected} events stood, {DeliveredOnce} delivered once, {DeliveredTwiceOrMore} more than once, {Missing} never, {Unexpected} unexpected; every signature checked, {refused}\n"
            + $"publish -> webhook      p50 {PublishToWebhook[0]:0} ms, p99 {PublishToWebhook[1]:0} ms, max {PublishToWebhook[2]:0} ms over {Timed} events decided in the window ({Unmatched} unmatched)\n"
            + $"  publish -> broker     p50 {PublishToReceipt[0]:0} ms, p99 {PublishToReceipt[1]:0} ms, max {PublishToReceipt[2]:0} ms (the car's publish call to the broker's receipt of that batch)\n"
            + $"  broker -> webhook     p50 {ReceiptToWebhook[0]:0} ms, p99 {ReceiptToWebhook[1]:0} ms, max {ReceiptToWebhook[2]:0} ms (ingest, Derive, the outbox, the signed POST)";
    }
}
