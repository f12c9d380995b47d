using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Notify;

/// <summary>
/// The notification ports on DynamoDB (issue 16 on AWS): the subscriptions table (partition <c>subscriptionId</c>, the
/// subscription as JSON in <c>body</c>) and the outbox table (partition <c>deliveryId</c>, one item per (event,
/// subscription, channel)). The events table's stream announces (the notifier adds an entry per matching subscription
/// with a conditional put, so a retried stream batch adds nothing), and every send is claimed first with a conditional
/// update on the attempt count, so two invocations never send the same attempt. While an entry is pending it carries
/// <c>due = "due"</c>, which puts it in the sparse index <see cref="DueIndex"/> (sort <c>nextAttemptMs</c>): the
/// scheduled pass reads only what is due. Delivered and failed entries leave the index and expire with the events (TTL
/// <c>expiresAt</c>).
/// </summary>
public sealed class DynamoDbNotifyStore : ISubscriptionStore, IOutboxStore
{
    /// <summary>The outbox's sparse index of pending entries: partition <c>due</c>, sort <c>nextAttemptMs</c>.</summary>
    public const string DueIndex = "dueByTime";

    private const string Due = "due";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private readonly IAmazonDynamoDB _client;
    private readonly string _subscriptions;
    private readonly string _outbox;

    /// <summary>Creates the store.</summary>
    /// <param name="client">DynamoDB.</param>
    /// <param name="subscriptionsTable">The subscriptions table.</param>
    /// <param name="outboxTable">The outbox table.</param>
    public DynamoDbNotifyStore(IAmazonDynamoDB client, string subscriptionsTable, string outboxTable)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionsTable);
        ArgumentException.ThrowIfNullOrWhiteSpace(outboxTable);
        _client = client;
        _subscriptions = subscriptionsTable;
        _outbox = outboxTable;
    }

    /// <summary>Creates both tables on dynalite (tests; the CDK stack owns them on AWS) and waits until they are active.</summary>
    /// <param name="client">DynamoDB.</param>
    /// <param name="subscriptionsTable">The subscriptions table.</param>
    /// <param name="outboxTable">The outbox table.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The task.</returns>
    public static async Task EnsureCreatedAsync(IAmazonDynamoDB client, string subscriptionsTable, string outboxTable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var requests = new[]
        {
            new CreateTableRequest
            {
                TableName = subscriptionsTable,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("subscriptionId", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("subscriptionId", ScalarAttributeType.S)],
            },
            new CreateTableRequest
            {
                TableName = outboxTable,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("deliveryId", KeyType.HASH)],
                AttributeDefinitions =
                [
                    new AttributeDefinition("deliveryId", ScalarAttributeType.S),
                    new AttributeDefinition(Due, ScalarAttributeType.S),
                    new AttributeDefinition("nextAttemptMs", ScalarAttributeType.N),
                ],
                GlobalSecondaryIndexes =
                [
                    new GlobalSecondaryIndex
                    {
                        IndexName = DueIndex,
                        KeySchema = [new KeySchemaElement(Due, KeyType.HASH), new KeySchemaElement("nextAttemptMs", KeyType.RANGE)],
                        Projection = new Projection { ProjectionType = ProjectionType.ALL },
                    },
                ],
            },
        };
        foreach (CreateTableRequest request in requests)
        {
            try
            {
                await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ResourceInUseException)
            {
                // There already.
            }

            for (int i = 0; i < 100; i++)
            {
                TableDescription table = (await client.DescribeTableAsync(request.TableName, cancellationToken).ConfigureAwait(false)).Table;
                if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(g => g.IndexStatus == IndexStatus.ACTIVE))
                {
                    break;
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        var all = new List<Subscription>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse page = await _client.ScanAsync(new ScanRequest { TableName = _subscriptions, ConsistentRead = true, ExclusiveStartKey = start }, cancellationToken).ConfigureAwait(false);
            all.AddRange((page.Items ?? []).Select(i => SubscriptionJson.Read(i["body"].S)));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);
        return [.. all.OrderBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public Task PutSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return _client.PutItemAsync(
            new PutItemRequest
            {
                TableName = _subscriptions,
                Item = new Dictionary<string, AttributeValue>
                {
                    ["subscriptionId"] = new AttributeValue { S = subscription.Id },
                    ["body"] = new AttributeValue { S = SubscriptionJson.Write(subscription) },
                },
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        DeleteItemResponse response = await _client.DeleteItemAsync(
            new DeleteItemRequest
            {
                TableName = _subscriptions,
                Key = new Dictionary<string, AttributeValue> { ["subscriptionId"] = new AttributeValue { S = id } },
                ReturnValues = ReturnValue.ALL_OLD,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Attributes is { Count: > 0 };
    }

    /// <summary>A subscription's webhook secret, or null when it is gone (read at each send).</summary>
    /// <param name="id">The subscription.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret.</returns>
    public async Task<string?> SecretAsync(string id, CancellationToken cancellationToken)
    {
        GetItemResponse response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _subscriptions,
                Key = new Dictionary<string, AttributeValue> { ["subscriptionId"] = new AttributeValue { S = id } },
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? SubscriptionJson.Read(item["body"].S).WebhookSecret : null;
    }

    /// <summary>On AWS the events table's stream announces: there is nothing to read back.</summary>
    /// <param name="limit">Unused.</param>
    /// <param name="cancellationToken">Unused.</param>
    /// <returns>Nothing.</returns>
    public Task<IReadOnlyList<StoredEvent>> UnannouncedAsync(int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StoredEvent>>([]);

    /// <inheritdoc/>
    public async Task AnnounceAsync(IReadOnlyList<StoredEvent> events, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (OutboxEntry entry in entries)
        {
            await TryAddAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds the entry unless one with its delivery id is there.</summary>
    /// <param name="entry">A new entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when added; false when it was there (a retried batch, or a revision of the same event).</returns>
    public async Task<bool> TryAddAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest { TableName = _outbox, Item = ToItem(entry), ConditionExpression = "attribute_not_exists(deliveryId)" },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>The entry as stored, or null.</summary>
    /// <param name="deliveryId">Its delivery id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry.</returns>
    public async Task<OutboxEntry?> GetAsync(string deliveryId, CancellationToken cancellationToken)
    {
        GetItemResponse response = await _client.GetItemAsync(
            new GetItemRequest { TableName = _outbox, Key = Key(deliveryId), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    /// <summary>How long a claimed attempt keeps the entry out of the due index: longer than a send may take (5 s).</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Claims the next attempt of a pending entry: counts it (attempts + 1) if the entry still stands where the caller
    /// read it (pending, that many attempts), and moves its next attempt <see cref="ClaimLease"/> ahead, so the retry
    /// schedule does not pick up a send still in flight. Only the winner sends; a crash after the claim leaves it pending,
    /// due again when the lease is over, and the next pass sends it again with the same delivery id.
    /// </summary>
    /// <param name="entry">The entry as read.</param>
    /// <param name="nowMs">Now.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when this caller may send.</returns>
    public async Task<bool> TryClaimAsync(OutboxEntry entry, long nowMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _outbox,
                    Key = Key(entry.DeliveryId),
                    UpdateExpression = "SET attempts = :next, claimedMs = :now, nextAttemptMs = :lease",
                    ConditionExpression = "#state = :pending AND attempts = :seen",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#state"] = "state" },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                    {
                        [":next"] = Number(entry.Attempts + 1),
                        [":seen"] = Number(entry.Attempts),
                        [":now"] = Number(nowMs),
                        [":lease"] = Number(nowMs + (long)ClaimLease.TotalMilliseconds),
                        [":pending"] = new AttributeValue { S = nameof(OutboxState.Pending) },
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxEntry>> DueAsync(long nowMs, int limit, CancellationToken cancellationToken)
    {
        QueryResponse response = await _client.QueryAsync(
            new QueryRequest
            {
                TableName = _outbox,
                IndexName = DueIndex,
                KeyConditionExpression = "#due = :due AND nextAttemptMs <= :now",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#due"] = Due },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":due"] = new AttributeValue { S = Due }, [":now"] = Number(nowMs) },
                Limit = limit,
            },
            cancellationToken).ConfigureAwait(false);
        return [.. (response.Items ?? []).Select(FromItem)];
    }

    /// <inheritdoc/>
    public Task RecordAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _client.PutItemAsync(new PutItemRequest { TableName = _outbox, Item = ToItem(entry) }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxState state, int limit, CancellationToken cancellationToken) =>
        ListAsync(state, limit, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxState state, int limit, OutboxPosition? after, CancellationToken cancellationToken)
    {
        // A filtered scan (an operator's occasional look), older than the cursor's time when paging; sorted here in the
        // listing order. It reads at most 10 × limit matches, so in a table far larger than that a page is the newest of
        // those read, not of the table: the outbox expires with the events' retention.
        var names = new Dictionary<string, string> { ["#state"] = "state" };
        var values = new Dictionary<string, AttributeValue> { [":state"] = new AttributeValue { S = state.ToString() } };
        string filter = "#state = :state";
        if (after is not null)
        {
            names["#created"] = "createdMs";
            values[":created"] = Number(after.CreatedMs);
            filter += " AND #created <= :created";
        }

        var all = new List<OutboxEntry>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse page = await _client.ScanAsync(
                new ScanRequest
                {
                    TableName = _outbox,
                    FilterExpression = filter,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ExclusiveStartKey = start,
                },
                cancellationToken).ConfigureAwait(false);
            all.AddRange((page.Items ?? []).Select(FromItem));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null && all.Count < 10 * limit);
        return [.. all.Where(e => after is null || OutboxPosition.Compare(OutboxPosition.Of(e), after) > 0)
            .Order(Comparer<OutboxEntry>.Create((a, b) => OutboxPosition.Compare(OutboxPosition.Of(a), OutboxPosition.Of(b))))
            .Take(limit)];
    }

    /// <inheritdoc/>
    public async Task<OutboxEntry?> RedeliverAsync(string deliveryId, long nowMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deliveryId);
        try
        {
            // Back into the due index; the notifier's sweep (every minute) sends it.
            UpdateItemResponse updated = await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _outbox,
                    Key = Key(deliveryId),
                    UpdateExpression = "SET #state = :pending, attempts = :zero, nextAttemptMs = :now, #due = :due",
                    ConditionExpression = "#state = :failed",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#state"] = "state", ["#due"] = Due },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                    {
                        [":pending"] = new AttributeValue { S = nameof(OutboxState.Pending) },
                        [":failed"] = new AttributeValue { S = nameof(OutboxState.Failed) },
                        [":zero"] = Number(0),
                        [":now"] = Number(nowMs),
                        [":due"] = new AttributeValue { S = Due },
                    },
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken).ConfigureAwait(false);
            return FromItem(updated.Attributes);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private static Dictionary<string, AttributeValue> Key(string deliveryId) => new() { ["deliveryId"] = new AttributeValue { S = deliveryId } };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static Dictionary<string, AttributeValue> ToItem(OutboxEntry e)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["deliveryId"] = new AttributeValue { S = e.DeliveryId },
            ["carId"] = new AttributeValue { S = e.CarId },
            ["eventId"] = new AttributeValue { S = e.EventId },
            ["subscriptionId"] = new AttributeValue { S = e.SubscriptionId },
            ["channel"] = new AttributeValue { S = e.Channel.ToString() },
            ["target"] = new AttributeValue { S = e.Target },
            ["payload"] = new AttributeValue { S = e.Payload },
            ["summary"] = new AttributeValue { S = e.Summary },
            ["state"] = new AttributeValue { S = e.State.ToString() },
            ["attempts"] = Number(e.Attempts),
            ["nextAttemptMs"] = Number(e.NextAttemptMs),
            ["createdMs"] = Number(e.CreatedMs),
            ["expiresAt"] = Number((e.CreatedMs / 1000) + (long)Retention.TotalSeconds),
        };
        if (e.State == OutboxState.Pending)
        {
            item[Due] = new AttributeValue { S = Due };
        }

        if (e.LastError is { } error)
        {
            item["lastError"] = new AttributeValue { S = error };
        }

        if (e.DeliveredMs is { } delivered)
        {
            item["deliveredMs"] = Number(delivered);
        }

        return item;
    }

    private static OutboxEntry FromItem(Dictionary<string, AttributeValue> item) => new()
    {
        CarId = item["carId"].S,
        EventId = item["eventId"].S,
        SubscriptionId = item["subscriptionId"].S,
        Channel = Enum.Parse<Channel>(item["channel"].S),
        Target = item["target"].S,
        Payload = item["payload"].S,
        Summary = item.TryGetValue("summary", out AttributeValue? s) ? s.S : string.Empty,
        State = Enum.Parse<OutboxState>(item["state"].S),
        Attempts = int.Parse(item["attempts"].N, CultureInfo.InvariantCulture),
        NextAttemptMs = long.Parse(item["nextAttemptMs"].N, CultureInfo.InvariantCulture),
        CreatedMs = long.Parse(item["createdMs"].N, CultureInfo.InvariantCulture),
        LastError = item.TryGetValue("lastError", out AttributeValue? l) ? l.S : null,
        DeliveredMs = item.TryGetValue("deliveredMs", out AttributeValue? d) ? long.Parse(d.N, CultureInfo.InvariantCulture) : null,
    };
}
