using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Tests.Support;

namespace Tracker.Cloud.Derive.Tests.Engine;

/// <summary>A tick is written only when it changed something other than the clock.</summary>
public sealed class TickWriteTests
{
    [Fact]
    public void ATickThatChangesNothingButTheClock_WritesNothing()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Fix(0, 0, kmh: 0), Drive.Fix(10, 0, kmh: 0));
        rig.Tick(Drive.Ms(20));
        int commits = rig.Store.Commits;

        DeriveStep step = rig.Tick(Drive.Ms(25));

        Assert.True(step.Unchanged);
        Assert.Equal(commits, rig.Store.Commits);
    }

    [Fact]
    public void ATickThatDecidesSomething_IsWritten_AndItsEventStored()
    {
        var rig = new Rig();
        rig.Deliver(Drive.Fix(0, 0, kmh: 0));
        rig.Tick(Drive.Ms(10));
        int commits = rig.Store.Commits;

        // Hours without a word: the clock decides the car is offline.
        DeriveStep step = rig.Tick(Drive.Ms(6 * 3600));

        Assert.False(step.Unchanged);
        Assert.Equal(commits + 1, rig.Store.Commits);
        Assert.NotEmpty(rig.Of(EventType.Offline));
    }

    [Fact]
    public void ATickOfACarWithNoState_CreatesNone()
    {
        var rig = new Rig();

        DeriveStep step = rig.Tick(Drive.Ms(60));

        Assert.True(step.Unchanged);
        Assert.Equal(0, rig.Store.Commits);
    }
}
