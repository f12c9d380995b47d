using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Tests.Support;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Engine;

public sealed class LateDataTests
{
    // The car starts in the depot and leaves it at 1202 m (40 s into the drive), speeding from 40 s to 80 s; it is in a
    // dead zone from 30 s to 300 s.
    private static readonly Zone Depot = new() { Id = "depot", Name = "Depot", Center = Drive.At(1000, 0), RadiusM = 200 };

    private static Rig WithDepot()
    {
        var rig = new Rig();
        rig.Store.Zones.Add(Depot);
        rig.Store.Limits = new SpeedLimits { FleetMmps = 27_778 };
        return rig;
    }

    private static Observation At(int s, double receivedAtS) =>
        Drive.Fix(s, 1000 + (s * 5) + 2, kmh: s is >= 40 and < 80 ? 120 : 72, delayS: receivedAtS - s);

    [Fact]
    public void BacklogAfterADeadZone_InOrder_YieldsTheEventsAtTheirTrueTimes_MarkedLate()
    {
        Rig rig = WithDepot();
        rig.DeliverEach(Enumerable.Range(0, 30).Select(s => At(s, s + 1)));
        rig.Deliver(Enumerable.Range(30, 270).Select(s => At(s, 301)));

        FleetEvent exit = Assert.Single(rig.Of(EventType.GeofenceExit));
        Assert.Equal(Drive.Ms(40), exit.EpisodeStartMs);
        Assert.True(exit.Late);
        Assert.False(exit.Pending);
        FleetEvent speeding = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal((Drive.Ms(40), Drive.Ms(80)), (speeding.EpisodeStartMs, speeding.EndMs!.Value));
        Assert.True(speeding.Late);
    }

    [Fact]
    public void NewestFixFirstAfterTheDeadZone_HoldsItsEvent_ThenTheBacklogReplacesIt_NoSpuriousEventNow()
    {
        Rig rig = WithDepot();
        rig.DeliverEach(Enumerable.Range(0, 30).Select(s => At(s, s + 1)));

        // The firmware sends its newest fix first after a reconnect: alone, it jumps the car out of the depot.
        rig.Deliver(At(300, 301));
        FleetEvent jumped = Assert.Single(rig.Of(EventType.GeofenceExit));
        Assert.Equal(Drive.Ms(300), jumped.EpisodeStartMs);
        Assert.True(jumped.Pending);

        DeriveStep backlog = rig.Deliver(Enumerable.Range(30, 270).Select(s => At(s, 302)));
        Assert.NotNull(backlog.RewoundFrom);
        FleetEvent exit = Assert.Single(rig.Of(EventType.GeofenceExit));
        Assert.Equal(Drive.Ms(40), exit.EpisodeStartMs);
        Assert.False(exit.Pending);
        Assert.True(exit.Late);
        Assert.Contains(rig.Store.All, e => e.Withdrawn && e.Event.Key == jumped.Key);
    }

    [Fact]
    public void HeldEvent_WithNoBacklog_StandsAfterTheSettleTime()
    {
        Rig rig = WithDepot();
        rig.DeliverEach(Enumerable.Range(0, 30).Select(s => At(s, s + 1)));
        rig.Deliver(At(300, 301));
        rig.Tick(Drive.Ms(301 + 89));
        Assert.True(Assert.Single(rig.Of(EventType.GeofenceExit)).Pending);
        rig.Tick(Drive.Ms(301 + 90));
        Assert.False(Assert.Single(rig.Of(EventType.GeofenceExit)).Pending);
    }

    [Fact]
    public void RedeliveredBatch_YieldsNoNewEvent()
    {
        Rig rig = WithDepot();
        Observation[] drive = Enumerable.Range(0, 300).Select(s => At(s, s + 1)).ToArray();
        rig.Deliver(drive[..100]);
        rig.Deliver(drive[100..]);
        StoredSnapshot before = new(rig);

        rig.Deliver(drive[100..]);
        rig.Deliver(drive[..100]);
        rig.Deliver(drive[150..160]);
        Assert.Equal(before, new StoredSnapshot(rig));
    }

    [Fact]
    public async Task ARestart_ContinuesAnEpisodeFromTheStoredState()
    {
        Rig rig = WithDepot();
        rig.DeliverEach(Enumerable.Range(0, 50).Select(s => At(s, s + 1)));

        // A new engine and service over the same store: what a restarted host or a fresh Lambda has.
        var restarted = new DeriveService(new CarDeriver(DeriveOptions.Default), rig.Store, rig.Store, rig.Store, rig.Store);
        foreach (int s in Enumerable.Range(50, 100))
        {
            await restarted.DeriveAsync(Drive.Car, rig.Store.Store([At(s, s + 1)]), CancellationToken.None);
        }

        FleetEvent speeding = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal((Drive.Ms(40), Drive.Ms(80)), (speeding.EpisodeStartMs, speeding.EndMs!.Value));
    }

    [Fact]
    public void LostConditionalWrites_AreRedoneOnTheWinnersState_WithoutDuplicates()
    {
        Rig rig = WithDepot();
        rig.DeliverEach(Enumerable.Range(0, 50).Select(s => At(s, s + 1)));
        rig.Store.LoseNextCommits = 3;
        rig.Deliver(Enumerable.Range(50, 100).Select(s => At(s, s + 1)));
        Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Single(rig.Of(EventType.GeofenceExit));

        rig.Store.LoseNextCommits = DeriveService.MaxAttempts;
        Assert.Throws<DeriveConflictException>(() => rig.Deliver(At(200, 201)));
    }

    [Fact]
    public void DataOlderThanTheOldestCheckpoint_IsCountedAndSkipped()
    {
        var rig = new Rig(DeriveOptions.Default with { MaxCheckpoints = 2, CheckpointEvery = TimeSpan.FromMinutes(10) });
        rig.DeliverEach(Enumerable.Range(1, 60).Select(m => Drive.Fix(m * 60, 0)));
        DeriveStep step = rig.Deliver(Drive.Fix(90, 0), Drive.Fix(3300, 0));
        Assert.Equal(1, step.BeyondHorizon);
        Assert.NotNull(step.RewoundFrom);
    }

    [Fact]
    public void StatusAndFixAtTheSameInstant_StatusFirst_EitherArrivalOrder()
    {
        Rig one = WithDepot();
        Rig other = WithDepot();
        one.Deliver(Drive.Status(0, IgnitionState.On), Drive.Fix(0, 0));
        one.Deliver(Drive.Status(100, IgnitionState.Off), Drive.Fix(100, 0));
        other.Deliver(Drive.Fix(0, 0), Drive.Status(0, IgnitionState.On));
        other.Deliver(Drive.Fix(100, 0));
        other.Deliver(Drive.Status(100, IgnitionState.Off));
        Assert.Equal(one.Events.Select(e => e.Key), other.Events.Select(e => e.Key));
    }

    private sealed record StoredSnapshot(int Count, string Events)
    {
        public StoredSnapshot(Rig rig)
            : this(rig.Store.All.Count, string.Join("\n", rig.Store.All.Select(e => e.Event.Key.Id + " " + e.Withdrawn + " " + e.Event.EndMs).Order(StringComparer.Ordinal)))
        {
        }
    }
}

public sealed class FailedStepTests
{
    [Fact]
    public void FixesStoredByIngestButNeverDerived_AreFoldedByTheNextStep()
    {
        var rig = new Rig();
        rig.Store.Limits = new SpeedLimits { FleetMmps = 27_778 };
        rig.DeliverEach(Enumerable.Range(0, 5).Select(s => Drive.Fix(s * 2, s * 60, kmh: 80)));

        // Ingest stored these, then the derive step failed (the host died): the store has them, the engine never saw them.
        rig.Store.Store(Enumerable.Range(5, 20).Select(s => Drive.Fix(s * 2, s * 60, kmh: 130)));
        rig.Deliver(Drive.Fix(50, 1500, kmh: 60));

        FleetEvent e = Assert.Single(rig.Of(EventType.Overspeed));
        Assert.Equal((Drive.Ms(10), Drive.Ms(50)), (e.EpisodeStartMs, e.EndMs!.Value));
    }
}
