using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Uplink;

/// <summary>
/// A late PUBACK on a connection the broker is still heard on is waited for; a silent broker, or one that never
/// acknowledges, still costs the connection (Uplink/README.md, "A late PUBACK"). The rig's options: keep-alive 60 s
/// (so silence means 90 s without a sign), ack timeout 20 s, late-ack limit 20 s + 180 s.
/// </summary>
public sealed class LateAckTests
{
    private const int PingEveryMs = 30_000; // as MqttNetLink: a PINGREQ after half a keep-alive without a sign

    [Fact]
    public void Options_DeriveTheSilenceAndLateLimitsFromTheKeepAlive()
    {
        UplinkOptions o = UplinkRig.MakeOptions(keepAliveS: 60, ackTimeoutMs: 20_000);
        Assert.Equal(90_000, o.BrokerSilenceMs);
        Assert.Equal(200_000, o.LateAckLimitMs);

        UplinkOptions widest = UplinkRig.MakeOptions(keepAliveS: 1200, ackTimeoutMs: 600_000);
        Assert.Equal(4_200_000, widest.LateAckLimitMs); // fits an int with room to spare
    }

    [Fact]
    public void PubacksHeldThreeMinutes_WhilePingsAreAnswered_NoReconnect_NothingSentTwice_EverythingCommittedOnce()
    {
        var rig = new UplinkRig();
        rig.Link.PingEveryMs = PingEveryMs;
        rig.Append(100); // five batches of 20: more than the window
        rig.Tick();
        Assert.Equal(UplinkState.Connected, rig.Engine.State);
        rig.Link.HoldPubacks = true;

        long heldUntil = rig.Now + 180_000;
        int maxInFlight = 0;
        rig.RunUntil(() =>
        {
            maxInFlight = Math.Max(maxInFlight, rig.Engine.MessagesInFlight);
            return rig.Now >= heldUntil;
        });

        UplinkCounters c = rig.Engine.Counters;
        Assert.Equal(0, c.ConnectionsLost);
        Assert.Equal(0, c.AckTimeouts);
        Assert.Equal(rig.Options.MaxInFlight, maxInFlight);
        Assert.Equal(rig.Options.MaxInFlight, c.LateAcksWaited); // each late message counted once
        Assert.Equal(rig.Options.MaxInFlight, rig.Link.Published.Count); // nothing beyond the window while held
        Assert.True(rig.Link.PingsAnswered >= 5, $"{rig.Link.PingsAnswered} pings");

        rig.Link.HoldPubacks = false;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0, maxMs: 60_000));

        Assert.Equal(1, rig.Link.Session);
        Assert.Equal(0, c.ConnectionsLost);
        Assert.Equal(0, c.Rewinds);
        AssertEachFixSentOnce(rig);
        Assert.Equal(100, c.FixesCommitted);
        Assert.Equal(c.FixesSent, c.FixesCommitted);
    }

    [Fact]
    public void PubacksHeld_AndPingsNoLongerAnswered_DropsOnceTheBrokerIsSilent_ThenReconnectsAndDeliversEverything()
    {
        var rig = new UplinkRig();
        rig.Link.PingEveryMs = PingEveryMs;
        rig.Append(40);
        rig.Tick();
        rig.Link.HoldPubacks = true;
        rig.RunUntil(() => rig.Engine.Counters.LateAcksWaited > 0);

        // The broker stops answering; its last sign is the last ping answered.
        long lastSign = RunWatchingSigns(rig, () => false, 40_000, rig.Now);
        rig.Link.AnswersPings = false;
        lastSign = RunWatchingSigns(rig, () => rig.Engine.Counters.ConnectionsLost > 0, 120_000, lastSign);
        Assert.Equal(1, rig.Engine.Counters.ConnectionsLost);

        Assert.InRange(rig.Now - lastSign, rig.Options.BrokerSilenceMs, rig.Options.BrokerSilenceMs + 100);
        Assert.Equal(1, rig.Engine.Counters.AckTimeouts);
        Assert.Equal(1, rig.Engine.Counters.Rewinds);

        rig.Link.HoldPubacks = false;
        rig.Link.AnswersPings = true;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(2, rig.Link.Session);
        Assert.Empty(rig.Appended.ExceptBy(rig.Link.BrokerFixes(rig.Topics.Fixes).Select(f => f.TimeMs), f => f.TimeMs));
    }

    [Fact]
    public void HalfOpenConnection_NothingHeardAfterTheConnack_Drops()
    {
        var rig = new UplinkRig();
        rig.Link.PingEveryMs = PingEveryMs;
        rig.Link.AnswersPings = false;
        rig.Link.PubackLost = 1;
        rig.Link.SubscribeFails = true; // no SUBACK either: the CONNACK is the last sign
        rig.Append(10);
        rig.Tick();
        long connected = rig.Now;

        Assert.True(rig.RunUntil(() => rig.Engine.Counters.ConnectionsLost > 0, maxMs: 120_000));

        Assert.InRange(rig.Now - connected, rig.Options.BrokerSilenceMs, rig.Options.BrokerSilenceMs + 100);
        Assert.Equal(1, rig.Engine.Counters.AckTimeouts);
        Assert.Equal(2, rig.Engine.Counters.LateAcksWaited); // status and batch: late while the CONNACK was recent, then dead
    }

    [Fact]
    public void IdleConnection_ThenALatePuback_GetsAWholeSilenceWindowFromTheSend()
    {
        var rig = new UplinkRig();
        rig.Tick(); // connected; the status is acknowledged; then nothing to send for five minutes
        rig.RunUntil(() => false, maxMs: 300_000);
        Assert.Equal(0, rig.Engine.MessagesInFlight);

        rig.Link.PubackLost = 1; // and the broker falls silent
        rig.Link.LostBeforeBroker = 0;
        rig.Append(rig.Options.MaxFixesPerBatch); // a full batch goes at once
        rig.Tick();
        long sent = rig.Now;
        Assert.Equal(1, rig.Engine.MessagesInFlight);

        Assert.True(rig.RunUntil(() => rig.Engine.Counters.ConnectionsLost > 0, maxMs: 120_000));
        Assert.InRange(rig.Now - sent, rig.Options.BrokerSilenceMs, rig.Options.BrokerSilenceMs + 100);
        Assert.Equal(1, rig.Engine.Counters.LateAcksWaited);
    }

    [Fact]
    public void SilentBroker_KeepAliveShorterThanTheAckTimeout_DropsAtTheAckTimeout_AsBefore()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(keepAliveS: 30, ackTimeoutMs: 60_000)); // silence: 45 s
        rig.Link.PubackLost = 1;
        rig.Link.SubscribeFails = true;
        rig.Append(10);
        rig.Tick();
        long firstSent = rig.Now;

        Assert.True(rig.RunUntil(() => rig.Engine.Counters.ConnectionsLost > 0, maxMs: 120_000));

        Assert.InRange(rig.Now - firstSent, 60_000, 60_100);
        Assert.Equal(1, rig.Engine.Counters.AckTimeouts);
        Assert.Equal(0, rig.Engine.Counters.LateAcksWaited);
    }

    [Fact]
    public void BrokerThatAnswersButNeverAcknowledges_DropsAtTheLateAckLimit()
    {
        var rig = new UplinkRig();
        rig.Link.PingEveryMs = PingEveryMs;
        rig.Link.HoldPubacks = true;
        rig.Append(10);
        rig.Tick();
        long firstSent = rig.Now;

        Assert.True(rig.RunUntil(() => rig.Engine.Counters.ConnectionsLost > 0, maxMs: 400_000));

        Assert.InRange(rig.Now - firstSent, rig.Options.LateAckLimitMs, rig.Options.LateAckLimitMs + 100);
        Assert.Equal(1, rig.Engine.Counters.AckTimeouts);
        Assert.True(rig.Engine.Counters.LateAcksWaited > 0);
    }

    [Fact]
    public void LinkThatLosesTheConnection_WhileAPubackIsLate_DropsAtOnce()
    {
        var rig = new UplinkRig();
        rig.Link.PingEveryMs = PingEveryMs;
        rig.Link.HoldPubacks = true;
        rig.Append(10);
        rig.Tick();
        rig.RunUntil(() => rig.Engine.Counters.LateAcksWaited > 0);

        rig.Link.LoseConnection();
        rig.Tick();

        Assert.Equal(1, rig.Engine.Counters.ConnectionsLost);
        Assert.Equal(0, rig.Engine.Counters.AckTimeouts);
        Assert.Equal(UplinkState.Backoff, rig.Engine.State);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Fuzz_AcksSlowerThanTheTimeout_InAnyOrder_WithPingsAnswered_NeverReconnectOrResend(int seed)
    {
        var random = new Random(seed);
        var rig = new UplinkRig(seed: seed);
        rig.Link.PingEveryMs = random.Next(5_000, 45_000);
        rig.Link.MaxAckDelayMs = random.Next(rig.Options.AckTimeoutMs, 150_000); // completions come in any order
        for (int step = 0; step < 40; step++)
        {
            rig.Append(random.Next(0, 15));
            rig.RunUntil(() => false, maxMs: random.Next(1_000, 30_000), stepMs: random.Next(50, 1_000));
        }

        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0, maxMs: 1_200_000));
        UplinkCounters c = rig.Engine.Counters;
        Assert.Equal(0, c.ConnectionsLost);
        Assert.Equal(1, rig.Link.Session);
        AssertEachFixSentOnce(rig);
        Assert.Equal(rig.Appended.Count, c.FixesCommitted);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void Fuzz_PingsAndAcksComingAndGoing_DropOnlyWhenSilentOrStuck_AndLoseNothing(int seed)
    {
        var random = new Random(seed);
        var rig = new UplinkRig(seed: seed);
        rig.Link.PingEveryMs = PingEveryMs;
        rig.Link.MaxAckDelayMs = 60_000;
        int heard = -1;
        long lastSign = 0;
        long lost = 0;
        var sentAt = new Dictionary<int, long>();
        rig.Link.OnPublished = m => sentAt[m.MessageId] = rig.Now;
        rig.Link.OnConnected = () => sentAt.Clear();
        rig.Link.OnCompletionTaken = (id, _, _) => sentAt.Remove(id);

        for (int step = 0; step < 300; step++)
        {
            if (step % 10 == 0)
            {
                rig.Link.AnswersPings = random.NextDouble() < 0.7;
                rig.Link.HoldPubacks = random.NextDouble() < 0.4;
                rig.Append(random.Next(0, 20));
            }

            long oldest = sentAt.Count == 0 ? rig.Now : sentAt.Values.Min();
            bool mayDrop = rig.Now + 1_000 - lastSign >= rig.Options.BrokerSilenceMs || rig.Now + 1_000 - oldest >= rig.Options.LateAckLimitMs;
            rig.Tick(1_000);
            if (rig.Link.HeardFromBroker != heard)
            {
                heard = rig.Link.HeardFromBroker;
                lastSign = rig.Now;
            }

            if (rig.Engine.Counters.ConnectionsLost != lost)
            {
                Assert.True(mayDrop, $"seed {seed} step {step}: dropped while the broker was heard {rig.Now - lastSign} ms ago");
                lost = rig.Engine.Counters.ConnectionsLost;
            }
        }

        rig.Link.AnswersPings = true;
        rig.Link.HoldPubacks = false;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0, maxMs: 1_200_000));
        Assert.Empty(rig.Appended.ExceptBy(rig.Link.BrokerFixes(rig.Topics.Fixes).Select(f => f.TimeMs), f => f.TimeMs));
        Assert.Equal(rig.Engine.Counters.AckTimeouts, rig.Engine.Counters.ConnectionsLost);
    }

    private static void AssertEachFixSentOnce(UplinkRig rig)
    {
        List<long> sent = rig.PublishedBatches().SelectMany(b => b).Select(f => f.TimeMs).ToList();
        Assert.Equal(sent.Count, sent.Distinct().Count());
        Assert.Equal(rig.Appended.Select(f => f.TimeMs).Order(), sent.Order());
    }

    // Ticks until done, and returns when the link last heard from the broker (the engine reads the count every tick).
    private static long RunWatchingSigns(UplinkRig rig, Func<bool> done, long maxMs, long lastSign)
    {
        int heard = rig.Link.HeardFromBroker;
        rig.RunUntil(
            () =>
            {
                if (rig.Link.HeardFromBroker != heard)
                {
                    heard = rig.Link.HeardFromBroker;
                    lastSign = rig.Now;
                }

                return done();
            },
            maxMs);
        return lastSign;
    }
}
