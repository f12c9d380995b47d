using Tracker.Core.Control;

namespace Tracker.Core.Tests.Control;

/// <summary>
/// The moment a car with restart keys pending reboots (Control/README.md §1): parked, idle and quiet for the
/// whole spell, or at the deadline with nothing in flight; never while something is uploading or downloading.
/// </summary>
public class SafeRestartTests
{
    private const long Quiet = 60_000;
    private const long Deadline = 3_600_000;

    private static bool Parked(SafeRestart s, long now, bool pending = true) => s.Update(now, pending, ignitionOn: false, moving: false, backlog: 0, inFlight: 0, downloading: false);

    [Fact]
    public void NothingPending_NeverRestarts()
    {
        var s = new SafeRestart(Quiet, Deadline);
        for (long t = 0; t <= 2 * Deadline; t += 1000)
        {
            Assert.False(Parked(s, t, pending: false));
        }
    }

    [Fact]
    public void Parked_AndIdle_ForTheWholeSpell_Restarts_NotBefore()
    {
        var s = new SafeRestart(Quiet, Deadline);
        Assert.False(Parked(s, 1_000));
        Assert.False(Parked(s, 1_000 + Quiet - 1));
        Assert.True(Parked(s, 1_000 + Quiet));
        Assert.Equal("parked", s.Reason);
    }

    [Theory]
    [InlineData(true, false, 0, 0, false)]
    [InlineData(false, true, 0, 0, false)]
    [InlineData(false, false, 5, 0, false)]
    [InlineData(false, false, 0, 1, false)]
    [InlineData(false, false, 0, 0, true)]
    public void AnythingGoingOn_RestartsTheQuietSpell(bool ignition, bool moving, long backlog, int inFlight, bool downloading)
    {
        var s = new SafeRestart(Quiet, Deadline);
        Assert.False(Parked(s, 0));
        Assert.False(s.Update(Quiet / 2, true, ignition, moving, backlog, inFlight, downloading));
        Assert.False(Parked(s, Quiet));
        Assert.False(Parked(s, Quiet + (Quiet / 2) - 1));
        Assert.True(Parked(s, Quiet + Quiet));
    }

    [Fact]
    public void ACarThatNeverParks_RestartsAtTheDeadline_ButNotMidUploadOrDownload()
    {
        var s = new SafeRestart(Quiet, Deadline);
        Assert.False(s.Update(0, true, true, true, 3, 0, false));
        Assert.False(s.Update(Deadline - 1, true, true, true, 3, 0, false));
        Assert.False(s.Update(Deadline, true, true, true, 3, 1, false));
        Assert.False(s.Update(Deadline + 1, true, true, true, 3, 0, true));
        Assert.True(s.Update(Deadline + 2, true, true, true, 3, 0, false));
        Assert.Equal("deadline", s.Reason);
    }

    [Fact]
    public void ThePendingClock_StartsWhenKeysAreStaged_AndResetsWhenNoneAre()
    {
        var s = new SafeRestart(Quiet, Deadline);
        Assert.False(s.Update(0, false, true, true, 0, 0, false));
        Assert.False(s.Update(Deadline * 5, true, true, true, 0, 0, false));
        Assert.False(s.Update((Deadline * 6) - 1, true, true, true, 0, 0, false));
        Assert.True(s.Update(Deadline * 6, true, true, true, 0, 0, false));
        Assert.False(s.Update(Deadline * 7, false, true, true, 0, 0, false));
        Assert.False(s.Update(Deadline * 7 + 1, true, true, true, 0, 0, false));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(10, 10)]
    [InlineData(10, 5)]
    public void ABadSchedule_IsRefused(long quiet, long deadline) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SafeRestart(quiet, deadline));
}
