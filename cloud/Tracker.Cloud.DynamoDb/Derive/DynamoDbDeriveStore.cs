using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>
/// The DynamoDB adapter of the Derive stage's ports (cloud/Tracker.Cloud.Derive/README.md), under conditional writes so
/// that concurrent invocations for one car cannot both commit (issue 16, "On AWS").
/// </summary>
/// <remarks>
/// <para>
/// A commit is one conditional <c>PutItem</c> of the car's state item (<c>version = :read</c>, or
/// <c>attribute_not_exists(carId)</c> for a new car) that also carries the step's event writes and its trips and stops
/// (<c>pending</c>). Only then are they applied: each event an <c>UpdateItem</c> conditioned on its <c>stateVersion</c>
/// not being newer, each trip or stop a <c>PutItem</c> under the same condition in the trips table
/// (<see cref="DynamoDbTripStore"/>; a row the step no longer finds becomes a tombstone, so a slow writer of an older
/// step cannot bring it back); then <c>pending</c> is removed. So a writer that loses the race writes nothing, and a
/// slow writer of an older step can never overwrite a newer version. Whoever reads a state that still has
/// <c>pending</c> (a writer that died between the two) applies it first. State, events and trips thus commit as one
/// step without <c>TransactWriteItems</c>, which dynalite, the DynamoDB server the tests run against, does not
/// implement; on AWS a transaction would save the second round trip but cap a step at 100 items, where this has no cap
/// (rows too large for the state item are spilled to parts in the trips table, and the commit carries their id).
/// </para>
/// <para>
/// The state (with its checkpoints) and the pending writes are gzip'd JSON in binary attributes. Events carry
/// <c>fleet</c>/<c>fleetKey</c> for the fleet-wide list (index <see cref="DynamoDbDeriveTables.FleetIndex"/>, one
/// partition: a fleet's events are a few per car-hour, far below a partition's 1,000 writes a second), and
/// <c>expiresAt</c> (TTL, seconds) = episode start + retention, as fixes.
/// </para>
/// </remarks>
public sealed class DynamoDbDeriveStore : ITripCommitStore, IEventStore, IStatusStore, IZoneStore, ICarOdometers
{
    private const string Fleet = "fleet";

    /// <summary>
    /// Above this many bytes of state and pending writes (both gzip'd), a step's trips and stops are spilled to parts in
    /// the trips table instead of riding on the state item (DynamoDB's item limit is 400 KB).
    /// </summary>
    internal const int DefaultInlineLimit = 256 * 1024;

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbDeriveOptions _options;

    /// <summary>Bytes of gzip'd state and pending writes above which a step's trips are spilled (<see cref="DefaultInlineLimit"/>; tests lower it).</summary>
    internal int InlineLimit { get; init; } = DefaultInlineLimit;

    /// <summary>Creates the store over existing tables (<see cref="DynamoDbDeriveTables.EnsureCreatedAsync"/>).</summary>
    /// <param name="client">The client.</param>
    /// <param name="options">The tables.</param>
    public DynamoDbDeriveStore(IAmazonDynamoDB client, DynamoDbDeriveOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Only the state attribute, eventually consistent, and never the pending writes (which are events, not the state): a
    /// reader with GetItem alone, like the API function.
    /// </remarks>
    public async Task<CarOdometer?> GetOdometerAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        GetItemResponse response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _options.DeriveStateTable,
                Key = CarKey(carId),
                ProjectionExpression = "#state",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#state"] = "state" },
            },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && item.TryGetValue("state", out AttributeValue? state) && state.B is not null
            ? CarOdometer.Of(DeriveJson.ReadCar(Gzip.Unpack(state.B)))
            : null;
    }

    /// <inheritdoc/>
    public async Task<CarDerivation?> GetAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        GetItemResponse response = await _client.GetItemAsync(
            new GetItemRequest { TableName = _options.DeriveStateTable, Key = CarKey(carId), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        long version = long.Parse(item["version"].N, CultureInfo.InvariantCulture);
        if (item.TryGetValue("pending", out AttributeValue? pending) && pending.B is not null)
        {
            await ApplyAsync(carId, version, Gzip.UnpackWrites(pending.B), cancellationToken).ConfigureAwait(false);
            await ClearPendingAsync(carId, version, cancellationToken).ConfigureAwait(false);
        }

        CarDerivation car = DeriveJson.ReadCar(Gzip.Unpack(item["state"].B));
        car.Version = version;
        return car;
    }

    /// <inheritdoc/>
    public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken) =>
        CommitAsync(car, events, withdrawals, null, null, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>The trips table of a <see cref="DynamoDbTripStore"/> (on the same client), written by the write-ahead above.</remarks>
    public bool CanCommit(ITripStore trips) => trips is DynamoDbTripStore;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="trips"/> is not a <see cref="DynamoDbTripStore"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A trip or stop starts before 1970 (nothing is written).</exception>
    public Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, ITripStore trips, TripWrites? writes, CancellationToken cancellationToken) =>
        trips is DynamoDbTripStore dynamo
            ? CommitAsync(car, events, withdrawals, dynamo, writes, cancellationToken)
            : throw new ArgumentException("only a DynamoDbTripStore's rows can ride on a DynamoDB commit", nameof(trips));

    private async Task<bool> CommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, DynamoDbTripStore? trips, TripWrites? tripWrites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(withdrawals);
        long next = car.Version + 1;
        var writes = new PendingWrites { Events = [.. events], Withdrawn = [.. withdrawals.Select(k => k.Id)] };
        if (trips is not null && tripWrites is not null)
        {
            DynamoDbTripStore.Validate(tripWrites);
            writes.TripsTable = trips.Table;
            writes.Trips = PendingTrips.Of(tripWrites);
        }

        bool anyWrites = writes.Events.Count > 0 || writes.Withdrawn.Count > 0 || writes.TripsTable is not null;
        MemoryStream state = Gzip.Pack(DeriveJson.Write(car));
        MemoryStream? pending = anyWrites ? Gzip.Pack(writes) : null;
        if (pending is not null && trips is not null && writes.Trips is not null && state.Length + pending.Length > InlineLimit)
        {
            // Too large to ride on the state item: the rows go to parts first, and the commit carries only their id. A
            // commit that then loses leaves parts that nothing refers to, and they expire.
            (writes.TripsSpill, writes.TripsSpillParts) = await trips.SpillAsync(car.CarId, Gzip.Pack(writes.Trips).ToArray(), cancellationToken).ConfigureAwait(false);
            writes.Trips = null;
            pending = Gzip.Pack(writes);
        }

        Dictionary<string, AttributeValue> item = new()
        {
            ["carId"] = new AttributeValue { S = car.CarId },
            ["version"] = Number(next),
            ["state"] = new AttributeValue { B = state },
        };
        if (pending is not null)
        {
            item["pending"] = new AttributeValue { B = pending };
        }

        var put = new PutItemRequest { TableName = _options.DeriveStateTable, Item = item };
        if (car.Version == 0)
        {
            put.ConditionExpression = "attribute_not_exists(carId)";
        }
        else
        {
            put.ConditionExpression = "version = :read";
            put.ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":read"] = Number(car.Version) };
        }

        try
        {
            await _client.PutItemAsync(put, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }

        car.Version = next;
        if (anyWrites)
        {
            await ApplyAsync(car.CarId, next, writes, cancellationToken).ConfigureAwait(false);
            await ClearPendingAsync(car.CarId, next, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListCarsAsync(CancellationToken cancellationToken)
    {
        List<string> cars = [];
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse page = await _client.ScanAsync(
                new ScanRequest { TableName = _options.DeriveStateTable, ProjectionExpression = "carId", ExclusiveStartKey = start },
                cancellationToken).ConfigureAwait(false);
            cars.AddRange((page.Items ?? []).Select(i => i["carId"].S));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        cars.Sort(StringComparer.Ordinal);
        return cars;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FleetEvent>> GetDecidedSinceAsync(string carId, long decidedTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        List<FleetEvent> events = [];
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            QueryResponse page = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _options.EventsTable,
                    KeyConditionExpression = "carId = :car",
                    FilterExpression = "decidedTs >= :decided AND withdrawn = :no",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                    {
                        [":car"] = new AttributeValue { S = carId },
                        [":decided"] = Number(decidedTs),
                        [":no"] = new AttributeValue { BOOL = false },
                    },
                    ConsistentRead = true,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            events.AddRange((page.Items ?? []).Select(i => DeriveJson.ReadEvent(i["body"].S)));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        return events;
    }

    /// <inheritdoc/>
    public async Task<StoredEvent?> GetAsync(EventKey key, CancellationToken cancellationToken)
    {
        GetItemResponse response = await _client.GetItemAsync(
            new GetItemRequest { TableName = _options.EventsTable, Key = EventItemKey(key.CarId, key.Id), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? ReadEvent(item) : null;
    }

    /// <inheritdoc/>
    public async Task<EventPage> QueryAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > 1000)
        {
            throw new ArgumentException("limit must be 1 to 1000", nameof(query));
        }

        (long Start, string Car, string Id)? after = query.Cursor is null ? null : EventCursor.Read(query);
        string low = Start(Math.Max(0, query.FromMs));
        string high = Start(Math.Max(0, query.ToMs) - 1) + "#\uffff";
        if (query.ToMs <= Math.Max(0, query.FromMs))
        {
            return new EventPage([], null);
        }

        var values = new Dictionary<string, AttributeValue>
        {
            [":low"] = new AttributeValue { S = query.CarId is null ? low : low },
            [":high"] = new AttributeValue { S = high },
        };
        List<string> filters = [];
        if (!query.IncludeWithdrawn)
        {
            filters.Add("withdrawn = :no");
            values[":no"] = new AttributeValue { BOOL = false };
        }

        if (query.Types.Count > 0)
        {
            filters.Add("#type IN (" + string.Join(", ", query.Types.Select((_, i) => ":t" + i)) + ")");
            for (int i = 0; i < query.Types.Count; i++)
            {
                values[":t" + i] = new AttributeValue { S = EventTypeNames.Name(query.Types[i]) };
            }
        }

        var request = new QueryRequest
        {
            TableName = _options.EventsTable,
            ScanIndexForward = false,
            ExpressionAttributeValues = values,
            FilterExpression = filters.Count > 0 ? string.Join(" AND ", filters) : null,
            ExpressionAttributeNames = query.Types.Count > 0 ? new Dictionary<string, string> { ["#type"] = "type" } : null,
        };
        if (query.CarId is null)
        {
            request.IndexName = DynamoDbDeriveTables.FleetIndex;
            request.KeyConditionExpression = "fleet = :fleet AND fleetKey BETWEEN :low AND :high";
            values[":fleet"] = new AttributeValue { S = Fleet };
        }
        else
        {
            request.KeyConditionExpression = "carId = :car AND eventId BETWEEN :low AND :high";
            values[":car"] = new AttributeValue { S = query.CarId };
        }

        if (after is { } a)
        {
            request.ExclusiveStartKey = EventItemKey(a.Car, a.Id);
            if (query.CarId is null)
            {
                request.ExclusiveStartKey["fleet"] = new AttributeValue { S = Fleet };
                request.ExclusiveStartKey["fleetKey"] = new AttributeValue { S = FleetKey(a.Car, a.Id) };
            }
        }

        // One more than the page, so the last page has no cursor; a filter may thin a page, so read on until enough.
        List<Dictionary<string, AttributeValue>> items = [];
        do
        {
            request.Limit = query.Limit + 1 - items.Count;
            QueryResponse page = await _client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items ?? []);
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (items.Count <= query.Limit && request.ExclusiveStartKey is not null);

        string? next = null;
        if (items.Count > query.Limit)
        {
            items.RemoveRange(query.Limit, items.Count - query.Limit);
            Dictionary<string, AttributeValue> last = items[^1];
            next = EventCursor.Write(query, long.Parse(last["episodeStart"].N, CultureInfo.InvariantCulture), last["carId"].S, last["eventId"].S);
        }

        return new EventPage(items.Select(ReadEvent).ToList(), next);
    }

    /// <inheritdoc/>
    public async Task<StoredEvent?> AcknowledgeAsync(EventKey key, string by, long atMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _options.EventsTable,
                    Key = EventItemKey(key.CarId, key.Id),
                    UpdateExpression = "SET ackBy = :by, ackMs = :at",
                    ConditionExpression = "attribute_exists(eventId) AND attribute_not_exists(ackBy)",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":by"] = new AttributeValue { S = by }, [":at"] = Number(atMs) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // None, or acknowledged already: the first acknowledgement stands.
        }

        return await GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> AppendStatusAsync(StoredStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        Dictionary<string, AttributeValue> item = new()
        {
            ["carId"] = new AttributeValue { S = status.CarId },
            ["ts"] = Number(status.Ts),
            ["receivedMs"] = Number(status.ReceivedMs),
            ["online"] = new AttributeValue { BOOL = status.Online },
            ["ignition"] = Number((int)status.Ignition),
            ["expiresAt"] = Number(ExpiresAt(status.Ts)),
        };
        if (status.SupplyMv is { } supply)
        {
            item["supplyMv"] = Number(supply);
        }

        if (status.BackupMv is { } backup)
        {
            item["backupMv"] = Number(backup);
        }

        try
        {
            await _client.PutItemAsync(
                new PutItemRequest { TableName = _options.StatusesTable, Item = item, ConditionExpression = "attribute_not_exists(ts)" },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredStatus>> ReadStatusesFromAsync(string carId, long fromTs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        List<StoredStatus> statuses = [];
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            QueryResponse page = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _options.StatusesTable,
                    KeyConditionExpression = "carId = :car AND ts >= :from",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":car"] = new AttributeValue { S = carId }, [":from"] = Number(fromTs) },
                    ConsistentRead = true,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            foreach (Dictionary<string, AttributeValue> i in page.Items ?? [])
            {
                statuses.Add(new StoredStatus
                {
                    CarId = carId,
                    Ts = long.Parse(i["ts"].N, CultureInfo.InvariantCulture),
                    ReceivedMs = long.Parse(i["receivedMs"].N, CultureInfo.InvariantCulture),
                    Online = i["online"].BOOL == true,
                    Ignition = (IgnitionState)int.Parse(i["ignition"].N, CultureInfo.InvariantCulture),
                    SupplyMv = i.TryGetValue("supplyMv", out AttributeValue? s) ? int.Parse(s.N, CultureInfo.InvariantCulture) : null,
                    BackupMv = i.TryGetValue("backupMv", out AttributeValue? b) ? int.Parse(b.N, CultureInfo.InvariantCulture) : null,
                });
            }

            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        return statuses;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Zone>> ListZonesAsync(CancellationToken cancellationToken)
    {
        List<Zone> zones = [];
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse page = await _client.ScanAsync(
                new ScanRequest { TableName = _options.ZonesTable, ExclusiveStartKey = start, ConsistentRead = true },
                cancellationToken).ConfigureAwait(false);
            zones.AddRange((page.Items ?? []).Select(i => ZoneJson.Read(i["body"].S)));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        return zones.OrderBy(z => z.Id, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc/>
    public async Task PutZoneAsync(Zone zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (ZoneValidator.Problem(zone) is { } problem)
        {
            throw new ArgumentException("zone " + zone.Id + ": " + problem, nameof(zone));
        }

        await _client.PutItemAsync(
            new PutItemRequest
            {
                TableName = _options.ZonesTable,
                Item = new Dictionary<string, AttributeValue> { ["zoneId"] = new AttributeValue { S = zone.Id }, ["body"] = new AttributeValue { S = ZoneJson.Write(zone) } },
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteZoneAsync(string zoneId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(zoneId);
        DeleteItemResponse response = await _client.DeleteItemAsync(
            new DeleteItemRequest
            {
                TableName = _options.ZonesTable,
                Key = new Dictionary<string, AttributeValue> { ["zoneId"] = new AttributeValue { S = zoneId } },
                ReturnValues = ReturnValue.ALL_OLD,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Attributes is { Count: > 0 };
    }

    private async Task ApplyAsync(string carId, long version, PendingWrites writes, CancellationToken cancellationToken)
    {
        foreach (FleetEvent e in writes.Events)
        {
            string id = e.Key.Id;
            try
            {
                await _client.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = _options.EventsTable,
                        Key = EventItemKey(carId, id),
                        UpdateExpression = "SET #type = :type, episodeStart = :start, decidedTs = :decided, withdrawn = :no, body = :body, "
                            + "stateVersion = :v, fleet = :fleet, fleetKey = :fleetKey, expiresAt = :expires",
                        ConditionExpression = "attribute_not_exists(stateVersion) OR stateVersion <= :v",
                        ExpressionAttributeNames = new Dictionary<string, string> { ["#type"] = "type" },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                        {
                            [":type"] = new AttributeValue { S = EventTypeNames.Name(e.Type) },
                            [":start"] = Number(e.EpisodeStartMs),
                            [":decided"] = Number(e.DecidedTs),
                            [":no"] = new AttributeValue { BOOL = false },
                            [":body"] = new AttributeValue { S = DeriveJson.Write(e) },
                            [":v"] = Number(version),
                            [":fleet"] = new AttributeValue { S = Fleet },
                            [":fleetKey"] = new AttributeValue { S = FleetKey(carId, id) },
                            [":expires"] = Number(ExpiresAt(e.EpisodeStartMs)),
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                // A newer step has written this event already.
            }
        }

        foreach (string id in writes.Withdrawn)
        {
            try
            {
                await _client.UpdateItemAsync(
                    new UpdateItemRequest
                    {
                        TableName = _options.EventsTable,
                        Key = EventItemKey(carId, id),
                        UpdateExpression = "SET withdrawn = :yes, stateVersion = :v",
                        ConditionExpression = "attribute_exists(eventId) AND stateVersion <= :v",
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":yes"] = new AttributeValue { BOOL = true }, [":v"] = Number(version) },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                // Gone, or a newer step has written it.
            }
        }

        if (writes.TripsTable is { } table)
        {
            var trips = new DynamoDbTripStore(_client, table);
            PendingTrips rows = writes.Trips
                ?? (writes.TripsSpill is { } spill
                    ? Gzip.UnpackTrips(new MemoryStream(await trips.ReadSpillAsync(carId, spill, writes.TripsSpillParts, cancellationToken).ConfigureAwait(false)))
                    : throw new InvalidDataException($"Derive state of car {carId}, version {version}: pending trips name a table but carry no rows."));
            await trips.ApplyCommittedAsync(carId, version, rows.ToWrites(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ClearPendingAsync(string carId, long version, CancellationToken cancellationToken)
    {
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _options.DeriveStateTable,
                    Key = CarKey(carId),
                    UpdateExpression = "REMOVE pending",
                    ConditionExpression = "version = :v",
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":v"] = Number(version) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // A newer commit replaced the item (and its writer applied these writes before its step).
        }
    }

    private long ExpiresAt(long ts) => (ts / 1000) + (long)_options.Retention.TotalSeconds;

    private static StoredEvent ReadEvent(Dictionary<string, AttributeValue> item) => new(
        DeriveJson.ReadEvent(item["body"].S),
        item.TryGetValue("withdrawn", out AttributeValue? w) && w.BOOL == true,
        item.TryGetValue("ackBy", out AttributeValue? by) ? by.S : null,
        item.TryGetValue("ackMs", out AttributeValue? at) ? long.Parse(at.N, CultureInfo.InvariantCulture) : null);

    private static string Start(long ms) => ms.ToString("D20", CultureInfo.InvariantCulture);

    private static string FleetKey(string carId, string eventId) => eventId[..20] + "#" + carId + "#" + eventId;

    private static Dictionary<string, AttributeValue> CarKey(string carId) => new() { ["carId"] = new AttributeValue { S = carId } };

    private static Dictionary<string, AttributeValue> EventItemKey(string carId, string eventId) => new()
    {
        ["carId"] = new AttributeValue { S = carId },
        ["eventId"] = new AttributeValue { S = eventId },
    };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
