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
    public void ATickThatChangesNothingButTheClock_WritesNothing_ForACarWithCheckpoints()
    {
        // Three hours parked, a fix a minute: the state holds a checkpoint an hour, which a tick never touches.
        var rig = new Rig();
        rig.DeliverEach(Enumerable.Range(0, 180).Select(m => Drive.Fix(m * 60, 0, kmh: 0)));
        rig.Tick(Drive.Ms((179 * 60) + 5));
        int commits = rig.Store.Commits;
        Assert.True(rig.State!.Checkpoints.Count >= 3);

        DeriveStep step = rig.Tick(Drive.Ms((179 * 60) + 10));

        Assert.True(step.Unchanged);
        Assert.Equal(commits, rig.Store.Commits);
    }

    [Fact]
    public void WhatATickComparesBeforeAndAfter_IgnoresTheClockAndTheCheckpoints_ButNotTheStatesOrTheConnectivity()
    {
        var rig = new Rig();
        rig.DeliverEach(Enumerable.Range(0, 120).Select(m => Drive.Fix(m * 60, 0, kmh: 0)));
        CarDerivation car = rig.State!;
        byte[] before = DeriveJson.WriteTicked(car);

        car.LastTickMs += 5_000;
        car.Checkpoints.RemoveAt(0);
        Assert.Equal(before, DeriveJson.WriteTicked(car));

        car.States.Ignition.Current = car.States.Ignition.Current == Tracker.Core.Uplink.IgnitionState.On
            ? Tracker.Core.Uplink.IgnitionState.Off
            : Tracker.Core.Uplink.IgnitionState.On;
        Assert.NotEqual(before, DeriveJson.WriteTicked(car));

        CarDerivation other = rig.State!;
        byte[] fresh = DeriveJson.WriteTicked(other);
        other.Connectivity.Offline = !other.Connectivity.Offline;
        Assert.NotEqual(fresh, DeriveJson.WriteTicked(other));
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
