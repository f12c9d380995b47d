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
/// <c>attribute_not_exists(carId)</c> for a new car) that also carries the step's event writes (<c>pending</c>). Only
/// then are the events written, each with an <c>UpdateItem</c> conditioned on its <c>stateVersion</c> not being newer,
/// so a slow writer of an older step can never overwrite a newer version of an event; then <c>pending</c> is removed.
/// Whoever reads a state that still has <c>pending</c> (a writer that died between the two) applies it first. So state
/// and events commit as one step without <c>TransactWriteItems</c>, which dynalite, the DynamoDB server the tests run
/// against, does not implement; on AWS a transaction would save the second round trip, not change the outcome.
/// </para>
/// <para>
/// The state (with its checkpoints) and the pending writes are gzip'd JSON in binary attributes. Events carry
/// <c>fleet</c>/<c>fleetKey</c> for the fleet-wide list (index <see cref="DynamoDbDeriveTables.FleetIndex"/>, one
/// partition: a fleet's events are a few per car-hour, far below a partition's 1,000 writes a second), and
/// <c>expiresAt</c> (TTL, seconds) = episode start + retention, as fixes.
/// </para>
/// </remarks>
public sealed class DynamoDbDeriveStore : IDerivationStore, IEventStore, IStatusStore, IZoneStore, ICarOdometers
{
    private const string Fleet = "fleet";

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbDeriveOptions _options;

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
    public async Task<bool> TryCommitAsync(CarDerivation car, IReadOnlyList<FleetEvent> events, IReadOnlyList<EventKey> withdrawals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(car);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(withdrawals);
        long next = car.Version + 1;
        var writes = new PendingWrites { Events = [.. events], Withdrawn = [.. withdrawals.Select(k => k.Id)] };
        bool anyWrites = writes.Events.Count > 0 || writes.Withdrawn.Count > 0;
        Dictionary<string, AttributeValue> item = new()
        {
            ["carId"] = new AttributeValue { S = car.CarId },
            ["version"] = Number(next),
            ["state"] = new AttributeValue { B = Gzip.Pack(DeriveJson.Write(car)) },
        };
        if (anyWrites)
        {
            item["pending"] = new AttributeValue { B = Gzip.Pack(writes) };
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
