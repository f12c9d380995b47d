using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Uplink;

public class UplinkEngineTests
{
    // ---- clock and connection ----

    [Fact]
    public void InvalidClock_NothingIsAttempted_UntilTheClockIsSet()
    {
        var rig = new UplinkRig();
        rig.Clock.IsValid = false;
        rig.Append(3);
        for (int i = 0; i < 50; i++)
        {
            rig.Tick(1000);
        }

        Assert.Empty(rig.Link.ConnectCalls);
        Assert.Equal(UplinkState.WaitingForClock, rig.Engine.State);

        rig.Clock.IsValid = true;
        rig.Tick();
        Assert.Single(rig.Link.ConnectCalls);
        Assert.Equal(UplinkState.Connected, rig.Engine.State);
    }

    [Fact]
    public void Connect_UsesTheCarIdAndAnOfflineWillOnThePlainStatusTopic()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(rule: "TrackerIngest", keepAliveS: 300));
        rig.Tick();
        MqttConnectOptions o = rig.Link.LastOptions!;
        Assert.Equal("car-42", o.ClientId);
        Assert.Equal(300, o.KeepAliveS);
        Assert.True(o.CleanSession);
        Assert.Equal("tracker/car-42/status", o.WillTopic);
        Assert.True(StatusCodec.TryDecode(o.WillPayload!, 0, o.WillPayload!.Length, out StatusReport will, out _));
        Assert.Equal(StatusKind.Offline, will.Kind);
        Assert.Equal(["tracker/car-42/live"], rig.Link.Subscriptions);
    }

    [Fact]
    public void ConnectDue_SaysExactlyWhichTickWillConnect_ThroughDropsAndBackoff()
    {
        // The simulated fleet hands a tick that would connect (and block until the CONNACK) to a thread of its own.
        var rig = new UplinkRig(UplinkRig.MakeOptions(backoffBaseMs: 1000, backoffCapMs: 8_000));
        rig.Clock.IsValid = false;
        Assert.False(rig.Engine.ConnectDue(rig.Now + 100));
        rig.Clock.IsValid = true;
        int due = 0;
        for (int i = 0; i < 600; i++)
        {
            if (i == 100 || i == 300)
            {
                rig.Link.LoseConnection();
            }

            rig.Link.ConnectFailure = i is >= 100 and < 250 ? 1 : 0;
            bool expected = rig.Engine.ConnectDue(rig.Now + 100);
            int calls = rig.Link.ConnectCalls.Count;
            rig.Tick(100);
            Assert.Equal(expected, rig.Link.ConnectCalls.Count > calls);
            due += expected ? 1 : 0;
        }

        Assert.True(due >= 5, $"only {due} ticks connected");
        Assert.Equal(UplinkState.Connected, rig.Engine.State);
        Assert.False(rig.Engine.ConnectDue(rig.Now + 100));
    }

    [Fact]
    public void ConnectFailures_BackOffExponentiallyWithJitter_UpToTheCap()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(backoffBaseMs: 1000, backoffCapMs: 16_000));
        rig.Link.ConnectFailure = 1;
        rig.RunUntil(() => rig.Link.ConnectCalls.Count >= 12, maxMs: 1_000_000, stepMs: 10);
        long[] gaps = rig.Link.ConnectCalls.Zip(rig.Link.ConnectCalls.Skip(1), (a, b) => b - a).ToArray();
        for (int i = 0; i < gaps.Length; i++)
        {
            long window = Math.Min(16_000, 1000L << i);
            Assert.InRange(gaps[i], window / 2, window + 10); // +10: the tick granularity
        }

        Assert.Equal(12, rig.Engine.Counters.ConnectFailures);
        Assert.Equal(UplinkState.Backoff, rig.Engine.State);
    }

    [Fact]
    public void StableConnection_ResetsTheBackoff()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(backoffBaseMs: 1000, backoffCapMs: 16_000));
        rig.Link.ConnectFailure = 1;
        rig.RunUntil(() => rig.Link.ConnectCalls.Count >= 6, maxMs: 1_000_000, stepMs: 10);
        rig.Link.ConnectFailure = 0;
        rig.RunUntil(() => rig.Engine.State == UplinkState.Connected, stepMs: 10);
        rig.Append();
        rig.RunUntil(() => rig.Log.PendingCount == 0, stepMs: 10); // a PUBACK: the connection works

        rig.Link.LoseConnection();
        int before = rig.Link.ConnectCalls.Count;
        long lostAt = rig.Now;
        rig.RunUntil(() => rig.Link.ConnectCalls.Count > before, stepMs: 10);
        Assert.InRange(rig.Link.ConnectCalls[^1] - lostAt, 500, 1010);
        Assert.Equal(1, rig.Engine.Counters.Reconnects);
    }

    [Fact]
    public void Backoff_IsRepeatableForASeed_AndDiffersBetweenSeeds()
    {
        long[] Delays(uint seed)
        {
            var b = new Backoff(1000, 60_000, seed);
            return Enumerable.Range(0, 10).Select(b.NextDelayMs).ToArray();
        }

        Assert.Equal(Delays(7), Delays(7));
        Assert.NotEqual(Delays(7), Delays(8));
        var backoff = new Backoff(1000, 60_000, 0);
        Assert.Equal(60_000, backoff.WindowMs(40));
        Assert.Equal(1000, backoff.WindowMs(-1));
        for (int i = 0; i < 1000; i++)
        {
            Assert.InRange(backoff.NextDelayMs(3), 4000, 8000);
        }
    }

    // ---- publishing and committing ----

    [Fact]
    public void Backlog_IsPublishedWithQos1_AndCommittedOnlyOnPuback()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 10));
        rig.Link.MaxAckDelayMs = 5000;
        rig.Append(35);
        rig.Tick(); // connects, sends status and up to three batches (four in flight with the status)
        Assert.Equal(35, rig.Log.PendingCount);
        Assert.Equal(4, rig.Engine.MessagesInFlight);
        Assert.Equal(0, rig.Engine.Counters.Commits);

        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(4, rig.Engine.Counters.Commits);
        Assert.Equal(35, rig.Engine.Counters.FixesCommitted);
        Assert.Equal(35, rig.Engine.Counters.FixesSent);
        Assert.Equal(0, rig.Engine.Counters.Rewinds);
        LogTestKit.AssertSameSequence(Expected(rig.Appended), rig.PublishedBatches().SelectMany(b => b).ToList());
    }

    [Fact]
    public void NotDelivered_RewindsAfterTheOthersSettle_AndTheBatchIsSentAgain()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 5));
        rig.Tick();
        rig.Link.LostBeforeBroker = 1;
        rig.Link.ReportGiveUp = 1;
        rig.Append(5);
        rig.Tick(); // one batch, given up on by the link
        rig.Link.LostBeforeBroker = 0;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(1, rig.Engine.Counters.Rewinds);
        Assert.Equal(1, rig.Engine.Counters.PublishFailures);
        Assert.Equal(10, rig.Engine.Counters.FixesSent);
        Assert.Equal(5, rig.Engine.Counters.FixesCommitted);
        Assert.Equal(0, rig.Engine.Counters.ConnectionsLost);
        LogTestKit.AssertSameSequence(Expected(rig.Appended), rig.Link.BrokerFixes(rig.Topics.Fixes));
    }

    [Fact]
    public void RepeatedGiveUps_CloseTheConnection_SoTheBackoffApplies()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 1));
        rig.Tick();
        rig.Link.LostBeforeBroker = 1;
        rig.Link.ReportGiveUp = 1;
        rig.Append(1);
        rig.RunUntil(() => rig.Engine.Counters.ConnectionsLost > 0, maxMs: 10_000);
        Assert.Equal(UplinkEngine.MaxFailuresInRow, rig.Engine.Counters.PublishFailures);
        Assert.Equal(UplinkState.Backoff, rig.Engine.State);
    }

    [Fact]
    public void MessagesInFlight_NeverExceedTheLimit_AndASilentBrokerTimesOut()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxInFlight: 3, maxFixesPerBatch: 2, ackTimeoutMs: 20_000));
        rig.Link.PubackLost = 1;
        rig.Append(40);
        int max = 0;
        rig.RunUntil(() =>
        {
            max = Math.Max(max, rig.Engine.MessagesInFlight);
            return rig.Engine.Counters.AckTimeouts > 0;
        });
        Assert.Equal(3, max);
        Assert.Equal(3, rig.Link.Published.Count); // status + two batches, then nothing until the timeout
        Assert.Equal(1, rig.Engine.Counters.ConnectionsLost);
        Assert.Equal(1, rig.Engine.Counters.Rewinds);

        rig.Link.PubackLost = 0;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Empty(rig.Appended.ExceptBy(rig.Link.BrokerFixes(rig.Topics.Fixes).Select(f => f.TimeMs), f => f.TimeMs));
    }

    [Fact]
    public void AfterAReconnect_TheNewestFixGoesFirst_ThenTheBacklogOldestFirst()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 10));
        rig.Tick();
        rig.Link.ConnectFailure = 1;
        rig.Link.LoseConnection();
        for (int i = 0; i < 30; i++)
        {
            rig.Append();
            rig.Tick(1000);
        }

        rig.Link.ConnectFailure = 0;
        int published = rig.Link.Published.Count;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Fix[][] batches = rig.Link.Published.Skip(published).Where(m => m.Topic == rig.Topics.Fixes).Select(m => FakeLink.Decode(m.Payload)).ToArray();
        Assert.Equal(rig.Appended[^1].TimeMs, batches[0][0].TimeMs);
        LogTestKit.AssertSameSequence(Expected(rig.Appended), batches.SelectMany(b => b).ToList());
    }

    [Fact]
    public void SmallMessages_SplitABatch_AndTheBatchCommitsOnlyWhenEveryPartIsAcknowledged()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 100, maxMessageBytes: 235, maxInFlight: 8));
        rig.Link.MaxAckDelayMs = 3000;
        rig.Append(SyntheticRoute.Generate(100, seed: 5));
        rig.Tick();
        int parts = rig.Link.Published.Count(m => m.Topic == rig.Topics.Fixes);
        Assert.True(parts > 1, "the batch should need several messages");
        Assert.All(rig.Link.Published, m => Assert.True(m.Payload.Length <= 235));
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(1, rig.Engine.Counters.Commits);
        Assert.Equal(100, rig.Engine.Counters.FixesCommitted);
        LogTestKit.AssertSameSequence(Expected(rig.Appended), rig.Link.BrokerFixes(rig.Topics.Fixes));
    }

    [Fact]
    public void LostConnectionMidBatch_SendsTheWholeBatchAgain()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 100, maxMessageBytes: 235, maxInFlight: 2));
        rig.Link.MaxAckDelayMs = 1000;
        rig.Append(SyntheticRoute.Generate(60, seed: 6));
        rig.Tick();
        rig.Tick(600);
        rig.Link.LoseConnection();
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.True(rig.Engine.Counters.Rewinds >= 1);
        Assert.Empty(rig.Appended.ExceptBy(rig.Link.BrokerFixes(rig.Topics.Fixes).Select(f => f.TimeMs), f => f.TimeMs));
    }

    [Fact]
    public void SynchronousLink_AsTheModem_Works()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 7));
        rig.Link.Synchronous = true;
        rig.Append(50);
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0, maxMs: 5000));
        LogTestKit.AssertSameSequence(Expected(rig.Appended), rig.Link.BrokerFixes(rig.Topics.Fixes));
    }

    [Fact]
    public void Busy_IsRetriedOnALaterTick()
    {
        var rig = new UplinkRig();
        rig.Link.Busy = 0.7;
        rig.Append(50);
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.True(rig.Engine.Counters.LinkBusy > 0);
        Assert.Equal(0, rig.Engine.Counters.Rewinds);
        LogTestKit.AssertSameSequence(Expected(rig.Appended), rig.Link.BrokerFixes(rig.Topics.Fixes));
    }

    [Fact]
    public void PublishFailure_DropsTheConnection_AndNothingIsLost()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 5));
        rig.Tick();
        rig.Link.PublishFailure = 1;
        rig.Append(12);
        rig.Tick();
        Assert.Equal(UplinkState.Backoff, rig.Engine.State);
        Assert.Equal(1, rig.Engine.Counters.ConnectionsLost);
        rig.Link.PublishFailure = 0;
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Empty(rig.Appended.ExceptBy(rig.Link.BrokerFixes(rig.Topics.Fixes).Select(f => f.TimeMs), f => f.TimeMs));
    }

    [Fact]
    public void UnencodableFix_IsCommittedUnsent_AndDoesNotBlockTheLog()
    {
        var rig = new UplinkRig();
        rig.Append(2);
        Fix bad = LogTestKit.MakeFix(1_800_000_000_000, 1);
        bad.CourseCdeg = 36000; // outside 0..35999
        Assert.Equal(FixLogResult.Ok, rig.Log.Append(ref bad));
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(1, rig.Engine.Counters.UnencodableFixes);
        Assert.Equal(2, rig.Link.BrokerFixes(rig.Topics.Fixes).Count);
    }

    [Fact]
    public void OnlyBadFixes_TheBatchIsCommittedWithoutAMessage()
    {
        var rig = new UplinkRig();
        rig.Tick();
        Fix bad = LogTestKit.MakeFix(1_800_000_000_000, 1);
        bad.Satellites = -5;
        Assert.Equal(FixLogResult.Ok, rig.Log.Append(ref bad));
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.DoesNotContain(rig.Link.Published, m => m.Topic == rig.Topics.Fixes);
        Assert.Equal(1, rig.Engine.Counters.Commits);
    }

    [Fact]
    public void StrayCompletions_AreIgnored()
    {
        var link = new StrayLink();
        var rig = new UplinkRig();
        var engine = new UplinkEngine(link, rig.Log, rig.Clock, rig.Device, rig.Options, 1);
        rig.Append(3);
        engine.Tick(1);
        engine.Tick(2);
        Assert.Equal(3, rig.Log.PendingCount);
        Assert.True(engine.Counters.StrayCompletions > 0);
    }

    // ---- when a batch goes ----

    [Fact]
    public void NotLive_FixesWaitForTheNormalPeriod_UnlessABatchFills()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(normalPeriodMs: 30_000, livePeriodMs: 2000, maxFixesPerBatch: 10));
        rig.Tick();
        rig.Append();
        rig.Tick(); // first batch since boot goes at once
        Assert.Equal(1, rig.Engine.Counters.FixMessages);

        rig.Append();
        rig.RunUntil(() => false, maxMs: 29_000);
        Assert.Equal(1, rig.Engine.Counters.FixMessages);
        rig.RunUntil(() => false, maxMs: 1_100);
        Assert.Equal(2, rig.Engine.Counters.FixMessages);

        rig.Tick(1000);
        rig.Append(9);
        rig.Tick();
        Assert.Equal(2, rig.Engine.Counters.FixMessages); // 9 waiting: not full
        rig.Append(1);
        rig.Tick();
        Assert.Equal(3, rig.Engine.Counters.FixMessages); // 10: a full batch goes at once
    }

    [Fact]
    public void Moving_IsLive_WhenConfigured()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(normalPeriodMs: 30_000, livePeriodMs: 2000));
        rig.Device.IsMoving = true;
        rig.Tick();
        Assert.True(rig.Engine.IsLive);
        for (int i = 0; i < 10; i++)
        {
            rig.Append();
            rig.RunUntil(() => false, maxMs: 2000);
        }

        Assert.InRange(rig.Engine.Counters.FixMessages, 9, 10);

        var notLive = new UplinkRig(UplinkRig.MakeOptions(normalPeriodMs: 30_000, livePeriodMs: 2000, liveWhenMoving: false));
        notLive.Device.IsMoving = true;
        notLive.Tick();
        Assert.False(notLive.Engine.IsLive);
    }

    [Fact]
    public void WatchRequest_MakesTheCarLive_AndExpiresByItself()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(normalPeriodMs: 60_000, livePeriodMs: 2000, maxWatchMs: 600_000));
        rig.Tick();
        Assert.False(rig.Engine.IsLive);
        rig.Link.Deliver(rig.Topics.Live, "30"u8.ToArray());
        rig.Tick();
        Assert.True(rig.Engine.IsLive);
        Assert.True(rig.Engine.IsWatched);
        Assert.Equal(1, rig.Engine.Counters.ControlMessages);
        rig.Append();
        rig.Tick(2000);
        rig.Append();
        rig.Tick(2000);
        Assert.Equal(2, rig.Engine.Counters.FixMessages);

        rig.RunUntil(() => !rig.Engine.IsLive, maxMs: 40_000);
        Assert.InRange(rig.Now, 10_000 + 30_000, 10_000 + 30_400);

        rig.Link.Deliver(rig.Topics.Live, "999999"u8.ToArray()); // cut to maxWatch
        rig.Tick();
        rig.RunUntil(() => !rig.Engine.IsLive, maxMs: 700_000, stepMs: 1000);
        rig.Link.Deliver(rig.Topics.Live, "120"u8.ToArray());
        rig.Tick();
        rig.Link.Deliver(rig.Topics.Live, "0"u8.ToArray()); // stop watching
        rig.Tick();
        Assert.False(rig.Engine.IsLive);
    }

    [Fact]
    public void BadControlMessages_AreCountedAndIgnored()
    {
        var rig = new UplinkRig();
        rig.Tick();
        rig.Link.Deliver(rig.Topics.Live, "soon"u8.ToArray());
        rig.Link.Deliver(rig.Topics.Live, []);
        rig.Link.Deliver("tracker/other/live", "30"u8.ToArray());
        rig.Tick();
        Assert.False(rig.Engine.IsLive);
        Assert.Equal(3, rig.Engine.Counters.IgnoredMessages);
    }

    [Theory]
    [InlineData("30", true, 30)]
    [InlineData(" 120\r\n", true, 120)]
    [InlineData("0", true, 0)]
    [InlineData("99999999", true, 99_999_999)]
    [InlineData("999999999", false, 0)]
    [InlineData("-5", false, 0)]
    [InlineData("1 2", false, 0)]
    [InlineData("", false, 0)]
    [InlineData("{\"watchS\":30}", false, 0)]
    public void LiveCommand_ParsesAsciiSeconds(string text, bool ok, int seconds)
    {
        Assert.Equal(ok, LiveCommand.TryParseWatchSeconds(System.Text.Encoding.UTF8.GetBytes(text), out int s));
        Assert.Equal(seconds, s);
        Assert.False(LiveCommand.TryParseWatchSeconds(null, out _));
    }

    [Fact]
    public void SubscribeFailure_IsCounted_AndPublishingGoesOn()
    {
        var rig = new UplinkRig();
        rig.Link.SubscribeFails = true;
        rig.Append(3);
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(1, rig.Engine.Counters.SubscribeFailures);
    }

    // ---- topics ----

    [Fact]
    public void BasicIngest_PublishesFixesToTheRuleTopic_StatusStaysPlain()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(rule: "TrackerIngest"));
        rig.Append();
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        Assert.Equal(["tracker/car-42/status", "$aws/rules/TrackerIngest/tracker/car-42/fixes"], rig.Link.Published.Select(m => m.Topic));
    }

    // ---- counters ----

    [Fact]
    public void Counters_AddUpToTheBytesOnTheWire()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 10));
        rig.Append(95);
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        UplinkCounters c = rig.Engine.Counters;
        var fixMessages = rig.Link.Published.Where(m => m.Topic == rig.Topics.Fixes).ToList();
        Assert.Equal(fixMessages.Count, c.FixMessages);
        Assert.Equal(fixMessages.Count, c.FixMessagesDelivered);
        Assert.Equal(fixMessages.Sum(m => m.Payload.Length), c.PayloadBytes);
        Assert.Equal(fixMessages.Sum(m => PublishSize(m.Topic.Length, m.Payload.Length)), c.FixPublishBytes);
        Assert.Equal(4L * fixMessages.Count, c.FixPubackBytes);
        Assert.Equal(95, c.FixesCommitted);
        Assert.Equal(10, c.Commits);
    }

    [Theory]
    [InlineData(10, 10, 1 + 1 + 2 + 10 + 2 + 10)]
    [InlineData(10, 113, 1 + 1 + 127)]
    [InlineData(10, 114, 1 + 2 + 128)]
    [InlineData(20, 1000, 1 + 2 + 1024)]
    [InlineData(20, 20000, 1 + 3 + 20024)]
    public void PublishPacketBytes_FollowsMqtt311(int topic, int payload, int expected)
    {
        Assert.Equal(expected, UplinkCounters.PublishPacketBytes(topic, payload));
    }

    // ---- reboot ----

    [Fact]
    public void Reboot_MidFlight_ResendsOnlyWhatWasInFlight()
    {
        var rig = new UplinkRig(UplinkRig.MakeOptions(maxFixesPerBatch: 5));
        rig.Link.MaxAckDelayMs = 2000;
        rig.Append(40);
        rig.Tick();
        rig.Tick(1500);
        rig.Reboot(9);
        Assert.True(rig.RunUntil(() => rig.Log.PendingCount == 0));
        List<Fix> seen = rig.Link.BrokerFixes(rig.Topics.Fixes);
        Assert.Empty(rig.Appended.ExceptBy(seen.Select(f => f.TimeMs), f => f.TimeMs));
        Assert.True(seen.Count - 40 <= 4 * 5, "only the batches in flight at the reboot (at most 4 of 5) may come again");
        Assert.NotEmpty(rig.Link.Wills);
    }

    // ---- steady state ----

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var options = UplinkRig.MakeOptions(maxFixesPerBatch: 5, normalPeriodMs: 1000, livePeriodMs: 1000, statusPeriodMs: 86_400_000);
        var flash = new FlatFlash();
        FixLog log = FixLog.Open(flash, LogTestKit.Dir, LogTestKit.Small(capacityBytes: 1 << 24, segmentBytes: 1 << 20, maxRanges: 32));
        var link = new AckingLink(keepPublished: false);
        var device = new DeviceStatusValues("1.0.0");
        var engine = new UplinkEngine(link, log, new ManualWallClock(), device, options, 1);
        Fix[] fixes = LogTestKit.MakeFixes(400);
        long now = 0;
        for (int i = 0; i < 100; i++)
        {
            log.Append(ref fixes[i]);
            engine.Tick(now += 1000);
            engine.Tick(now += 100);
        }

        // Three windows of 100 fixes: a per-tick allocation shows in every window. The runtime
        // itself now and then allocates on a test thread while other tests run in parallel (a few
        // KB, once), so the quietest window is the measure.
        long quietest = long.MaxValue;
        for (int window = 1; window <= 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = window * 100; i < (window + 1) * 100; i++)
            {
                log.Append(ref fixes[i]);
                engine.Tick(now += 1000);
                engine.Tick(now += 100);
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, log.PendingCount);
        Assert.Equal(400, engine.Counters.FixesCommitted);
        Assert.Equal(0, quietest);
    }

    /// <summary>What the engine should send, in order, when it drains a backlog with nothing appended meanwhile.</summary>
    private static List<Fix> Expected(List<Fix> appended)
    {
        // The first batch leads with the newest fix, then the backlog oldest first.
        var result = new List<Fix> { appended[^1] };
        result.AddRange(appended.Take(appended.Count - 1));
        return result;
    }

    // MQTT 3.1.1 §2.2.3 and §3.3, written out independently of UplinkCounters.
    private static int PublishSize(int topic, int payload)
    {
        int remaining = 2 + topic + 2 + payload;
        int lengthBytes = 1;
        for (int r = remaining >> 7; r > 0; r >>= 7)
        {
            lengthBytes++;
        }

        return 1 + lengthBytes + remaining;
    }

    /// <summary>Files in big preallocated arrays, so the file system allocates nothing per call.</summary>
    private sealed class FlatFlash : IFlashFileSystem
    {
        private readonly Dictionary<string, (byte[] Data, int Length)> _files = new(StringComparer.Ordinal);

        public void CreateDirectory(string directory)
        {
        }

        public string[] ListFiles(string directory) => [.. _files.Keys.Select(k => k[(directory.Length + 1)..])];

        public string Combine(string directory, string name) => directory + "/" + name;

        public int Length(string path) => _files.TryGetValue(path, out var f) ? f.Length : -1;

        public int ReadAt(string path, int offset, byte[] buffer, int index, int count)
        {
            var f = _files[path];
            int n = Math.Clamp(f.Length - offset, 0, count);
            Array.Copy(f.Data, offset, buffer, index, n);
            return n;
        }

        public void Append(string path, byte[] buffer, int index, int count)
        {
            if (!_files.TryGetValue(path, out var f))
            {
                f = (new byte[1 << 21], 0);
            }

            Array.Copy(buffer, index, f.Data, f.Length, count);
            _files[path] = (f.Data, f.Length + count);
        }

        public void Delete(string path) => _files.Remove(path);

        public void Rename(string sourcePath, string destinationPath)
        {
            _files[destinationPath] = _files[sourcePath];
            _files.Remove(sourcePath);
        }
    }

    /// <summary>A link whose completions carry ids it never gave out.</summary>
    private sealed class StrayLink : IMqttLink
    {
        public bool IsConnected => true;

        public int HeardFromBroker => _taken;

        public LinkResult Connect(MqttConnectOptions options) => LinkResult.Ok;

        public LinkResult Publish(string topic, byte[] payload, int offset, int count, int qos, out int messageId)
        {
            messageId = 7;
            return LinkResult.Ok;
        }

        public bool TryTakeCompletion(out int messageId, out bool delivered)
        {
            messageId = 1000;
            delivered = true;
            return _taken++ % 2 == 0;
        }

        public LinkResult Subscribe(string topic) => LinkResult.Ok;

        public bool TryTakeMessage(out string topic, out byte[] payload)
        {
            topic = string.Empty;
            payload = [];
            return false;
        }

        public void Disconnect()
        {
        }

        private int _taken;
    }
}
