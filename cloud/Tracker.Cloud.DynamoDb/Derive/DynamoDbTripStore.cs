using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Processors.Odometer;
using Tracker.Cloud.Derive.Processors.Trips;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>
/// Issue 17's ports on DynamoDB, one table per deployment (README.md, "Trips, stops and odometer readings"): a car's
/// trips, stops and dashboard readings share its partition (<c>carId</c>), told apart by the sort key
/// <c>itemKey</c> = <c>trip#{start D20}</c>, <c>stop#{start D20}</c> or <c>odometer#{at D20}</c>, so a car's trip list
/// is one range query. A local index <c>byDecided</c> (sort <c>decidedTs</c>, keys only) finds what a step decided
/// again, so a step reads nothing else; a sparse global index <c>tripsByDay</c> (partition <c>day</c> = the start's UTC
/// date, sort <c>dayKey</c> = <c>{start D20}#{car}</c>, the figures a summary adds up projected) gives the fleet's day.
/// A stop with idle time is in the same index under <c>dayKey</c> = <c>idle#{start D20}#{car}</c> with its <c>idleMs</c>
/// projected (a key range no trip's key falls in: <c>i</c> sorts after every digit), so the fleet's idle hours are one
/// query a day too; a stop without idle time stays out of it.
/// </summary>
/// <remarks>
/// Without <c>TransactWriteItems</c> (dynalite has none) a step's write is not atomic: the upserts go first, then the
/// deletions, so a step that dies half-way loses nothing, and its redo (the same state, the same rows) finishes it; a
/// reader in between may see a revised trip beside the row it replaces. A stored item this store did not write (an
/// attribute missing or of the wrong type, a body that is not a trip, a body naming another key) is an
/// <see cref="InvalidDataException"/> naming the item, never a guess.
/// </remarks>
public sealed class DynamoDbTripStore : ITripStore, IOdometerReadingStore
{
    /// <summary>The local index of items by the fix time that decided them.</summary>
    public const string DecidedIndex = "byDecided";

    /// <summary>The global index of trips by the UTC day they start.</summary>
    public const string DayIndex = "tripsByDay";

    private const string CarKey = "carId";
    private const string ItemKey = "itemKey";
    private const string TripPrefix = "trip#";
    private const string StopPrefix = "stop#";
    private const string ReadingPrefix = "odometer#";
    private const string IdlePrefix = "idle#";
    private const string SpillPrefix = "spill#";
    private const string StateVersion = "stateVersion";
    private const string Gone = "gone";
    private const int MaxBatchAttempts = 8;
    private const int SpillPartBytes = 300_000;
    private const int ParallelWrites = 8;

    /// <summary>How long a deleted row's tombstone is kept (TTL <c>expiresAt</c>): far longer than any step can run, so a late write of an older step still finds it.</summary>
    public static readonly TimeSpan TombstoneLife = TimeSpan.FromDays(7);

    /// <summary>How long a spilled commit's parts are kept (TTL <c>expiresAt</c>): a commit that lost its race leaves its parts to expire.</summary>
    public static readonly TimeSpan SpillLife = TimeSpan.FromDays(1);

    /// <summary>The attributes <see cref="DayIndex"/> projects besides its keys: what <see cref="SumTripsAsync"/> adds up.</summary>
    public static readonly IReadOnlyList<string> DayIndexAttributes = ["startTs", "endTs", "distanceM", "estimatedM", "maxSpeed", "idleMs"];

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    /// <summary>Creates the store over a table.</summary>
    /// <param name="client">DynamoDB.</param>
    /// <param name="table">The table's name (<c>DynamoDb:TripsTable</c>, <c>TRACKER_TRIPS_TABLE</c>).</param>
    public DynamoDbTripStore(IAmazonDynamoDB client, string table)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(table);
        _client = client;
        _table = table;
    }

    /// <summary>Creates the table with its two indexes when missing (PAY_PER_REQUEST) and waits until it is ACTIVE (bounded): tests and the local stack; in AWS the CDK app owns it.</summary>
    /// <param name="client">DynamoDB.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="activeTimeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The task.</returns>
    /// <exception cref="TimeoutException">The table did not become ACTIVE in time.</exception>
    public static async Task EnsureCreatedAsync(IAmazonDynamoDB client, string table, TimeSpan activeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.CreateTableAsync(
                new CreateTableRequest
                {
                    TableName = table,
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                    KeySchema = [new KeySchemaElement(CarKey, KeyType.HASH), new KeySchemaElement(ItemKey, KeyType.RANGE)],
                    AttributeDefinitions =
                    [
                        new AttributeDefinition(CarKey, ScalarAttributeType.S),
                        new AttributeDefinition(ItemKey, ScalarAttributeType.S),
                        new AttributeDefinition("decidedTs", ScalarAttributeType.N),
                        new AttributeDefinition("day", ScalarAttributeType.S),
                        new AttributeDefinition("dayKey", ScalarAttributeType.S),
                    ],
                    LocalSecondaryIndexes =
                    [
                        new LocalSecondaryIndex
                        {
                            IndexName = DecidedIndex,
                            KeySchema = [new KeySchemaElement(CarKey, KeyType.HASH), new KeySchemaElement("decidedTs", KeyType.RANGE)],
                            Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
                        },
                    ],
                    GlobalSecondaryIndexes =
                    [
                        new GlobalSecondaryIndex
                        {
                            IndexName = DayIndex,
                            KeySchema = [new KeySchemaElement("day", KeyType.HASH), new KeySchemaElement("dayKey", KeyType.RANGE)],
                            Projection = new Projection { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [.. DayIndexAttributes] },
                        },
                    ],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // Already there.
        }

        DateTime deadline = DateTime.UtcNow + activeTimeout;
        while (true)
        {
            TableDescription description = (await client.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false)).Table;
            if (description.TableStatus == TableStatus.ACTIVE && (description.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"DynamoDB table {table} was not ACTIVE within {activeTimeout}.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">A trip or stop starts before 1970 (the sort key orders non-negative times only).</exception>
    public async Task ApplyAsync(string carId, long decidedFrom, IReadOnlyList<Trip> trips, IReadOnlyList<Stop> stops, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(trips);
        ArgumentNullException.ThrowIfNull(stops);
        if (trips.Any(t => t.StartTs < 0) || stops.Any(s => s.StartTs < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(trips), "a trip or stop starts before 1970: its key cannot be stored");
        }

        List<WriteRequest> puts = [];
        puts.AddRange(trips.Select(t => new WriteRequest(new PutRequest(TripItem(carId, t)))));
        puts.AddRange(stops.Select(s => new WriteRequest(new PutRequest(StopItem(carId, s)))));
        List<WriteRequest> deletes = [];
        if (decidedFrom != long.MaxValue)
        {
            HashSet<string> kept = [.. trips.Select(t => TripPrefix + Key(t.StartTs)), .. stops.Select(s => StopPrefix + Key(s.StartTs))];
            foreach (string stale in (await DecidedSinceAsync(carId, decidedFrom, cancellationToken).ConfigureAwait(false)).Where(k => !kept.Contains(k)))
            {
                deletes.Add(new WriteRequest(new DeleteRequest(new Dictionary<string, AttributeValue> { [CarKey] = new() { S = carId }, [ItemKey] = new() { S = stale } })));
            }
        }

        // Upserts before deletions: a step that dies between them has lost nothing, and its redo deletes the rest.
        await WriteAsync(puts, cancellationToken).ConfigureAwait(false);
        await WriteAsync(deletes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The table's name.</summary>
    internal string Table => _table;

    /// <summary>Refuses rows whose key cannot be stored, before anything is committed.</summary>
    /// <param name="writes">A step's rows.</param>
    /// <exception cref="ArgumentOutOfRangeException">A trip or stop starts before 1970.</exception>
    internal static void Validate(TripWrites writes)
    {
        if (writes.Trips.Any(t => t.StartTs < 0) || writes.Stops.Any(s => s.StartTs < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(writes), "a trip or stop starts before 1970: its key cannot be stored");
        }
    }

    /// <summary>
    /// Stores the rows of a step committed at <paramref name="version"/> of the car's Derive state (README.md, "A step's
    /// rows ride on its commit"): each upsert is a <c>PutItem</c> conditioned on the item's <c>stateVersion</c> not being
    /// newer, and each row the step decided again and no longer found becomes a tombstone under the same condition (a
    /// tombstone, not a deletion: a late upsert of an older step must still find the newer version). Repeatable: applied
    /// twice, or after a newer step, it changes nothing the newer step wrote.
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="version">The state version the step committed.</param>
    /// <param name="writes">The step's rows.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The task.</returns>
    internal async Task ApplyCommittedAsync(string carId, long version, TripWrites writes, CancellationToken cancellationToken)
    {
        Validate(writes);
        List<Dictionary<string, AttributeValue>> puts = [.. writes.Trips.Select(t => TripItem(carId, t)), .. writes.Stops.Select(s => StopItem(carId, s))];
        await EachAsync(puts, (item, ct) => PutIfNotNewerAsync(item, version, ct), cancellationToken).ConfigureAwait(false);
        if (writes.DecidedFrom == long.MaxValue)
        {
            return;
        }

        // Upserts before tombstones: a writer that dies between them has lost nothing, and the next reader applies it all again.
        HashSet<string> kept = [.. writes.Trips.Select(t => TripPrefix + Key(t.StartTs)), .. writes.Stops.Select(s => StopPrefix + Key(s.StartTs))];
        long expires = DateTimeOffset.UtcNow.Add(TombstoneLife).ToUnixTimeSeconds();
        List<Dictionary<string, AttributeValue>> tombstones = [.. (await DecidedSinceAsync(carId, writes.DecidedFrom, cancellationToken).ConfigureAwait(false))
            .Where(k => !kept.Contains(k))
            .Select(k => new Dictionary<string, AttributeValue>
            {
                [CarKey] = new() { S = carId },
                [ItemKey] = new() { S = k },
                [Gone] = new() { BOOL = true },
                ["expiresAt"] = Number(expires),
            })];
        await EachAsync(tombstones, (item, ct) => PutIfNotNewerAsync(item, version, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a commit's rows that are too large to ride on the car's state item as parts under
    /// <c>spill#{id}#{n}</c> in the car's partition, which no reader of trips lists (no trip or stop key, no index
    /// attribute), kept <see cref="SpillLife"/>.
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="payload">The packed rows.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The spill's id and its number of parts.</returns>
    internal async Task<(string Id, int Parts)> SpillAsync(string carId, byte[] payload, CancellationToken cancellationToken)
    {
        string id = Guid.NewGuid().ToString("N");
        long expires = DateTimeOffset.UtcNow.Add(SpillLife).ToUnixTimeSeconds();
        int parts = Math.Max(1, (payload.Length + SpillPartBytes - 1) / SpillPartBytes);
        for (int n = 0; n < parts; n++)
        {
            int from = n * SpillPartBytes;
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = new Dictionary<string, AttributeValue>
                    {
                        [CarKey] = new() { S = carId },
                        [ItemKey] = new() { S = SpillKey(id, n) },
                        ["data"] = new() { B = new MemoryStream(payload, from, Math.Min(SpillPartBytes, payload.Length - from), writable: false) },
                        ["expiresAt"] = Number(expires),
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }

        return (id, parts);
    }

    /// <summary>Reads a spill back, whole (a consistent query of its parts).</summary>
    /// <param name="carId">The car.</param>
    /// <param name="id">The spill's id.</param>
    /// <param name="parts">How many parts it has.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The packed rows.</returns>
    /// <exception cref="InvalidDataException">A part is missing.</exception>
    internal async Task<byte[]> ReadSpillAsync(string carId, string id, int parts, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "carId = :car AND begins_with(itemKey, :spill)",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":car"] = new() { S = carId }, [":spill"] = new() { S = SpillPrefix + id + "#" } },
            ConsistentRead = true,
        };
        using var payload = new MemoryStream();
        int read = 0;
        await foreach (Dictionary<string, AttributeValue> item in PagesAsync(request, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (Required(item, ItemKey).S != SpillKey(id, read) || Required(item, "data").B is not { } data)
            {
                throw Corrupt(item, ItemKey, "not part " + read + " of spill " + id);
            }

            data.Position = 0;
            await data.CopyToAsync(payload, cancellationToken).ConfigureAwait(false);
            read++;
        }

        return read == parts
            ? payload.ToArray()
            : throw new InvalidDataException($"Trips table {_table}: spill {id} of car {carId} has {read} of its {parts} parts.");
    }

    /// <inheritdoc/>
    public async Task<Page<Trip>> QueryTripsAsync(SpanQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long after = SpanCursor.Read("trips", query) ?? long.MinValue;
        long from = Math.Max(Math.Max(query.FromMs, 0), after == long.MaxValue ? long.MaxValue : after + 1);
        List<Trip> items = [];
        if (from < query.ToMs)
        {
            await foreach (Dictionary<string, AttributeValue> item in RangeAsync(query.CarId, TripPrefix, from, query.ToMs - 1, null, query.Limit + 1, cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadTrip(query.CarId, item));
            }
        }

        return Paged("trips", query, items, t => t.StartTs);
    }

    /// <inheritdoc/>
    public async Task<Page<Stop>> QueryStopsAsync(SpanQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long after = SpanCursor.Read("stops", query) ?? long.MinValue;
        long from = Math.Max(0, after == long.MaxValue ? long.MaxValue : after + 1);
        List<Stop> items = [];
        if (from < query.ToMs)
        {
            // A stop overlaps the span when it starts before its end and is open or ends after its start: the key bounds
            // the first, a filter the second.
            var filter = ("attribute_not_exists(endTs) OR endTs > :from", new Dictionary<string, AttributeValue> { [":from"] = Number(query.FromMs) });
            await foreach (Dictionary<string, AttributeValue> item in RangeAsync(query.CarId, StopPrefix, from, query.ToMs - 1, filter, query.Limit + 1, cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadStop(query.CarId, item));
            }
        }

        return Paged("stops", query, items, s => s.StartTs);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One car: a range query on its partition. The fleet: one query of <see cref="DayIndex"/> per UTC day the span
    /// touches (at most <c>TripReports.MaxDays</c>), reading only the projected figures.
    /// </remarks>
    public async Task<IReadOnlyList<TripTotals>> SumTripsAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        long from = Math.Max(fromMs, 0);
        Dictionary<string, TripTotals> totals = new(StringComparer.Ordinal);
        if (from >= toMs)
        {
            return [];
        }

        if (carId is not null)
        {
            await foreach (Dictionary<string, AttributeValue> item in RangeAsync(carId, TripPrefix, from, toMs - 1, null, int.MaxValue, cancellationToken).ConfigureAwait(false))
            {
                Add(totals, carId, item);
            }
        }
        else
        {
            await foreach ((string car, Dictionary<string, AttributeValue> item) in FleetDaysAsync(string.Empty, from, toMs - 1, cancellationToken).ConfigureAwait(false))
            {
                Add(totals, car, item);
            }
        }

        return totals.Values.OrderBy(t => t.CarId, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One car: a range query of its stops (the idle time is an attribute; a stop item written before it was, from the
    /// body). The fleet: one query of <see cref="DayIndex"/> per UTC day the span touches, over the <c>idle#</c> keys only.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, long>> SumIdleAsync(string? carId, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        long from = Math.Max(fromMs, 0);
        Dictionary<string, long> idle = new(StringComparer.Ordinal);
        if (from >= toMs)
        {
            return idle;
        }

        if (carId is not null)
        {
            await foreach (Dictionary<string, AttributeValue> item in RangeAsync(carId, StopPrefix, from, toMs - 1, null, int.MaxValue, cancellationToken).ConfigureAwait(false))
            {
                AddIdle(idle, carId, item.ContainsKey("idleMs") ? IdleMs(item) : ReadStop(carId, item).IdleMs, item);
            }
        }
        else
        {
            await foreach ((string car, Dictionary<string, AttributeValue> item) in FleetDaysAsync(IdlePrefix, from, toMs - 1, cancellationToken).ConfigureAwait(false))
            {
                AddIdle(idle, car, IdleMs(item), item);
            }
        }

        foreach (string none in idle.Where(kv => kv.Value == 0).Select(kv => kv.Key).ToList())
        {
            idle.Remove(none);
        }

        return idle;
    }

    /// <inheritdoc/>
    public async Task PutReadingAsync(OdometerReading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentException.ThrowIfNullOrEmpty(reading.CarId);
        ArgumentOutOfRangeException.ThrowIfNegative(reading.AtTs);
        await _client.PutItemAsync(
            new PutItemRequest
            {
                TableName = _table,
                Item = new Dictionary<string, AttributeValue>
                {
                    [CarKey] = new() { S = reading.CarId },
                    [ItemKey] = new() { S = ReadingPrefix + Key(reading.AtTs) },
                    ["atTs"] = Number(reading.AtTs),
                    ["valueM"] = Number(reading.ValueM),
                    ["setBy"] = new() { S = reading.By },
                },
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OdometerReading>> GetReadingsAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        List<OdometerReading> readings = [];
        await foreach (Dictionary<string, AttributeValue> item in RangeAsync(carId, ReadingPrefix, 0, long.MaxValue, null, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            long at = Long(item, "atTs");
            if (Required(item, ItemKey).S != ReadingPrefix + Key(at))
            {
                throw Corrupt(item, "atTs", "does not match the item's key");
            }

            readings.Add(new OdometerReading(carId, at, Double(item, "valueM"), Required(item, "setBy").S ?? throw Corrupt(item, "setBy", "not a string")));
        }

        return readings;
    }

    private static Dictionary<string, AttributeValue> TripItem(string carId, Trip t) => new()
    {
        [CarKey] = new() { S = carId },
        [ItemKey] = new() { S = TripPrefix + Key(t.StartTs) },
        ["startTs"] = Number(t.StartTs),
        ["endTs"] = Number(t.EndTs),
        ["decidedTs"] = Number(t.DecidedTs),
        ["distanceM"] = Number(t.DistanceM),
        ["estimatedM"] = Number(t.EstimatedM),
        ["maxSpeed"] = Number(t.MaxSpeedMmps),
        ["day"] = new() { S = DayText(Day(t.StartTs)) },
        ["dayKey"] = new() { S = Key(t.StartTs) + "#" + carId },
        ["body"] = new() { S = DeriveJson.Write(t with { CarId = carId }) },
    };

    private static Dictionary<string, AttributeValue> StopItem(string carId, Stop s)
    {
        Dictionary<string, AttributeValue> item = new()
        {
            [CarKey] = new() { S = carId },
            [ItemKey] = new() { S = StopPrefix + Key(s.StartTs) },
            ["startTs"] = Number(s.StartTs),
            ["decidedTs"] = Number(s.DecidedTs),
            ["idleMs"] = Number(s.IdleMs),
            ["body"] = new() { S = DeriveJson.Write(s with { CarId = carId }) },
        };
        if (s.EndTs is { } end)
        {
            item["endTs"] = Number(end);
        }

        // Only a stop with idle time enters the day index (a put replaces the item, so a stop revised to none leaves it).
        if (s.IdleMs > 0)
        {
            item["day"] = new() { S = DayText(Day(s.StartTs)) };
            item["dayKey"] = new() { S = IdlePrefix + Key(s.StartTs) + "#" + carId };
        }

        return item;
    }

    private static Trip ReadTrip(string carId, Dictionary<string, AttributeValue> item)
    {
        Trip trip = Body(item, DeriveJson.ReadTrip);
        if (trip.CarId != carId || Required(item, ItemKey).S != TripPrefix + Key(trip.StartTs))
        {
            throw Corrupt(item, "body", "names another trip than the item's key");
        }

        return trip;
    }

    private static Stop ReadStop(string carId, Dictionary<string, AttributeValue> item)
    {
        Stop stop = Body(item, DeriveJson.ReadStop);
        if (stop.CarId != carId || Required(item, ItemKey).S != StopPrefix + Key(stop.StartTs))
        {
            throw Corrupt(item, "body", "names another stop than the item's key");
        }

        return stop;
    }

    private static T Body<T>(Dictionary<string, AttributeValue> item, Func<string, T> read)
    {
        string json = Required(item, "body").S ?? throw Corrupt(item, "body", "not a string");
        try
        {
            return read(json);
        }
        catch (JsonException e)
        {
            throw Corrupt(item, "body", "does not parse: " + e.Message);
        }
    }

    private static void Add(Dictionary<string, TripTotals> totals, string carId, Dictionary<string, AttributeValue> item)
    {
        long start = Long(item, "startTs");
        long end = Long(item, "endTs");
        double distance = Double(item, "distanceM");
        double estimated = Double(item, "estimatedM");
        long speed = Long(item, "maxSpeed");
        if (end < start || speed is < 0 or > int.MaxValue)
        {
            throw Corrupt(item, end < start ? "endTs" : "maxSpeed", "out of range");
        }

        totals[carId] = totals.TryGetValue(carId, out TripTotals? sum)
            ? new TripTotals(carId, sum.Trips + 1, sum.DistanceM + distance, sum.EstimatedM + estimated, sum.DrivingMs + (end - start), Math.Max(sum.MaxSpeedMmps, (int)speed))
            : new TripTotals(carId, 1, distance, estimated, end - start, (int)speed);
    }

    private static long IdleMs(Dictionary<string, AttributeValue> item) =>
        Long(item, "idleMs") is var ms and >= 0 ? ms : throw Corrupt(item, "idleMs", "out of range");

    private static void AddIdle(Dictionary<string, long> idle, string carId, long ms, Dictionary<string, AttributeValue> item)
    {
        if (ms < 0)
        {
            throw Corrupt(item, "body", "an idle time out of range");
        }

        idle[carId] = idle.GetValueOrDefault(carId) + ms;
    }

    private static Page<T> Paged<T>(string kind, SpanQuery query, List<T> items, Func<T, long> start)
    {
        if (items.Count <= query.Limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, SpanCursor.Write(kind, query, start(items[^1])));
    }

    private static AttributeValue Required(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out AttributeValue? value) && value is not null ? value : throw Corrupt(item, name, "missing");

    private static long Long(Dictionary<string, AttributeValue> item, string name) =>
        Required(item, name).N is { } n && long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw Corrupt(item, name, "not an integer");

    private static double Double(Dictionary<string, AttributeValue> item, string name) =>
        Required(item, name).N is { } n && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw Corrupt(item, name, "not a number");

    private static InvalidDataException Corrupt(Dictionary<string, AttributeValue> item, string attribute, string why)
    {
        string car = item.TryGetValue(CarKey, out AttributeValue? c) && c.S is not null ? c.S : "?";
        string key = item.TryGetValue(ItemKey, out AttributeValue? k) && k.S is not null ? k.S : item.TryGetValue("dayKey", out AttributeValue? d) && d.S is not null ? d.S : "?";
        return new InvalidDataException($"Stored trip item ({car}, {key}): attribute '{attribute}' is {why}.");
    }

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static AttributeValue Number(double value) => new() { N = value.ToString("R", CultureInfo.InvariantCulture) };

    private static string Key(long ts) => ts.ToString("D20", CultureInfo.InvariantCulture);

    private static DateTime Day(long ts) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(ts, 253_402_300_799_999)).UtcDateTime.Date;

    private static string DayText(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The car's items of one kind whose key time is in [from, to], oldest first, at most <paramref name="limit"/>.</summary>
    private IAsyncEnumerable<Dictionary<string, AttributeValue>> RangeAsync(string carId, string prefix, long from, long to, (string Expression, Dictionary<string, AttributeValue> Values)? filter, int limit, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":car"] = new() { S = carId },
            [":lo"] = new() { S = prefix + Key(from) },
            [":hi"] = new() { S = prefix + Key(to) },
        };
        foreach (KeyValuePair<string, AttributeValue> v in filter?.Values ?? [])
        {
            values[v.Key] = v.Value;
        }

        // A trip or stop deleted by a committed step is a tombstone until its TTL: never listed.
        string? expression = filter?.Expression;
        if (prefix is TripPrefix or StopPrefix)
        {
            expression = expression is null ? "attribute_not_exists(gone)" : "(" + expression + ") AND attribute_not_exists(gone)";
        }

        var request = new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "carId = :car AND itemKey BETWEEN :lo AND :hi",
            FilterExpression = expression,
            ExpressionAttributeValues = values,
            ConsistentRead = true,
        };
        return PagesAsync(request, limit, cancellationToken);
    }

    // The fleet's items of one key family on the day index, {prefix}{start D20}#{car}, from..to inclusive: one query per
    // UTC day the span touches, each item with the car its key names.
    private async IAsyncEnumerable<(string CarId, Dictionary<string, AttributeValue> Item)> FleetDaysAsync(string prefix, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (DateTime day = Day(from); day <= Day(to); day = day.AddDays(1))
        {
            var request = new QueryRequest
            {
                TableName = _table,
                IndexName = DayIndex,
                KeyConditionExpression = "#day = :day AND dayKey BETWEEN :lo AND :hi",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#day"] = "day" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":day"] = new() { S = DayText(day) },
                    [":lo"] = new() { S = prefix + Key(from) },
                    [":hi"] = new() { S = prefix + Key(to) + "$" },
                },
            };
            await foreach (Dictionary<string, AttributeValue> item in PagesAsync(request, int.MaxValue, cancellationToken).ConfigureAwait(false))
            {
                string dayKey = Required(item, "dayKey").S ?? throw Corrupt(item, "dayKey", "not a string");
                int carAt = prefix.Length + 21;
                string car = dayKey.Length > carAt && dayKey[carAt - 1] == '#' && dayKey.IndexOf('#', prefix.Length) == carAt - 1
                    ? dayKey[carAt..]
                    : throw Corrupt(item, "dayKey", "not " + prefix + "{start D20}#{car}");
                yield return (car, item);
            }
        }
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> PagesAsync(QueryRequest request, int limit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int returned = 0;
        do
        {
            request.Limit = request.FilterExpression is null && limit != int.MaxValue ? limit - returned : null;
            QueryResponse page = await _client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (Dictionary<string, AttributeValue> item in page.Items ?? [])
            {
                yield return item;
                if (++returned >= limit)
                {
                    yield break;
                }
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    private async Task PutIfNotNewerAsync(Dictionary<string, AttributeValue> item, long version, CancellationToken cancellationToken)
    {
        item[StateVersion] = Number(version);
        bool tombstone = item.ContainsKey(Gone);
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _table,
                    Item = item,
                    ConditionExpression = (tombstone ? "attribute_exists(itemKey) AND " : string.Empty) + "(attribute_not_exists(#sv) OR #sv <= :v)",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#sv"] = StateVersion },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":v"] = Number(version) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // A newer step has written this row (or it is gone already): its version stands.
        }
    }

    private static Task EachAsync(List<Dictionary<string, AttributeValue>> items, Func<Dictionary<string, AttributeValue>, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        items.Count switch
        {
            0 => Task.CompletedTask,
            1 => write(items[0], cancellationToken),
            _ => Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = ParallelWrites, CancellationToken = cancellationToken }, async (item, ct) => await write(item, ct).ConfigureAwait(false)),
        };

    private static string SpillKey(string id, int part) => SpillPrefix + id + "#" + part.ToString("D4", CultureInfo.InvariantCulture);

    private async Task<List<string>> DecidedSinceAsync(string carId, long decidedFrom, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            IndexName = DecidedIndex,
            KeyConditionExpression = "carId = :car AND decidedTs >= :from",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":car"] = new() { S = carId }, [":from"] = Number(decidedFrom) },
            ConsistentRead = true,
        };
        List<string> keys = [];
        await foreach (Dictionary<string, AttributeValue> item in PagesAsync(request, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            string key = Required(item, ItemKey).S ?? throw Corrupt(item, ItemKey, "not a string");
            if (key.StartsWith(TripPrefix, StringComparison.Ordinal) || key.StartsWith(StopPrefix, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private async Task WriteAsync(List<WriteRequest> requests, CancellationToken cancellationToken)
    {
        foreach (WriteRequest[] chunk in requests.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [_table] = [.. chunk] };
            for (int attempt = 1; ; attempt++)
            {
                BatchWriteItemResponse response = await _client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
                if (response.UnprocessedItems is not { Count: > 0 } unprocessed || unprocessed.Values.All(r => r is not { Count: > 0 }))
                {
                    break;
                }

                int remaining = unprocessed.Values.Sum(r => r?.Count ?? 0);
                if (attempt >= MaxBatchAttempts)
                {
                    throw new UnprocessedItemsException($"BatchWriteItem left {remaining} items of {_table} unprocessed after {attempt} attempts.") { Remaining = remaining, Attempts = attempt };
                }

                pending = unprocessed;
#pragma warning disable CA5394 // Jitter spreads retries; it needs no cryptographic randomness.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(2_000, 25 * Math.Pow(2, attempt))), cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5394
            }
        }
    }
}
