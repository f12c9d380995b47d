using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The SQLite store's change feed (<see cref="IFixFeed"/>) and the Derive stage following it (<see cref="FeedDerive"/>),
/// each test on its own database file: entries exactly for new fixes, acknowledged only up to what was derived, the same
/// events as deriving every batch, and nothing lost to a failed step or a stop.
/// </summary>
public sealed class SqliteFixFeedTests : IDisposable
{
    private const string Car = "car-0001";
    // Within the store's 30-day retention, or the first append's purge takes the fixes away again.
    private static readonly long T0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000) - 3_600_000;
    private readonly TempFolder _folder = new("tracker-feed-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task AnAppendOfNewFixes_LeavesOneEntryWithTheirSpan()
    {
        SqliteStore store = await OpenAsync("a.db", feed: true);
        await store.AppendAsync(Car, Fixes(Car, 0, 10), CancellationToken.None);

        FeedSpan? span = await store.PeekAsync(Car, CancellationToken.None);
        Assert.NotNull(span);
        Assert.Equal((T0, T0 + 9_000, 1), (span.FromTs, span.ToTs, span.Entries));
        Assert.Equal([Car], await store.PendingCarsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ARepeatedBatch_LeavesNoEntry_AndAPartlyNewOne_SpansOnlyItsNewFixes()
    {
        SqliteStore store = await OpenAsync("a.db", feed: true);
        await store.AppendAsync(Car, Fixes(Car, 0, 10), CancellationToken.None);
        FeedSpan first = (await store.PeekAsync(Car, CancellationToken.None))!;
        await store.AcknowledgeAsync(Car, first.ThroughSeq, CancellationToken.None);

        await store.AppendAsync(Car, Fixes(Car, 0, 10), CancellationToken.None);
        Assert.Null(await store.PeekAsync(Car, CancellationToken.None));

        await store.AppendAsync(Car, Fixes(Car, 5, 10), CancellationToken.None);
        FeedSpan? span = await store.PeekAsync(Car, CancellationToken.None);
        Assert.NotNull(span);
        Assert.Equal((T0 + 10_000, T0 + 14_000), (span.FromTs, span.ToTs));
    }

    [Fact]
    public async Task WithoutTheOption_AnAppendLeavesNoEntry()
    {
        SqliteStore store = await OpenAsync("a.db", feed: false);
        await store.AppendAsync(Car, Fixes(Car, 0, 10), CancellationToken.None);

        Assert.Null(await store.PeekAsync(Car, CancellationToken.None));
        Assert.Empty(await store.PendingCarsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Acknowledging_RemovesOnlyTheEntriesUpToTheOneGiven()
    {
        SqliteStore store = await OpenAsync("a.db", feed: true);
        await store.AppendAsync(Car, Fixes(Car, 0, 10), CancellationToken.None);
        await store.AppendAsync("car-0002", Fixes("car-0002", 0, 10), CancellationToken.None);
        FeedSpan read = (await store.PeekAsync(Car, CancellationToken.None))!;
        await store.AppendAsync(Car, Fixes(Car, 10, 10), CancellationToken.None);

        await store.AcknowledgeAsync(Car, read.ThroughSeq, CancellationToken.None);

        FeedSpan? left = await store.PeekAsync(Car, CancellationToken.None);
        Assert.NotNull(left);
        Assert.Equal((T0 + 10_000, T0 + 19_000, 1), (left.FromTs, left.ToTs, left.Entries));
        Assert.Equal(["car-0001", "car-0002"], await store.PendingCarsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FollowingTheFeed_GivesTheEventsOfDerivingEveryBatch_InFewerSteps()
    {
        (SqliteStore inlineStore, SqliteDeriveStore inlineDerive, DeriveService inlineService) = await OpenDeriveAsync("inline.db", feed: false);
        (SqliteStore feedStore, SqliteDeriveStore feedDerive, DeriveService feedService) = await OpenDeriveAsync("feed.db", feed: true);
        int steps = 0;
        await using var feed = new FeedDerive(feedStore, feedService)
        {
            RunStep = async (_, step) =>
            {
                if (await step() is not null)
                {
                    Interlocked.Increment(ref steps);
                }
            },
        };
        feed.Start();
        string[] cars = ["car-0001", "car-0002", "car-0003"];
        int messages = 0;
        for (int m = 0; m < 40; m++)
        {
            foreach (string car in cars)
            {
                StoredFix[] batch = Fixes(car, m * 10, 10, Array.IndexOf(cars, car));
                await inlineStore.AppendAsync(car, batch, CancellationToken.None);
                await inlineService.DeriveAsync(car, [.. batch.Select(Derive.Observations.Observation.Of)], CancellationToken.None);
                await feedStore.AppendAsync(car, batch, CancellationToken.None);
                feed.Mark(car);
                messages++;
            }
        }

        await feed.WhenIdleAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        foreach (string car in cars)
        {
            IReadOnlyList<FleetEvent> expected = await inlineDerive.GetDecidedSinceAsync(car, long.MinValue, CancellationToken.None);
            Assert.NotEmpty(expected);
            Assert.Equal(Describe(expected), Describe(await feedDerive.GetDecidedSinceAsync(car, long.MinValue, CancellationToken.None)));
            Assert.Null(await feedStore.PeekAsync(car, CancellationToken.None));
        }

        Assert.True(steps <= messages, $"{steps} steps for {messages} messages");
    }

    [Fact]
    public async Task MessagesOfOneCarWithinTheWait_ShareOneStep_TakenOnlyOnceTheWaitIsOver()
    {
        (SqliteStore store, SqliteDeriveStore derive, DeriveService service) = await OpenDeriveAsync("a.db", feed: true);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        int steps = 0;
        await using var feed = new FeedDerive(store, service)
        {
            Coalesce = TimeSpan.FromMilliseconds(200),
            Clock = clock,
            RunStep = async (_, step) =>
            {
                if (await step() is not null)
                {
                    Interlocked.Increment(ref steps);
                }
            },
        };
        feed.Start();
        for (int m = 0; m < 12; m++)
        {
            await store.AppendAsync(Car, Fixes(Car, m * 10, 10), CancellationToken.None);
            feed.Mark(Car);
        }

        // The clock has not moved: the car waits, whatever the workers are doing.
        await Task.Delay(100);
        Assert.Equal(0, Volatile.Read(ref steps));
        Assert.Equal(12, (await store.PeekAsync(Car, CancellationToken.None))!.Entries);

        clock.Advance(TimeSpan.FromMilliseconds(200));
        await feed.WhenIdleAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(1, steps);
        Assert.NotEmpty(await derive.GetDecidedSinceAsync(Car, long.MinValue, CancellationToken.None));
        Assert.Null(await store.PeekAsync(Car, CancellationToken.None));
    }

    [Fact]
    public async Task AStepThatFails_KeepsItsEntries_AndIsTriedAgainUntilItCommits()
    {
        SqliteStore store = await OpenAsync("a.db", feed: true);
        SqliteDeriveStore derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        var failing = new FailingCommits(derive) { FailuresLeft = 2 };
        DeriveService service = Service(store, derive, failing);
        List<string> failures = [];
        await using var feed = new FeedDerive(store, service)
        {
            RetryAfter = TimeSpan.FromMilliseconds(50),
            StepFailed = (car, e) =>
            {
                lock (failures)
                {
                    failures.Add(car + ": " + e.Message);
                }
            },
        };
        feed.Start();

        await store.AppendAsync(Car, Fixes(Car, 0, 120), CancellationToken.None);
        feed.Mark(Car);
        await feed.WhenIdleAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Contains("the disk is full", f, StringComparison.Ordinal));
        Assert.NotEmpty(await derive.GetDecidedSinceAsync(Car, long.MinValue, CancellationToken.None));
        Assert.Null(await store.PeekAsync(Car, CancellationToken.None));
    }

    [Fact]
    public async Task EntriesLeftWhenTheHostStopped_AreDerivedAtTheNextStart()
    {
        (SqliteStore store, SqliteDeriveStore derive, DeriveService service) = await OpenDeriveAsync("a.db", feed: true);
        await store.AppendAsync(Car, Fixes(Car, 0, 120), CancellationToken.None);
        await store.AppendAsync("car-0002", Fixes("car-0002", 0, 120, 1), CancellationToken.None);

        // The process stopped after ingest stored the fixes and before any Derive step: a new stage starts.
        await using var feed = new FeedDerive(store, service);
        await feed.StartAsync(CancellationToken.None);
        await feed.WhenIdleAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        Assert.NotEmpty(await derive.GetDecidedSinceAsync(Car, long.MinValue, CancellationToken.None));
        Assert.NotEmpty(await derive.GetDecidedSinceAsync("car-0002", long.MinValue, CancellationToken.None));
        Assert.Empty(await store.PendingCarsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AfterDispose_MarkingACar_LeavesItsEntriesForTheNextStart()
    {
        (SqliteStore store, _, DeriveService service) = await OpenDeriveAsync("a.db", feed: true);
        var feed = new FeedDerive(store, service);
        feed.Start();
        await feed.DisposeAsync();

        await store.AppendAsync(Car, Fixes(Car, 0, 10), CancellationToken.None);
        feed.Mark(Car);

        Assert.Equal(0, feed.Backlog);
        Assert.Equal([Car], await store.PendingCarsAsync(CancellationToken.None));
    }

    private static string Describe(IEnumerable<FleetEvent> events) =>
        string.Join("\n", events.Select(e => $"{e.Key.Id} {e.EndMs} {e.SpeedMmps} {e.DistanceM}").Order(StringComparer.Ordinal));

    // Speeds up to 16.85 m/s against a 50 km/h limit: overspeed episodes, moving and stopped.
    private static StoredFix[] Fixes(string car, int from, int count, int carIndex = 0) =>
        [.. Tracker.Cloud.Testing.SyntheticFleet.Drive(car, carIndex, T0, from + count, 1000).Skip(from)];

    private static DeriveService Service(SqliteStore store, SqliteDeriveStore derive, IDerivationStore? states = null) => new(
        new CarDeriver(DeriveOptions.Default),
        states ?? derive,
        derive,
        new StoredObservations(store, derive),
        new StoredContexts(derive, store, new SpeedLimits { FleetMmps = 13_889 }));

    private async Task<SqliteStore> OpenAsync(string name, bool feed) =>
        await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine(name), SyncEveryCommit = false, ChangeFeed = feed }, CancellationToken.None);

    private async Task<(SqliteStore Store, SqliteDeriveStore Derive, DeriveService Service)> OpenDeriveAsync(string name, bool feed)
    {
        SqliteStore store = await OpenAsync(name, feed);
        SqliteDeriveStore derive = await SqliteDeriveStore.OpenAsync(store, CancellationToken.None);
        return (store, derive, Service(store, derive));
    }

    private sealed class FailingCommits(IDerivationStore inner) : IDerivationStore
    {
        public int FailuresLeft { get; set; }

        public Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken) => inner.GetAsync(carId, cancellationToken);

        public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("the disk is full");
            }

            return inner.TryCommitAsync(car, events, withdrawals, cancellationToken);
        }

        public Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken) => inner.ListCarsAsync(cancellationToken);
    }
}
