using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.DynamoDb;

/// <summary>
/// The DynamoDB adapter of <see cref="IFixStore"/> and <see cref="IRentalStore"/> (tables:
/// <see cref="DynamoDbTables"/>). Fixes live in the fixes table keyed (carId, ts) and expire through
/// the TTL attribute <c>expiresAt</c>; each car's latest position is one item of a separate latest
/// table (so the fleet view is a Scan of one small table, not of 30 days of fixes), replaced only
/// under the condition <c>attribute_not_exists(carId) OR ts &lt; :ts</c>.
/// </summary>
/// <remarks>
/// Duplicates are counted by checking existence first: an append reads the batch's keys with one
/// consistent BatchGetItem per 100 keys, then writes only the missing fixes with BatchWriteItem in
/// chunks of 25 (the API's limits). This costs one read unit per 4 KB item instead of a conditional
/// PutItem per fix, and BatchWriteItem cannot itself report whether an item existed. Two appends of
/// the same fixes racing each other may both count them as written; the stored data stays exact
/// (the second put rewrites an identical item), only that count is at-least-once.
/// </remarks>
public sealed class DynamoDbStore : IFixStore, IRentalStore, ILateDays
{
    private const string CursorTag = "d1";

    /// <summary>BatchWriteItem takes at most 25 put or delete requests (DynamoDB API Reference, BatchWriteItem).</summary>
    public const int WriteChunk = 25;

    /// <summary>BatchGetItem takes at most 100 keys (DynamoDB API Reference, BatchGetItem).</summary>
    public const int ReadChunk = 100;

    private const string RentalKey = "rentalKey";
    private const string ByRenterIndex = "byRenter";

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbStoreOptions _options;
    private readonly BatchRetry _retry;

    /// <summary>Creates the store over existing tables (create them with <see cref="DynamoDbTables.EnsureCreatedAsync"/>).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DynamoDbStore(IAmazonDynamoDB client, DynamoDbStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _options = options;
        _retry = new BatchRetry(options);
    }

    /// <summary>The name of the rentals table's index on renter (partition <c>renter</c>, sort <c>fromMs</c>).</summary>
    public static string RenterIndexName => ByRenterIndex;

    /// <inheritdoc />
    /// <exception cref="UnprocessedItemsException">Throttled through every allowed attempt.</exception>
    public async Task<AppendResult> AppendAsync(string carId, IReadOnlyList<StoredFix> fixes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentNullException.ThrowIfNull(fixes);
        var unique = new List<StoredFix>(fixes.Count);
        var seen = new HashSet<long>();
        foreach (StoredFix fix in fixes)
        {
            if (fix.CarId != carId)
            {
                throw new ArgumentException($"Fix at {fix.Ts} belongs to car '{fix.CarId}', not '{carId}'.", nameof(fixes));
            }

            // The first of two fixes with one key wins, as INSERT OR IGNORE does in the SQLite adapter;
            // BatchWriteItem would reject a request naming one key twice.
            if (seen.Add(fix.Ts))
            {
                unique.Add(fix);
            }
        }

        HashSet<long> existing = await ExistingAsync(carId, unique, cancellationToken).ConfigureAwait(false);
        var fresh = unique.Where(f => !existing.Contains(f.Ts)).ToList();
        long retentionSeconds = (long)_options.Retention.TotalSeconds;
        for (int start = 0; start < fresh.Count; start += WriteChunk)
        {
            var requests = fresh.Skip(start).Take(WriteChunk)
                .Select(f => new WriteRequest { PutRequest = new PutRequest { Item = FixItem.ToItem(f, FloorDiv(f.Ts, 1000) + retentionSeconds) } })
                .ToList();
            await WriteChunkAsync(requests, cancellationToken).ConfigureAwait(false);
        }

        // A fix of a day already over marks the day for the archive (ILateDays): one update per late day of the batch,
        // after the fixes, and for those found already stored too (a retry after a crash between the two marks again).
        // Only days the store still holds: an older one can no longer be exported.
        DateOnly today = DateOnly.FromDateTime(_options.Clock.GetUtcNow().UtcDateTime);
        DateOnly oldest = today.AddDays(-(int)Math.Ceiling(_options.Retention.TotalDays));
        foreach (DateOnly day in unique.Select(f => LateDay.Of(f.Ts)).Where(d => d < today && d >= oldest).Distinct().Order())
        {
            await MarkLateAsync(carId, day, cancellationToken).ConfigureAwait(false);
        }

        return new AppendResult(fresh.Count, fixes.Count - fresh.Count);
    }

    /// <inheritdoc />
    /// <remarks>One consistent query of the marks' partition in the fixes table.</remarks>
    public async Task<IReadOnlyList<LateDay>> ListLateDaysAsync(CancellationToken cancellationToken)
    {
        SortedDictionary<DateOnly, List<string>> days = [];
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            QueryResponse page = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _options.FixesTable,
                    KeyConditionExpression = "#car = :marks",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#car"] = FixItem.CarId },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":marks"] = new() { S = LateDaysPartition } },
                    ConsistentRead = true,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            foreach (Dictionary<string, AttributeValue> item in page.Items ?? [])
            {
                (DateOnly day, int shard, long marks) = ReadMark(item);
                if (!days.TryGetValue(day, out List<string>? shards))
                {
                    days[day] = shards = [];
                }

                shards.Add(string.Create(CultureInfo.InvariantCulture, $"{shard}:{marks}"));
            }

            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        return [.. days.Select(kv => new LateDay(kv.Key, string.Join(",", kv.Value)))];
    }

    /// <inheritdoc />
    /// <remarks>Each shard's item is deleted only if its count is still the one listed.</remarks>
    public async Task<bool> ClearLateDayAsync(LateDay day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(day);
        bool all = true;
        foreach (string part in day.Mark.Split(','))
        {
            string[] pair = part.Split(':');
            if (pair.Length != 2 || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out int shard) || shard >= LateDayShards
                || !long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out long marks))
            {
                throw new ArgumentException($"'{day.Mark}' is not a mark this store lists", nameof(day));
            }

            try
            {
                await _client.DeleteItemAsync(
                    new DeleteItemRequest
                    {
                        TableName = _options.FixesTable,
                        Key = new Dictionary<string, AttributeValue> { [FixItem.CarId] = new() { S = LateDaysPartition }, [FixItem.Ts] = FixItem.Number(DayStartMs(day.Day) + shard) },
                        ConditionExpression = "marks = :marks",
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":marks"] = FixItem.Number(marks) },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ConditionalCheckFailedException)
            {
                all = false; // marked again since it was listed: it stays for the next run
            }
        }

        return all;
    }

    /// <inheritdoc />
    public async Task<bool> AdvanceLatestAsync(StoredFix fix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentException.ThrowIfNullOrEmpty(fix.CarId, nameof(fix));
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _options.LatestTable,
                    Item = FixItem.ToItem(fix, null),
                    ConditionExpression = "attribute_not_exists(#car) OR #ts < :ts",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#car"] = FixItem.CarId, ["#ts"] = FixItem.Ts },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":ts"] = FixItem.Number(fix.Ts) },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            // An outcome, not a failure: the stored latest is as new or newer.
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<StoredFix?> GetLatestAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        GetItemResponse response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _options.LatestTable,
                Key = new Dictionary<string, AttributeValue> { [FixItem.CarId] = new() { S = carId } },
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FixItem.FromItem(item) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredFix>> GetAllLatestAsync(CancellationToken cancellationToken)
    {
        var fixes = new List<StoredFix>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse response = await _client.ScanAsync(
                new ScanRequest { TableName = _options.LatestTable, ExclusiveStartKey = start, ConsistentRead = true },
                cancellationToken).ConfigureAwait(false);
            fixes.AddRange((response.Items ?? []).Select(FixItem.FromItem));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        fixes.Sort((a, b) => string.CompareOrdinal(a.CarId, b.CarId));
        return fixes;
    }

    /// <inheritdoc />
    public async Task<StoredFix?> GetBeforeAsync(string carId, long ts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        QueryResponse response = await _client.QueryAsync(
            new QueryRequest
            {
                TableName = _options.FixesTable,
                KeyConditionExpression = "#car = :car AND #ts < :ts",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#car"] = FixItem.CarId, ["#ts"] = FixItem.Ts },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":car"] = new() { S = carId }, [":ts"] = FixItem.Number(ts) },
                ScanIndexForward = false,
                Limit = 1,
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Items is { Count: > 0 } items ? FixItem.FromItem(items[0]) : null;
    }

    /// <inheritdoc />
    public async Task<FixPage> QueryAsync(string carId, long fromTs, long toTs, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        long low = cursor is null ? fromTs : RangeCursor.Decode(CursorTag, cursor, carId, fromTs, toTs) + 1;
        if (low >= toTs)
        {
            return new FixPage([], null);
        }

        // Reads one item more than the page, so that the last page carries no cursor; a Query also
        // stops at 1 MB, so it continues from LastEvaluatedKey until it has them or the range ends.
        var fixes = new List<StoredFix>(Math.Min(limit + 1, 1024));
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            QueryResponse response = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _options.FixesTable,
                    KeyConditionExpression = "#car = :car AND #ts BETWEEN :low AND :high",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#car"] = FixItem.CarId, ["#ts"] = FixItem.Ts },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                    {
                        [":car"] = new() { S = carId },
                        [":low"] = FixItem.Number(low),
                        [":high"] = FixItem.Number(toTs - 1),
                    },
                    ScanIndexForward = true,
                    Limit = limit + 1 - fixes.Count,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            fixes.AddRange((response.Items ?? []).Select(FixItem.FromItem));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && fixes.Count <= limit);

        if (fixes.Count <= limit)
        {
            return new FixPage(fixes, null);
        }

        fixes.RemoveRange(limit, fixes.Count - limit);
        return new FixPage(fixes, RangeCursor.Encode(CursorTag, carId, fromTs, toTs, fixes[^1].Ts));
    }

    /// <inheritdoc />
    public async Task PutAsync(Rental rental, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rental);
        ArgumentException.ThrowIfNullOrEmpty(rental.CarId, nameof(rental));
        ArgumentException.ThrowIfNullOrEmpty(rental.Renter, nameof(rental));
        await _client.PutItemAsync(
            new PutItemRequest
            {
                TableName = _options.RentalsTable,
                Item = new Dictionary<string, AttributeValue>
                {
                    ["carId"] = new() { S = rental.CarId },
                    [RentalKey] = new() { S = RentalSortKey(rental) },
                    ["renter"] = new() { S = rental.Renter },
                    ["fromMs"] = FixItem.Number(rental.FromMs),
                    ["toMs"] = FixItem.Number(rental.ToMs),
                },
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForRenterAsync(string renter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(renter);
        return QueryRentalsAsync(ByRenterIndex, "renter", renter, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Rental>> GetForCarAsync(string carId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(carId);
        return QueryRentalsAsync(null, "carId", carId, cancellationToken);
    }

    /// <summary>The rentals table's sort key: the renter and the start, so that (car, renter, start) is the item's identity.</summary>
    private static string RentalSortKey(Rental rental) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rental.FromMs:D20}#{rental.Renter}");

    private async Task<IReadOnlyList<Rental>> QueryRentalsAsync(string? index, string keyName, string key, CancellationToken cancellationToken)
    {
        var rentals = new List<Rental>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            QueryResponse response = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _options.RentalsTable,
                    IndexName = index,
                    KeyConditionExpression = "#k = :k",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#k"] = keyName },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":k"] = new() { S = key } },
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            foreach (Dictionary<string, AttributeValue> item in response.Items ?? [])
            {
                rentals.Add(new Rental(
                    item["carId"].S ?? throw new InvalidDataException("Rental item lacks 'carId'."),
                    item["renter"].S ?? throw new InvalidDataException("Rental item lacks 'renter'."),
                    FixItem.RequiredLong(item, "fromMs"),
                    FixItem.RequiredLong(item, "toMs")));
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return rentals.OrderBy(r => r.FromMs).ThenBy(r => r.CarId, StringComparer.Ordinal).ThenBy(r => r.Renter, StringComparer.Ordinal).ToList();
    }

    private async Task<HashSet<long>> ExistingAsync(string carId, List<StoredFix> fixes, CancellationToken cancellationToken)
    {
        var existing = new HashSet<long>();
        for (int start = 0; start < fixes.Count; start += ReadChunk)
        {
            var keys = fixes.Skip(start).Take(ReadChunk)
                .Select(f => new Dictionary<string, AttributeValue> { [FixItem.CarId] = new() { S = carId }, [FixItem.Ts] = FixItem.Number(f.Ts) })
                .ToList();
            var pending = new Dictionary<string, KeysAndAttributes>
            {
                [_options.FixesTable] = new KeysAndAttributes
                {
                    Keys = keys,
                    ConsistentRead = true,
                    ProjectionExpression = "#ts",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#ts"] = FixItem.Ts },
                },
            };
            for (int attempt = 1; ; attempt++)
            {
                BatchGetItemResponse response = await _client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
                if (response.Responses is not null && response.Responses.TryGetValue(_options.FixesTable, out List<Dictionary<string, AttributeValue>>? found))
                {
                    foreach (Dictionary<string, AttributeValue> item in found)
                    {
                        existing.Add(FixItem.RequiredLong(item, FixItem.Ts));
                    }
                }

                if (response.UnprocessedKeys is not { Count: > 0 } unprocessed)
                {
                    break;
                }

                int remaining = unprocessed.Values.Sum(k => k.Keys?.Count ?? 0);
                if (attempt >= _options.MaxBatchAttempts)
                {
                    throw new UnprocessedItemsException($"BatchGetItem left {remaining} keys of {_options.FixesTable} unprocessed after {attempt} attempts.")
                    {
                        Remaining = remaining,
                        Attempts = attempt,
                    };
                }

                pending = unprocessed;
                await _retry.DelayAsync(attempt + 1, cancellationToken).ConfigureAwait(false);
            }
        }

        return existing;
    }

    private async Task WriteChunkAsync(List<WriteRequest> requests, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<string, List<WriteRequest>> { [_options.FixesTable] = requests };
        for (int attempt = 1; ; attempt++)
        {
            BatchWriteItemResponse response = await _client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
            if (response.UnprocessedItems is not { Count: > 0 } unprocessed || unprocessed.Values.All(r => r is not { Count: > 0 }))
            {
                return;
            }

            int remaining = unprocessed.Values.Sum(r => r?.Count ?? 0);
            if (attempt >= _options.MaxBatchAttempts)
            {
                throw new UnprocessedItemsException($"BatchWriteItem left {remaining} items of {_options.FixesTable} unprocessed after {attempt} attempts.")
                {
                    Remaining = remaining,
                    Attempts = attempt,
                };
            }

            pending = unprocessed;
            await _retry.DelayAsync(attempt + 1, cancellationToken).ConfigureAwait(false);
        }
    }

    private static long FloorDiv(long a, long b) => a / b - ((a % b != 0 && ((a < 0) != (b < 0))) ? 1 : 0);
    /// <summary>The partition of the fixes table that holds the late-day marks (no car id starts with '#').</summary>
    internal const string LateDaysPartition = "#late-days";

    /// <summary>A day's mark is spread over this many items (by car), so midnight's batches do not all update one item.</summary>
    internal const int LateDayShards = 16;

    private async Task MarkLateAsync(string carId, DateOnly day, CancellationToken cancellationToken)
    {
        // Kept until the day has left the store (it can no longer be exported then).
        long expires = (DayStartMs(day) / 1000) + 86_400 + (long)_options.Retention.TotalSeconds;
        await _client.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = _options.FixesTable,
                Key = new Dictionary<string, AttributeValue> { [FixItem.CarId] = new() { S = LateDaysPartition }, [FixItem.Ts] = FixItem.Number(DayStartMs(day) + Shard(carId)) },
                UpdateExpression = "ADD marks :one SET #day = :day, expiresAt = :expires",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#day"] = "day" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":one"] = FixItem.Number(1),
                    [":day"] = new() { S = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                    [":expires"] = FixItem.Number(expires),
                },
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static (DateOnly Day, int Shard, long Marks) ReadMark(Dictionary<string, AttributeValue> item)
    {
        if (item.TryGetValue(FixItem.Ts, out AttributeValue? ts) && long.TryParse(ts.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long key)
            && item.TryGetValue("marks", out AttributeValue? m) && long.TryParse(m.N, NumberStyles.None, CultureInfo.InvariantCulture, out long marks)
            && key >= 0 && key % 86_400_000 < LateDayShards)
        {
            return (LateDay.Of(key), (int)(key % 86_400_000), marks);
        }

        throw new InvalidDataException($"Late-day mark in {LateDaysPartition} (ts {ts?.N ?? "?"}) is not a day's start plus a shard with a count of marks.");
    }

    private static long DayStartMs(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static int Shard(string carId)
    {
        uint hash = 2_166_136_261;
        foreach (char c in carId)
        {
            hash = (hash ^ c) * 16_777_619;
        }

        return (int)(hash % LateDayShards);
    }
}
