using System.Diagnostics;
using System.Globalization;
using Tracker.Core.Fixes;
using Tracker.Core.Uplink;
using Tracker.Integration.Tests.Net;

namespace Tracker.Integration.Tests.Support;

/// <summary>
/// Runs a few cars through a drive against the real broker in compressed time, with a fault hook,
/// then drains and accounts for every fix: the expected result, measured.
/// </summary>
/// <remarks>
/// One thread ticks everything, as the fleet will. Simulated time advances one
/// <see cref="StepMs"/> per step; within a step the cars are ticked again (1 ms apart, at most
/// <see cref="SettleBudget"/> of real time) until no message is in flight, so the simulated clock
/// never runs ahead of a real PUBACK and the engine's 60 s PUBACK timeout means what it says. Every
/// loop is bounded in steps and in real time.
/// </remarks>
public sealed class FleetScenario : IDisposable
{
    /// <summary>Simulated milliseconds per step: one NMEA epoch of the 1 Hz drives.</summary>
    public const int StepMs = 1000;

    /// <summary>Longest real time one step waits for PUBACKs before time moves on anyway.</summary>
    public static readonly TimeSpan SettleBudget = TimeSpan.FromMilliseconds(100);

    private readonly string _root;
    private readonly Stopwatch _clock = new();
    private int _steps;
    private int _step;

    /// <summary>Sets up the subscriber, the optional proxy and <paramref name="cars"/> cars.</summary>
    public FleetScenario(TestPki pki, MosquittoBroker broker, Drive drive, int cars, bool viaProxy, Func<UplinkTopics, UplinkOptions> options, int seed)
    {
        Drive = drive;
        Broker = broker;
        _root = Directory.CreateTempSubdirectory("tracker-fixlogs-").FullName;
        Subscriber = new FleetSubscriber(pki, broker.Port);
        Proxy = viaProxy ? new CuttableProxy(broker.Port) : null;
        int port = Proxy?.Port ?? broker.Port;
        Cars = [.. Enumerable.Range(1, cars).Select(i =>
        {
            string id = "car-" + i.ToString("D3", CultureInfo.InvariantCulture);
            return new CarRig(id, pki, port, drive, Path.Combine(_root, id), options, (uint)(seed * 7919 + i));
        })];
    }

    /// <summary>The drive every car replays.</summary>
    public Drive Drive { get; }

    /// <summary>The broker.</summary>
    public MosquittoBroker Broker { get; }

    /// <summary>The relay between the cars and the broker, when asked for.</summary>
    public CuttableProxy? Proxy { get; }

    /// <summary>The operator's subscriber (connected to the broker directly).</summary>
    public FleetSubscriber Subscriber { get; }

    /// <summary>The cars.</summary>
    public IReadOnlyList<CarRig> Cars { get; }

    /// <summary>Simulated time, ms since the drive's first fix.</summary>
    public long NowMs { get; private set; }

    /// <summary>Real time spent running.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Replays the drive step by step. <paramref name="fault"/> runs right after the cars' first tick
    /// of each step, while the messages that tick published are still in flight.
    /// </summary>
    public void RunDrive(Action<int>? fault = null)
    {
        while (!Cars.All(c => c.DriveDone))
        {
            Step(fault);
        }
    }

    /// <summary>One step of simulated time: feed and tick every car, run <paramref name="fault"/>, then settle.</summary>
    public void Step(Action<int>? fault = null)
    {
        _clock.Start();
        NowMs = (long)_step * StepMs;
        foreach (CarRig car in Cars)
        {
            car.Step(NowMs);
        }

        fault?.Invoke(_step);
        Settle();
        _step++;
        _clock.Stop();
    }

    /// <summary>
    /// After the drive: keeps time moving until every log is empty and nothing is in flight
    /// (bounded: <paramref name="maxSimulated"/> of simulated time, 60 s of real time), then waits
    /// (bounded) for the subscriber to have every fix.
    /// </summary>
    public bool Drain(TimeSpan? maxSimulated = null)
    {
        _clock.Start();
        long end = NowMs + (long)(maxSimulated ?? TimeSpan.FromHours(2)).TotalMilliseconds;
        var realLimit = Stopwatch.StartNew();
        while (!Cars.All(c => c.Settled) && NowMs < end && realLimit.Elapsed < TimeSpan.FromSeconds(60))
        {
            NowMs = (long)_step++ * StepMs;
            foreach (CarRig car in Cars)
            {
                car.Step(NowMs);
            }

            Settle();
        }

        bool settled = Cars.All(c => c.Settled);
        Poll.Until(
            () =>
            {
                Subscriber.Drain();
                return Cars.All(c => Delivered(c).Missing == 0);
            },
            TestLinks.Patience);
        Subscriber.Drain();
        _clock.Stop();
        return settled;
    }

    /// <summary>What reached the subscriber for a car, against what the car recorded.</summary>
    public Delivery Delivered(CarRig car)
    {
        var recorded = new Dictionary<long, Fix>();
        foreach (Fix f in car.Appended)
        {
            recorded[f.TimeMs] = f;
        }

        int raw = 0;
        int wrong = 0;
        var seen = new Dictionary<long, int>();
        foreach (Fix f in Subscriber.RawFixes(car.CarId))
        {
            raw++;
            seen[f.TimeMs] = seen.GetValueOrDefault(f.TimeMs) + 1;
            if (!recorded.TryGetValue(f.TimeMs, out Fix r) || !r.Equals(f))
            {
                wrong++;
            }
        }

        int missing = recorded.Keys.Count(k => !seen.ContainsKey(k));
        int duplicates = seen.Values.Sum(n => n - 1);
        return new Delivery(recorded.Count, raw, missing, duplicates, wrong, OutOfOrderBatches(car));
    }

    /// <summary>
    /// Batches whose fixes are not in time order. A batch is the log's newest fix (the live-map
    /// lead, sent first after a reconnect) followed by backlog oldest first, so order is checked
    /// after the first fix, and the first fix must be older than the second or newer than all.
    /// </summary>
    public int OutOfOrderBatches(CarRig car)
    {
        if (!Subscriber.Batches.TryGetValue(car.CarId, out List<Fix[]>? batches))
        {
            return 0;
        }

        return batches.Count(b => !IsInOrder(b));
    }

    private static bool IsInOrder(Fix[] b)
    {
        for (int i = 2; i < b.Length; i++)
        {
            if (b[i].TimeMs <= b[i - 1].TimeMs)
            {
                return false;
            }
        }

        // The first fix is either the oldest of an in-order run, or a lead newer than all the others.
        return b.Length < 2 || b[0].TimeMs < b[1].TimeMs || b.Skip(1).All(f => f.TimeMs < b[0].TimeMs);
    }


    /// <summary>One line per car and a total, for the test output (the figures of the report).</summary>
    public string Summary(string title)
    {
        var lines = new List<string> { $"{title}: {Drive.Name}, {Cars.Count} cars, {_steps} ticks, {Elapsed.TotalSeconds:F1} s real, {NowMs / 1000} s simulated" };
        int recorded = 0, raw = 0, lost = 0, dup = 0;
        foreach (CarRig car in Cars)
        {
            Delivery d = Delivered(car);
            UplinkCounters c = car.Engine.Counters;
            recorded += d.Recorded;
            raw += d.RawReceived;
            lost += d.Missing;
            dup += d.Duplicates;
            lines.Add($"  {car.CarId}: recorded {d.Recorded}, received raw {d.RawReceived}, lost raw {d.Missing}, duplicated raw {d.Duplicates}, " +
                $"after dedupe lost {d.Missing} dup 0, wrong {d.Wrong}, out-of-order batches {d.OutOfOrderBatches}; " +
                $"messages {c.FixMessages} (delivered {c.FixMessagesDelivered}), connects {c.ConnectAttempts} (failed {c.ConnectFailures}), lost connections {c.ConnectionsLost}, rewinds {c.Rewinds}, ack timeouts {c.AckTimeouts}");
        }

        lines.Add($"  total: recorded {recorded}, received raw {raw}, lost {lost}, duplicated raw {dup}");
        return string.Join('\n', lines);
    }

    /// <summary>Disposes the cars, the proxy and the subscriber, and deletes the logs.</summary>
    public void Dispose()
    {
        foreach (CarRig car in Cars)
        {
            car.Dispose();
        }

        Proxy?.Dispose();
        Subscriber.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // Ticks the cars at the current simulated time until nothing is in flight (bounded).
    private void Settle()
    {
        _steps++;
        Subscriber.Drain();
        Poll.Until(
            () =>
            {
                if (!Cars.Any(c => c.Engine.MessagesInFlight > 0))
                {
                    return true;
                }

                foreach (CarRig car in Cars)
                {
                    car.Tick(NowMs);
                }

                _steps++;
                Subscriber.Drain();
                return false;
            },
            SettleBudget,
            TimeSpan.FromMilliseconds(1));
    }
}

/// <summary>The accounting for one car.</summary>
/// <param name="Recorded">Fixes appended to its log.</param>
/// <param name="RawReceived">Fixes the subscriber received, every copy.</param>
/// <param name="Missing">Recorded fixes never received (lost).</param>
/// <param name="Duplicates">Copies beyond the first (raw duplicates).</param>
/// <param name="Wrong">Received fixes that were not recorded, or differ from the recorded fix.</param>
/// <param name="OutOfOrderBatches">Batches not in time order.</param>
public readonly record struct Delivery(int Recorded, int RawReceived, int Missing, int Duplicates, int Wrong, int OutOfOrderBatches);
