using FsCheck.Xunit;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Tests.Support;

namespace Tracker.Cloud.Derive.Tests.Engine;

/// <summary>
/// With a store that tells versions (SQLite), the service keeps each car's state in memory between steps instead of
/// reading its JSON back: the events and the state it ends with are exactly those of reading every state back, whatever
/// the delivery order, the ticks between messages and the commits lost to another writer; a tick of a kept state reads
/// no state; a state whose stored version moved is read again.
/// </summary>
public sealed class KeptStateProperties
{
    [Property(MaxTest = 25)]
    public void KeptStates_EndWithTheEventsAndStateOfStatesReadBack(int seed)
    {
        var drive = new RandomDrive(seed);
        Rig read = drive.NewRig();
        Rig kept = drive.NewRig(keepStates: true);
        var random = new Random(seed ^ 0x7e57);
        foreach (Observation[] batch in DeliveryOrderProperties.Shuffle(DeliveryOrderProperties.Batches(drive.Observations, random), random))
        {
            if (random.Next(6) == 0)
            {
                // Another writer got there first: both lose the commit and read the winner's state.
                read.Store.LoseNextCommits = kept.Store.LoseNextCommits = 1;
            }

            read.Deliver(batch);
            kept.Deliver(batch);
            if (random.Next(3) == 0 && batch.Length > 0)
            {
                long now = batch.Max(o => o.ReceivedMs) + random.Next(0, 600_000);
                read.Tick(now);
                kept.Tick(now);
            }
        }

        read.Tick(drive.End + 3_600_000);
        kept.Tick(drive.End + 3_600_000);

        Assert.Equal(DeliveryOrderProperties.Describe(read.Events), DeliveryOrderProperties.Describe(kept.Events));
        Assert.Equal(State(read), State(kept));
        Assert.True(kept.Versions!.StateReads < read.Store.Commits, "the kept rig read every state back: nothing was kept");
    }

    [Fact]
    public void ATickOfAKeptState_ReadsOnlyItsVersion_AndAStateAnotherWriterMovedIsReadAgain()
    {
        var rig = new Rig(keepStates: true);
        rig.Deliver(Drive.Fix(0, 0, kmh: 0), Drive.Fix(10, 0, kmh: 0));
        int reads = rig.Versions!.StateReads;

        Assert.True(rig.Tick(Drive.Ms(20)).Unchanged);
        Assert.True(rig.Tick(Drive.Ms(25)).Unchanged);
        Assert.Equal(reads, rig.Versions.StateReads);

        // Another writer: the next commit is lost and the stored version moves on.
        rig.Store.LoseNextCommits = 1;
        rig.Deliver(Drive.Fix(30, 0, kmh: 0));
        int afterLoss = rig.Versions.StateReads;
        Assert.True(afterLoss > reads);

        Assert.True(rig.Tick(Drive.Ms(40)).Unchanged);
        Assert.Equal(afterLoss, rig.Versions.StateReads);
        Assert.Equal(Drive.Ms(30), rig.State!.WatermarkTs);
    }

    [Fact]
    public void AKeptState_IsUsedWithoutReadingItsVersion_UntilTheCheckIsDue()
    {
        var clock = new SteppedClock();
        var rig = new Rig(keepStates: true, clock: clock);
        rig.Deliver(Drive.Fix(0, 0, kmh: 0), Drive.Fix(10, 0, kmh: 0));
        int versions = rig.Versions!.VersionReads;
        int states = rig.Versions.StateReads;

        // The delivery's commit checked the version: ticks and steps within the interval trust it.
        clock.Advance(rig.Service.KeptCheckEvery / 2);
        Assert.True(rig.Tick(Drive.Ms(20)).Unchanged);
        rig.Deliver(Drive.Fix(30, 0, kmh: 0));
        Assert.Equal(versions, rig.Versions.VersionReads);

        // Past it, the next step reads the version once, then trusts it again.
        clock.Advance(rig.Service.KeptCheckEvery);
        Assert.True(rig.Tick(Drive.Ms(40)).Unchanged);
        Assert.True(rig.Tick(Drive.Ms(45)).Unchanged);
        Assert.Equal(versions + 1, rig.Versions.VersionReads);
        Assert.Equal(states, rig.Versions.StateReads);
    }

    [Fact]
    public async Task AStateAnotherWriterMoved_IsReadAgainByATickOnceTheCheckIsDue()
    {
        var clock = new SteppedClock();
        var rig = new Rig(keepStates: true, clock: clock);
        rig.Deliver(Drive.Fix(0, 0, kmh: 0), Drive.Fix(10, 0, kmh: 0));

        // Another writer commits the car's state behind the service's back (another process on the same file).
        CarDerivation other = rig.State!;
        Assert.True(await rig.Store.TryCommitAsync(other, [], [], CancellationToken.None));
        int states = rig.Versions!.StateReads;

        Assert.True(rig.Tick(Drive.Ms(20)).Unchanged);
        Assert.Equal(states, rig.Versions.StateReads);

        clock.Advance(rig.Service.KeptCheckEvery);
        rig.Tick(Drive.Ms(25));
        Assert.Equal(states + 1, rig.Versions.StateReads);

        // And a step that writes finds it at once: its commit checks the version and loses, then reads the stored state.
        Assert.True(await rig.Store.TryCommitAsync(rig.State!, [], [], CancellationToken.None));
        int before = rig.Versions.StateReads;
        rig.Deliver(Drive.Fix(30, 0, kmh: 0));
        Assert.Equal(before + 1, rig.Versions.StateReads);
        Assert.Equal(Drive.Ms(30), rig.State!.WatermarkTs);
    }

    /// <summary>A clock whose timestamps move only when told (the service measures the kept states' checks on them).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static string State(Rig rig)
    {
        CarDerivation car = rig.State!;
        car.Version = 0;
        return DeriveJson.Write(car);
    }
}
