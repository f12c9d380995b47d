using Tracker.Core.Time;

namespace Tracker.Core.Tests.Time;

/// <summary>The calendar clock's rule, which the device, the simulated cars and the bench replay share.</summary>
public class CalendarClockTests
{
    private const long Plausible = 1_767_268_800_000; // 2026-01-01T12:00:00Z

    [Fact]
    public void ABootedDevice_IsNotValid_UntilAPlausibleTimeSetsIt()
    {
        var rtc = new Rtc(0);
        var clock = new CalendarClock(rtc);
        Assert.False(clock.IsValid);

        Assert.False(clock.Offer(ValidTime.MinUtcMs - 1, TimeSource.Gnss)); // a receiver still on its almanac's 1980s
        Assert.False(clock.IsValid);
        Assert.Equal(0, clock.Sets);

        Assert.True(clock.Offer(Plausible, TimeSource.Gnss));
        Assert.True(clock.IsValid);
        Assert.Equal(Plausible, clock.UtcNowMs);
        Assert.Equal((1, TimeSource.Gnss), (clock.Sets, clock.LastSource));
    }

    [Fact]
    public void OnceSet_ItIsCorrectedOnlyBeyondTheThreshold()
    {
        var rtc = new Rtc(0);
        var clock = new CalendarClock(rtc);
        clock.Offer(Plausible, TimeSource.Network);
        rtc.Now += 1000;

        Assert.False(clock.Offer(Plausible + 1000 + CalendarClock.ResyncThresholdMs, TimeSource.Gnss)); // UART latency, not an error
        Assert.Equal(Plausible + 1000, clock.UtcNowMs);
        Assert.True(clock.Offer(Plausible + 1000 + CalendarClock.ResyncThresholdMs + 1, TimeSource.Gnss));
        Assert.Equal((2, TimeSource.Gnss), (clock.Sets, clock.LastSource));
        Assert.True(clock.Offer(Plausible - 3_600_000, TimeSource.Gnss)); // a step back of an hour too
    }

    [Fact]
    public void AClockThatAlreadyReadsAPlausibleTime_IsValid_AndTheFirstOfferStillSetsIt()
    {
        var clock = new CalendarClock(new Rtc(Plausible));
        Assert.True(clock.IsValid);
        Assert.True(clock.Offer(Plausible + 300, TimeSource.Gnss));
        Assert.Equal(Plausible + 300, clock.UtcNowMs);
    }

    [Fact]
    public void AReplayOnACapturesOwnDates_TakesThemWhateverTheYear()
    {
        var clock = new CalendarClock(new Rtc(0), plausibleFromUtcMs: 0);
        const long Garmin2005 = 1_127_692_354_000;
        Assert.True(clock.Offer(Garmin2005, TimeSource.Gnss));
        Assert.True(clock.IsValid);
        Assert.Equal(Garmin2005, clock.UtcNowMs);
    }

    [Fact]
    public void ARefusedSetting_LeavesTheClockUnset()
    {
        var clock = new CalendarClock(new Rtc(0) { Refuses = true });
        Assert.False(clock.Offer(Plausible, TimeSource.Gnss));
        Assert.False(clock.IsValid);
        Assert.Equal(TimeSource.None, clock.LastSource);
    }

    private sealed class Rtc(long now) : IRealTimeClock
    {
        public long Now { get; set; } = now;

        public bool Refuses { get; init; }

        public long UtcNowMs => Now;

        public bool TrySet(long utcMs)
        {
            if (Refuses)
            {
                return false;
            }

            Now = utcMs;
            return true;
        }
    }
}
