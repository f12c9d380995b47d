using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Fixes;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Uplink;
using Xunit.Abstractions;

namespace Tracker.Core.Tests.Uplink;

/// <summary>
/// The uplink against a link that fails at random steps: connect failures, publish failures that
/// drop the connection, Busy, messages lost before the broker (reported as given up, or silent),
/// PUBACKs lost, PUBACKs late (some beyond the ack timeout), network drops, reboots with the log
/// reopened from flash, a clock that starts invalid, watch requests and motion. Then the link heals,
/// and the run must end with every appended fix at the broker and an empty log.
/// </summary>
public class UplinkFaultTests(ITestOutputHelper output)
{
    private const long FixEpoch = 1_700_000_000_000;

    [Property(MaxTest = 120)]
    public Property RandomFaults_OneMessagePerBatch_NothingLost_NothingCommittedResent_LogEndsEmpty() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), seed =>
        {
            Run(seed, splitMessages: false);
            return true;
        });

    [Property(MaxTest = 80)]
    public Property RandomFaults_BatchesSplitOverMessages_NothingLost_LogEndsEmpty() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), seed =>
        {
            Run(seed, splitMessages: true);
            return true;
        });

    [Fact]
    public void FaultRuns_Totals()
    {
        var total = new Outcome();
        for (int seed = 1; seed <= 100; seed++)
        {
            total.Add(Run(seed, splitMessages: seed % 3 == 0));
        }

        output.WriteLine($"100 fault runs: {total.Appended} fixes appended, {total.Lost} lost, {total.Copies - total.Appended} duplicate copies at the broker " +
            $"({100.0 * (total.Copies - total.Appended) / total.Appended:F1}%), {total.Reconnects} reconnects, {total.Rewinds} rewinds, {total.Reboots} reboots");
        Assert.Equal(0, total.Lost);
    }

    internal static Action<string>? Trace { get; set; }

    internal static Outcome Run(int seed, bool splitMessages)
    {
        var random = new Random(seed);
        int ackTimeoutMs = random.Next(3_000, 20_001);
        UplinkOptions options = UplinkRig.MakeOptions(
            normalPeriodMs: random.Next(3_000, 30_001),
            livePeriodMs: random.Next(1_000, 3_001),
            liveWhenMoving: random.Next(2) == 0,
            maxInFlight: random.Next(1, UplinkOptions.MaxInFlightLimit + 1),
            maxFixesPerBatch: random.Next(1, 31),
            maxMessageBytes: splitMessages ? random.Next(235, 400) : Tracker.Core.Wire.BatchFormat.MaxBatchBytes,
            ackTimeoutMs: ackTimeoutMs,
            backoffBaseMs: random.Next(200, 2_001),
            backoffCapMs: random.Next(2_000, 16_001),
            statusPeriodMs: 60_000);
        var rig = new UplinkRig(options, seed);
        FakeLink link = rig.Link;
        link.ConnectFailure = random.NextDouble() * 0.5;
        link.PublishFailure = random.NextDouble() * 0.05;
        link.Busy = random.NextDouble() * 0.3;
        link.LostBeforeBroker = random.NextDouble() * 0.15;
        link.PubackLost = random.NextDouble() * 0.05;
        link.ReportGiveUp = random.NextDouble();
        link.MaxAckDelayMs = random.Next(0, ackTimeoutMs * 3 / 2);
        link.Synchronous = random.Next(4) == 0;
        rig.Clock.IsValid = random.Next(3) != 0;

        // What the broker acknowledged to the engine, by fix time; with one message per batch, the
        // engine commits on taking the PUBACK, so none of these may ever be published again.
        var acked = new HashSet<long>();
        var outcome = new Outcome();
        bool rebooted = false;
        int checkedSession = 0;
        long newestAtConnect = long.MinValue;
        link.OnCompletionTaken = (id, delivered, payload) =>
        {
            if (delivered && IsFixMessage(link, id))
            {
                foreach (Fix f in FakeLink.Decode(payload))
                {
                    acked.Add(f.TimeMs);
                }
            }
        };
        link.OnConnected = () =>
        {
            newestAtConnect = rig.Appended.Count > 0 ? rig.Appended[^1].TimeMs : long.MinValue;
            Trace?.Invoke($"session {link.Session}, newest {(newestAtConnect - FixEpoch) / 1000}, pending {rig.Log.PendingCount}");
        };
        link.OnPublished = message =>
        {
            if (message.Topic != rig.Topics.Fixes)
            {
                return;
            }

            Fix[] fixes = FakeLink.Decode(message.Payload);
            if (!splitMessages)
            {
                foreach (Fix f in fixes)
                {
                    Assert.False(acked.Contains(f.TimeMs), $"seed {seed}: fix {(f.TimeMs - FixEpoch) / 1000} was committed and is sent again");
                }
            }

            if (message.Session != checkedSession)
            {
                // The first fix message of a connection leads with the newest fix: the one that was
                // newest when the connection was made, or a newer one appended since. Exceptions: the
                // newest was already delivered, or the log was just reopened (its lead comes with the
                // next append).
                checkedSession = message.Session;
                if (!rebooted && newestAtConnect != long.MinValue && !acked.Contains(newestAtConnect))
                {
                    Assert.True(
                        fixes[0].TimeMs >= newestAtConnect && fixes.All(f => f.TimeMs <= fixes[0].TimeMs),
                        $"seed {seed}: session {message.Session} started with fix {(fixes[0].TimeMs - FixEpoch) / 1000}, not the newest {(newestAtConnect - FixEpoch) / 1000}");
                }

                rebooted = false;
            }
        };

        int steps = random.Next(400, 1200);
        for (int step = 0; step < steps; step++)
        {
            if (random.Next(4) == 0)
            {
                rig.Append(random.Next(10) == 0 ? random.Next(2, 40) : 1);
            }

            int roll = random.Next(1000);
            if (roll < 8)
            {
                link.LoseConnection();
            }
            else if (roll < 10)
            {
                Trace?.Invoke($"reboot at step {step}, session {link.Session}, appended {rig.Appended.Count}");
                rig.Reboot((uint)random.Next());
                rebooted = true;
                checkedSession = link.Session;
                outcome.Reboots++;
            }
            else if (roll < 20)
            {
                link.Deliver(rig.Topics.Live, System.Text.Encoding.ASCII.GetBytes(random.Next(0, 120).ToString()));
            }
            else if (roll < 30)
            {
                rig.Device.IsMoving = !rig.Device.IsMoving;
            }
            else if (roll < 35)
            {
                rig.Clock.IsValid = true;
            }

            rig.Tick(random.Next(50, 2_001));
        }

        link.Heal();
        rig.Clock.IsValid = true;
        bool drained = rig.RunUntil(() => rig.Log.PendingCount == 0 && rig.Engine.MessagesInFlight == 0 && link.IsConnected, maxMs: 3_600_000, stepMs: 500);
        if (!drained)
        {
            UplinkCounters c = rig.Engine.Counters;
            Trace?.Invoke($"inflight {rig.Engine.MessagesInFlight} link outstanding {link.Outstanding} live {rig.Engine.IsLive} commits {c.Commits} rewinds {c.Rewinds} msgs {c.FixMessages} delivered {c.FixMessagesDelivered} busy {c.LinkBusy} fails {c.PublishFailures} stray {c.StrayCompletions} sent {c.FixesSent} committed {c.FixesCommitted} pending {rig.Log.PendingCount}");
            rig.Tick(500);
            Trace?.Invoke($"inflight {rig.Engine.MessagesInFlight} msgs {c.FixMessages} pending {rig.Log.PendingCount} published {link.Published.Count} state {rig.Engine.State} link: {link.DescribePending()} session {link.Session} last published {link.Published[^1].MessageId} {link.Published[^1].Session}");
        }

        Assert.True(drained, $"seed {seed}: the log did not drain after the link healed ({rig.Log.PendingCount} pending, state {rig.Engine.State})");

        Dictionary<long, Fix> appended = rig.Appended.ToDictionary(f => f.TimeMs);
        List<Fix> received = link.BrokerFixes(rig.Topics.Fixes);
        foreach (Fix f in received)
        {
            Assert.True(appended.TryGetValue(f.TimeMs, out Fix original), $"seed {seed}: the broker got a fix that was never appended");
            Assert.True(LogTestKit.Same(original, f), $"seed {seed}: fix {(f.TimeMs - FixEpoch) / 1000} arrived altered");
        }

        var seen = received.Select(f => f.TimeMs).ToHashSet();
        List<Fix> lost = rig.Appended.Where(f => !seen.Contains(f.TimeMs)).ToList();
        Assert.True(lost.Count == 0, $"seed {seed}: {lost.Count} fixes never reached the broker, first {(lost.FirstOrDefault().TimeMs - FixEpoch) / 1000}");
        Assert.Equal(0, rig.Log.PendingCount);

        outcome.Appended += rig.Appended.Count;
        outcome.Copies += received.Count;
        outcome.Lost += lost.Count;
        outcome.Reconnects += rig.Engine.Counters.Reconnects;
        outcome.Rewinds += rig.Engine.Counters.Rewinds;
        return outcome;
    }

    private static bool IsFixMessage(FakeLink link, int id) =>
        link.Published.LastOrDefault(m => m.MessageId == id) is { } m && m.Topic.EndsWith("/fixes", StringComparison.Ordinal);

    internal sealed class Outcome
    {
        public long Appended;
        public long Copies;
        public long Lost;
        public long Reconnects;
        public long Rewinds;
        public long Reboots;

        public void Add(Outcome o)
        {
            Appended += o.Appended;
            Copies += o.Copies;
            Lost += o.Lost;
            Reconnects += o.Reconnects;
            Rewinds += o.Rewinds;
            Reboots += o.Reboots;
        }
    }
}
