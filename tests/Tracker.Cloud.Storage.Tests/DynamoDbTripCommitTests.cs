using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Core.Fixes;
using Tracker.Testing;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// Issue 17 on AWS, against dynalite: a step's trips and stops ride on its conditional commit of the car's Derive state
/// (DynamoDbDeriveStore's write-ahead). A step that loses the race for a car writes none of its rows, retries from the
/// winner's state, and the car ends with the trips and stops of in-order delivery; a slow writer of an older step can
/// neither overwrite nor bring back a newer step's rows; a writer that dies after its commit has its rows written by the
/// next reader; rows too large for the state item are spilled and applied whole.
/// </summary>
public sealed class DynamoDbTripCommitTests(DynaliteServer server) : IClassFixture<DynaliteServer>, INeedsDynalite
{
    private const string Car = "car-0042";
    private const string Twin = "car-0043";
    private const int LatE7 = 523_812_000;
    private const int LonE7 = 49_000_000;
    private static readonly long T0 = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000) - 7_200) * 1000;

    [StoreFact]
    public async Task AStepThatLosesTheRace_WritesNoneOfItsRows_AndRedoesItFromTheWinnersState()
    {
        using Rig rig = await RigAsync();

        // Parked, then a drive that ends in a 13 min stop: step A has seen the first half of the drive only, step B
        // (the winner) the whole drive and the stop that closes its trip.
        List<Fix> drive = Drive(T0, trips: 1);
        Fix[] parked = drive.Where(f => f.TimeMs < T0 + 120_000).ToArray();
        Fix[] a = drive.Where(f => f.TimeMs >= T0 + 120_000 && f.TimeMs < T0 + 270_000).ToArray();
        Fix[] b = drive.Where(f => f.TimeMs >= T0 + 270_000).ToArray();
        await DeliverAsync(rig, Service(rig), Car, parked);

        var gate = new Gate(rig.Observations);
        var loser = new Counting(rig.States);
        Task<DeriveStep?> stepA = DeliverAsync(rig, Service(rig, loser, gate), Car, a);
        await gate.Read.WaitAsync(TimeSpan.FromSeconds(20)); // A has read its history (without B's fixes) and waits
        await DeliverAsync(rig, Service(rig), Car, b);
        IReadOnlyList<Trip> afterWinner = await TripsAsync(rig, Car);
        Assert.Single(afterWinner);

        gate.Release();
        await stepA.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, loser.Lost); // A lost its commit, and with it the rows of its stale view (no trip, the drive open)
        Assert.Empty(Assert.Single(loser.LostWrites)?.Trips ?? []);

        // The twin car gets the same fixes in order, alone.
        foreach (Fix[] batch in new[] { parked, a, b })
        {
            await DeliverAsync(rig, Service(rig), Twin, batch);
        }

        await AssertSameAsync(rig);
        Assert.Equal(Describe(afterWinner), Describe(await TripsAsync(rig, Car)));
    }

    [StoreFact]
    public async Task ATickThatLosesTheRaceToAnIngestStep_LeavesNoTruncatedTripAndNoPhantomStop()
    {
        using Rig rig = await RigAsync();

        // The car drives; its first fixes are derived, the rest arrive while the clock's tick runs on the state read
        // before them. The tick (the car silent for MaxBridge, as far as it knows) closes the trip at the last fix it
        // knew, with a stop there; the ingest step commits first, the whole drive and the 13 min stop after it.
        List<Fix> drive = Drive(T0, trips: 1);
        Fix[] first = drive.Where(f => f.TimeMs < T0 + 270_000).ToArray();
        Fix[] rest = drive.Where(f => f.TimeMs >= T0 + 270_000).ToArray();
        await DeliverAsync(rig, Service(rig), Car, first);

        var tickStates = new Counting(rig.States, holdFirstRead: true);
        Task<DeriveStep> tick = Service(rig, tickStates).TickAsync(Car, first[^1].TimeMs + 46 * 60_000, CancellationToken.None);
        await tickStates.Read.WaitAsync(TimeSpan.FromSeconds(20));
        await DeliverAsync(rig, Service(rig), Car, rest);
        tickStates.Release();
        await tick.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, tickStates.Lost);
        Assert.NotEmpty(Assert.Single(tickStates.LostWrites)!.Trips); // what it would have written: the truncated trip
        foreach (Fix[] batch in new[] { first, rest })
        {
            await DeliverAsync(rig, Service(rig), Twin, batch);
        }

        await AssertSameAsync(rig);
    }

    [StoreFact]
    public async Task ConcurrentInvocationsForOneCar_EndWithTheTripsAndStopsOfInOrderDelivery()
    {
        int lostAcrossSeeds = 0;
        for (int seed = 1; seed <= 4; seed++)
        {
            using Rig rig = await RigAsync();
            var random = new Random(seed);
            List<Fix> drive = Drive(T0, trips: 3);
            List<Fix[]> batches = [];
            for (int i = 0; i < drive.Count;)
            {
                int n = Math.Min(drive.Count - i, random.Next(2, 14));
                batches.Add([.. drive.Skip(i).Take(n)]);
                i += n;
            }

            // Three invocations take the car's messages as they come, each storing its batch and deriving at once, with
            // no order among them: the conditional commit is all that serialises the steps.
            var queue = new System.Collections.Concurrent.ConcurrentQueue<Fix[]>(batches);
            var losses = new Counting(rig.States);
            int redelivered = 0;
            async Task InvocationAsync(int worker)
            {
                var jitter = new Random((seed * 31) + worker);
                DeriveService service = Service(rig, losses);
                while (queue.TryDequeue(out Fix[]? batch))
                {
                    await Task.Delay(jitter.Next(0, 4));
                    for (int attempt = 1; ; attempt++)
                    {
                        try
                        {
                            await DeliverAsync(rig, service, Car, batch);
                            break;
                        }
                        catch (DeriveConflictException) when (attempt < 5)
                        {
                            // Lost every conditional write of its step: the message is delivered again, as the IoT rule does.
                            Interlocked.Increment(ref redelivered);
                        }
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 3).Select(w => Task.Run(() => InvocationAsync(w))));
            foreach (Fix[] batch in batches)
            {
                await DeliverAsync(rig, Service(rig), Twin, batch);
            }

            await AssertSameAsync(rig);
            Assert.Equal(3, (await TripsAsync(rig, Car)).Count);
            lostAcrossSeeds += losses.Lost;
        }

        Assert.True(lostAcrossSeeds > 0, "no step lost a race: the test raced nothing");
    }

    [StoreFact]
    public async Task ACommitThatLosesItsRace_WritesNoneOfItsRows()
    {
        using Rig rig = await RigAsync();
        CarDerivation winner = CarDerivation.New(Car);
        Assert.True(await rig.States.TryCommitAsync(winner, [], [], rig.Trips, new TripWrites(long.MaxValue, [Trip(T0, T0 + 1_000)], [Stop(T0 + 900, T0 + 1_000)]), CancellationToken.None));

        // A stale step read no state: its rows, and its deletion of everything decided since 0, must not land.
        CarDerivation stale = CarDerivation.New(Car);
        Assert.False(await rig.States.TryCommitAsync(stale, [], [], rig.Trips, new TripWrites(0, [Trip(T0 + 5_000, T0 + 6_000)], []), CancellationToken.None));

        Assert.Equal([T0], (await TripsAsync(rig, Car)).Select(t => t.StartTs));
        Assert.Single(await StopsAsync(rig, Car));
    }

    [StoreFact]
    public async Task ASlowWriterOfAnOlderStep_NeitherOverwritesNorBringsBackANewerStepsRows()
    {
        using Rig rig = await RigAsync();
        Trip first = Trip(T0, T0 + 1_000);
        Trip second = Trip(T0 + 10_000, T0 + 11_000);
        await rig.Trips.ApplyCommittedAsync(Car, 1, new TripWrites(long.MaxValue, [first, second], []), CancellationToken.None);

        // Version 3 revises the first trip and finds the second no more (a rewind from T0).
        Trip revised = first with { DistanceM = 1_234, DecidedTs = T0 + 20_000 };
        await rig.Trips.ApplyCommittedAsync(Car, 3, new TripWrites(T0, [revised], []), CancellationToken.None);

        // Version 2's writer, slow, applies its rows now: the old first trip, and the second again.
        await rig.Trips.ApplyCommittedAsync(Car, 2, new TripWrites(T0, [first, second], []), CancellationToken.None);

        Trip only = Assert.Single(await TripsAsync(rig, Car));
        Assert.Equal(1_234, only.DistanceM);

        // And version 3 applied twice (a reader that found it pending) changes nothing.
        await rig.Trips.ApplyCommittedAsync(Car, 3, new TripWrites(T0, [revised], []), CancellationToken.None);
        Assert.Equal(1_234, Assert.Single(await TripsAsync(rig, Car)).DistanceM);
        Assert.Equal(1, Assert.Single(await rig.Trips.SumTripsAsync(Car, T0, T0 + 86_400_000, CancellationToken.None)).Trips);

        // The second trip is a tombstone that expires; the trip a bill is made from never does.
        List<Dictionary<string, AttributeValue>> items = (await rig.Client.ScanAsync(new ScanRequest { TableName = rig.TripsTable })).Items;
        Assert.False(Assert.Single(items, i => i.ContainsKey("body")).ContainsKey("expiresAt"));
        Dictionary<string, AttributeValue> tombstone = Assert.Single(items, i => i.ContainsKey("gone"));
        Assert.True(tombstone.ContainsKey("expiresAt"));
        Assert.False(tombstone.ContainsKey("decidedTs") || tombstone.ContainsKey("day"), "a tombstone is in no index");
    }

    [StoreFact]
    public async Task AWriterThatDiedAfterItsCommit_HasItsRowsWrittenByTheNextReader()
    {
        using Rig rig = await RigAsync();
        using var dying = new DyingClient(server.ServiceUrl, rig.TripsTable);
        var dead = new DynamoDbDeriveStore(dying, rig.Options);
        CarDerivation car = CarDerivation.New(Car);
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            dead.TryCommitAsync(car, [], [], new DynamoDbTripStore(dying, rig.TripsTable), new TripWrites(long.MaxValue, [Trip(T0, T0 + 1_000)], []), CancellationToken.None));
        Assert.Empty(await TripsAsync(rig, Car));

        CarDerivation? read = await rig.States.GetAsync(Car, CancellationToken.None);
        Assert.Equal(1, read!.Version);
        Assert.Equal([T0], (await TripsAsync(rig, Car)).Select(t => t.StartTs));
        GetItemResponse item = await rig.Client.GetItemAsync(rig.Options.DeriveStateTable, new Dictionary<string, AttributeValue> { ["carId"] = new() { S = Car } });
        Assert.False(item.Item.ContainsKey("pending"));
    }

    [StoreFact]
    public async Task RowsTooLargeForTheStateItem_AreSpilled_AndAppliedWhole_ALosersSpillNeverListed()
    {
        using Rig rig = await RigAsync();
        var small = new DynamoDbDeriveStore(rig.Client, rig.Options) { InlineLimit = 512 };
        List<Trip> many = [.. Enumerable.Range(0, 120).Select(i => Trip(T0 + (i * 60_000L), T0 + (i * 60_000L) + 1_000))];
        Assert.True(await small.TryCommitAsync(CarDerivation.New(Car), [], [], rig.Trips, new TripWrites(long.MaxValue, many, []), CancellationToken.None));
        Assert.Equal(many.Select(t => t.StartTs), (await TripsAsync(rig, Car)).Select(t => t.StartTs));

        // A loser's spill is written before its commit fails: nothing lists it, and it expires.
        Assert.False(await small.TryCommitAsync(CarDerivation.New(Car), [], [], rig.Trips, new TripWrites(0, [.. many.Select(t => t with { DistanceM = 1 })], []), CancellationToken.None));
        Assert.All(await TripsAsync(rig, Car), t => Assert.Equal(1_000, t.DistanceM));
        List<Dictionary<string, AttributeValue>> spills = [.. (await rig.Client.ScanAsync(new ScanRequest { TableName = rig.TripsTable })).Items.Where(i => i["itemKey"].S.StartsWith("spill#", StringComparison.Ordinal))];
        Assert.NotEmpty(spills);
        Assert.All(spills, s => Assert.True(s.ContainsKey("expiresAt")));
    }

    [StoreFact]
    public async Task ASpillMissingAPart_IsAnErrorNamingIt_NeverAPartialStep()
    {
        using Rig rig = await RigAsync();
        (string id, int parts) = await rig.Trips.SpillAsync(Car, new byte[700_000], CancellationToken.None);
        Assert.Equal(3, parts);
        await rig.Client.DeleteItemAsync(rig.TripsTable, new Dictionary<string, AttributeValue> { ["carId"] = new() { S = Car }, ["itemKey"] = new() { S = "spill#" + id + "#0001" } });
        InvalidDataException e = await Assert.ThrowsAsync<InvalidDataException>(() => rig.Trips.ReadSpillAsync(Car, id, parts, CancellationToken.None));
        Assert.Contains(id, e.Message, StringComparison.Ordinal);
    }

    private static string Describe(IEnumerable<Trip> trips) => string.Join("\n", trips.Select(t => t with { CarId = string.Empty, DecidedTs = 0 }));

    private static string DescribeStops(IEnumerable<Stop> stops) => string.Join("\n", stops.Select(s => s with { CarId = string.Empty, DecidedTs = 0 }));

    private static async Task AssertSameAsync(Rig rig)
    {
        // Both cars past the last stop on the clock, so every trip is closed.
        long late = T0 + 86_400_000;
        await Service(rig).TickAsync(Car, late, CancellationToken.None);
        await Service(rig).TickAsync(Twin, late, CancellationToken.None);
        string expected = Describe(await TripsAsync(rig, Twin));
        Assert.NotEqual(string.Empty, expected);
        Assert.Equal(expected, Describe(await TripsAsync(rig, Car)));
        Assert.Equal(DescribeStops(await StopsAsync(rig, Twin)), DescribeStops(await StopsAsync(rig, Car)));
    }

    private static async Task<IReadOnlyList<Trip>> TripsAsync(Rig rig, string car) =>
        (await rig.Trips.QueryTripsAsync(new SpanQuery(car, 0, long.MaxValue, 1000, null), CancellationToken.None)).Items;

    private static async Task<IReadOnlyList<Stop>> StopsAsync(Rig rig, string car) =>
        (await rig.Trips.QueryStopsAsync(new SpanQuery(car, 0, long.MaxValue, 1000, null), CancellationToken.None)).Items;

    private static DeriveService Service(Rig rig, IDerivationStore? states = null, IObservationSource? observations = null) => new(
        new CarDeriver(DeriveOptions.Default),
        states ?? rig.States,
        rig.States,
        observations ?? rig.Observations,
        new StoredContexts(rig.States, rig.Fixes, SpeedLimits.None),
        rig.Trips);

    private static async Task<DeriveStep?> DeliverAsync(Rig rig, DeriveService service, string car, Fix[] fixes)
    {
        await new IngestService(rig.Fixes, CarRules.Default.Ingest, TimeProvider.System).IngestFixesAsync(car, fixes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None);
        return await new DeriveAfterIngest(rig.Fixes, service).FixesStoredAsync(car, WireBatch.Encode(fixes), CancellationToken.None);
    }

    private async Task<Rig> RigAsync()
    {
        string prefix = "c" + Guid.NewGuid().ToString("N")[..12];
        AmazonDynamoDBClient client = server.CreateClient();
        var fixes = new DynamoDbStoreOptions { FixesTable = prefix + "-fixes", LatestTable = prefix + "-latest", RentalsTable = prefix + "-rentals" };
        var derive = new DynamoDbDeriveOptions { DeriveStateTable = prefix + "-state", EventsTable = prefix + "-events", StatusesTable = prefix + "-statuses", ZonesTable = prefix + "-zones" };
        await DynamoDbTables.EnsureCreatedAsync(client, fixes, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbDeriveTables.EnsureCreatedAsync(client, derive, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbTripStore.EnsureCreatedAsync(client, prefix + "-trips", TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbStore(client, fixes);
        var states = new DynamoDbDeriveStore(client, derive);
        return new Rig(client, store, states, new DynamoDbTripStore(client, prefix + "-trips"), prefix + "-trips", derive, new StoredObservations(store, states));
    }

    // Parked 2 min, then per trip: 5 min east at 10 m/s (3 km) and 13 min parked.
    private static List<Fix> Drive(long t0, int trips)
    {
        List<Fix> fixes = [.. Parked(t0, 0, 120, 0)];
        for (int i = 0; i < trips; i++)
        {
            int from = 120 + (i * 1_080);
            fixes.AddRange(Driving(t0, from, 300, i * 3_000.0));
            fixes.AddRange(Parked(t0, from + 305, 775, (i + 1) * 3_000.0));
        }

        return fixes;
    }

    private static IEnumerable<Fix> Parked(long t0, int fromS, int seconds, double eastM)
    {
        for (int s = fromS; s < fromS + seconds; s += 10)
        {
            yield return Fix(t0 + (s * 1000L), eastM, 0);
        }
    }

    private static IEnumerable<Fix> Driving(long t0, int fromS, int seconds, double fromEastM)
    {
        for (int s = 5; s <= seconds; s += 5)
        {
            yield return Fix(t0 + ((fromS + s) * 1000L), fromEastM + (10.0 * s), 10_000);
        }
    }

    private static Fix Fix(long ts, double eastM, int speedMmps)
    {
        int lon = LonE7 + (int)Math.Round(eastM / (111_195.08 * Math.Cos(52.3812 * Math.PI / 180)) * 1e7);
        Fix f = global::Tracker.Core.Fixes.Fix.Create(ts, LatE7, lon);
        f.AltCm = 1_000;
        f.SpeedMmps = speedMmps;
        f.CourseCdeg = 9_000;
        f.HdopX100 = 90;
        f.Satellites = 9;
        f.Mode = FixMode.ThreeD;
        f.Quality = FixQuality.Autonomous;
        return f;
    }

    private static Trip Trip(long start, long decided) => new()
    {
        CarId = Car,
        StartTs = start,
        EndTs = start + 900,
        DistanceM = 1_000,
        MaxSpeedMmps = 20_000,
        DecidedTs = decided,
    };

    private static Stop Stop(long start, long decided) => new() { CarId = Car, StartTs = start, DecidedTs = decided };

    private sealed record Rig(AmazonDynamoDBClient Client, DynamoDbStore Fixes, DynamoDbDeriveStore States, DynamoDbTripStore Trips, string TripsTable, DynamoDbDeriveOptions Options, IObservationSource Observations) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    /// <summary>Holds the first history read after it has read, until released (bounded): a step with a stale view.</summary>
    private sealed class Gate(IObservationSource inner) : IObservationSource
    {
        private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Read => _read.Task;

        public void Release() => _release.TrySetResult();

        public async Task<IReadOnlyList<Observation>> ReadFromAsync(string carId, long fromTs, CancellationToken cancellationToken)
        {
            IReadOnlyList<Observation> read = await inner.ReadFromAsync(carId, fromTs, cancellationToken);
            if (Interlocked.Increment(ref _calls) == 1)
            {
                _read.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            }

            return read;
        }
    }

    /// <summary>
    /// The DynamoDB state store, counting lost commits and keeping the rows each lost commit carried; optionally holding
    /// the first state read after it has read, until released (bounded): a step on a stale state.
    /// </summary>
    private sealed class Counting(DynamoDbDeriveStore inner, bool holdFirstRead = false) : ITripCommitStore
    {
        private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;
        private int _lost;

        public int Lost => Volatile.Read(ref _lost);

        public Task Read => _read.Task;

        public System.Collections.Concurrent.ConcurrentQueue<TripWrites?> LostWrites { get; } = new();

        public void Release() => _release.TrySetResult();

        public bool CanCommit(ITripStore trips) => inner.CanCommit(trips);

        public async Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, ITripStore trips, TripWrites? writes, CancellationToken cancellationToken)
        {
            bool won = await inner.TryCommitAsync(car, events, withdrawals, trips, writes, cancellationToken);
            if (!won)
            {
                Interlocked.Increment(ref _lost);
                LostWrites.Enqueue(writes);
            }

            return won;
        }

        public async Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken)
        {
            CarDerivation? state = await inner.GetAsync(carId, cancellationToken);
            if (holdFirstRead && Interlocked.Increment(ref _reads) == 1)
            {
                _read.TrySetResult();
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
            }

            return state;
        }

        public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a committing store's rows must ride on the commit");

        public Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken) => inner.ListCarsAsync(cancellationToken);
    }

    /// <summary>A client whose writes to the trips table are lost, as if the process died after the state's put.</summary>
    private sealed class DyingClient(Uri serviceUrl, string tripsTable)
        : AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("test", "test"), AwsTestClients.DynamoDbConfig(serviceUrl))
    {
        public override Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default) =>
            request.TableName == tripsTable ? throw new OperationCanceledException("the process died") : base.PutItemAsync(request, cancellationToken);
    }
}
