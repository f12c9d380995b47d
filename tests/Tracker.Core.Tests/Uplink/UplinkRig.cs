using Tracker.Core.Fixes;
using Tracker.Core.Storage;
using Tracker.Core.Tests.Storage;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Uplink;

/// <summary>
/// An uplink on the bench: a FixLog on the in-memory flash, a <see cref="FakeLink"/>, a settable
/// clock and device, and the engine, driven by a test clock in milliseconds.
/// </summary>
internal sealed class UplinkRig
{
    public const string Car = "car-42";

    private int _fixIndex;

    public UplinkRig(UplinkOptions? options = null, int seed = 1, FixLogOptions? logOptions = null)
    {
        Options = options ?? MakeOptions();
        // 256 committed ranges (FixLog's maximum): every newest-first commit during a backlog drain
        // leaves a range, and with the default 32 a long run of flapping connections fills the table,
        // after which FixLog skips the lead until ranges merge (Storage/README.md, "Reservations").
        LogOptions = logOptions ?? LogTestKit.Small(capacityBytes: 1 << 22, segmentBytes: 16_000, maxRanges: 256);
        Flash = new FaultyFlash(seed);
        Log = FixLog.Open(Flash, LogTestKit.Dir, LogOptions);
        Link = new FakeLink(seed);
        Engine = new UplinkEngine(Link, Log, Clock, Device, Options, (uint)seed);
    }

    public UplinkOptions Options { get; }

    public FixLogOptions LogOptions { get; }

    public FaultyFlash Flash { get; }

    public FixLog Log { get; private set; }

    public FakeLink Link { get; }

    public ManualWallClock Clock { get; } = new();

    public DeviceStatusValues Device { get; } = new("1.2.3-test");

    public UplinkEngine Engine { get; private set; }

    public long Now { get; private set; } = 10_000;

    /// <summary>Every fix appended, in order.</summary>
    public List<Fix> Appended { get; } = [];

    public UplinkTopics Topics => Options.Topics;

    public static UplinkOptions MakeOptions(
        string car = Car,
        string? rule = null,
        int keepAliveS = 60,
        int normalPeriodMs = 30_000,
        int livePeriodMs = 2_000,
        bool liveWhenMoving = true,
        int maxWatchMs = 600_000,
        int statusPeriodMs = 600_000,
        int maxInFlight = 4,
        int maxFixesPerBatch = 20,
        int maxMessageBytes = Tracker.Core.Wire.BatchFormat.MaxBatchBytes,
        int ackTimeoutMs = 20_000,
        int backoffBaseMs = 1_000,
        int backoffCapMs = 16_000) =>
        new(UplinkTopics.Create(car, rule), keepAliveS, normalPeriodMs, livePeriodMs, liveWhenMoving, maxWatchMs, statusPeriodMs,
            maxInFlight, maxFixesPerBatch, maxMessageBytes, ackTimeoutMs, backoffBaseMs, backoffCapMs);

    /// <summary>Appends <paramref name="count"/> fixes, one second apart in fix time.</summary>
    public void Append(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Fix f = LogTestKit.MakeFix(1_700_000_000_000 + (_fixIndex * 1000L), _fixIndex);
            _fixIndex++;
            Assert.Equal(FixLogResult.Ok, Log.Append(ref f));
            Appended.Add(f);
            Device.LastFixTickMs = Now;
        }
    }

    /// <summary>Appends the given fixes.</summary>
    public void Append(Fix[] fixes)
    {
        for (int i = 0; i < fixes.Length; i++)
        {
            Assert.Equal(FixLogResult.Ok, Log.Append(ref fixes[i]));
            Appended.Add(fixes[i]);
            Device.LastFixTickMs = Now;
        }
    }

    /// <summary>Advances the test clock and ticks the engine.</summary>
    public void Tick(long advanceMs = 100)
    {
        Now += advanceMs;
        Link.Now = Now;
        Engine.Tick(Now);
    }

    /// <summary>Ticks every <paramref name="stepMs"/> until <paramref name="done"/> or <paramref name="maxMs"/> pass.</summary>
    public bool RunUntil(Func<bool> done, long maxMs = 600_000, long stepMs = 100)
    {
        long end = Now + maxMs;
        while (Now < end)
        {
            Tick(stepMs);
            if (done())
            {
                return true;
            }
        }

        return done();
    }

    /// <summary>A power cycle: the log is reopened from flash and a new engine starts; the old connection dies.</summary>
    public void Reboot(uint seed)
    {
        Link.LoseConnection();
        Log = FixLog.Open(Flash, LogTestKit.Dir, LogOptions);
        Engine = new UplinkEngine(Link, Log, Clock, Device, Options, seed);
    }

    /// <summary>Fix messages published (every copy), decoded.</summary>
    public List<Fix[]> PublishedBatches() =>
        Link.Published.Where(m => m.Topic == Topics.Fixes).Select(m => FakeLink.Decode(m.Payload)).ToList();
}
