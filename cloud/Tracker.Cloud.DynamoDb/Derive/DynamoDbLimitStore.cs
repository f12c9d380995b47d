using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Derive.Limits;
using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>
/// The thresholds (<see cref="LimitSetting"/>) on DynamoDB: one item per scope and id in their own small table
/// (partition key <c>limitKey</c> = <see cref="LimitSetting.Key"/>, the setting's JSON in <c>body</c>), as the SQLite
/// store keeps them in its <c>limits</c> table. A fleet has a handful, so a consistent scan reads them all.
/// </summary>
public sealed class DynamoDbLimitStore : ILimitStore
{
    /// <summary>The partition key's name.</summary>
    public const string KeyAttribute = "limitKey";

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    /// <summary>Creates the store over a table.</summary>
    /// <param name="client">DynamoDB.</param>
    /// <param name="table">The table's name.</param>
    public DynamoDbLimitStore(IAmazonDynamoDB client, string table)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(table);
        _client = client;
        _table = table;
    }

    /// <summary>Creates the table when it is missing (PAY_PER_REQUEST) and waits until it is ACTIVE (bounded): tests and the local stack; in AWS the CDK app owns it.</summary>
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
                    KeySchema = [new KeySchemaElement(KeyAttribute, KeyType.HASH)],
                    AttributeDefinitions = [new AttributeDefinition(KeyAttribute, ScalarAttributeType.S)],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // Already there.
        }

        DateTime deadline = DateTime.UtcNow + activeTimeout;
        while ((await client.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false)).Table.TableStatus != TableStatus.ACTIVE)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"DynamoDB table {table} was not ACTIVE within {activeTimeout}.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// An item that is not a setting this store wrote (no body, a body that does not parse, or one naming another key) is
    /// left out, as the SQLite store does: only this store's role writes the table, and one bad item must not stop every
    /// car's Derive step, which reads the limits.
    /// </remarks>
    public async Task<IReadOnlyList<LimitSetting>> ListLimitsAsync(CancellationToken cancellationToken)
    {
        List<LimitSetting> limits = [];
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            ScanResponse page = await _client.ScanAsync(
                new ScanRequest { TableName = _table, ExclusiveStartKey = start, ConsistentRead = true },
                cancellationToken).ConfigureAwait(false);
            foreach (Dictionary<string, AttributeValue> item in page.Items ?? [])
            {
                if (item.TryGetValue("body", out AttributeValue? body) && body.S is not null
                    && LimitParser.TryParse(body.S, out LimitSetting? setting, out _)
                    && item.TryGetValue(KeyAttribute, out AttributeValue? key) && setting!.Key == key.S)
                {
                    limits.Add(setting);
                }
            }

            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return limits.OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc/>
    public async Task PutLimitAsync(LimitSetting setting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var key = new AttributeValue { S = setting.Key };
        if (setting.IsEmpty)
        {
            await _client.DeleteItemAsync(
                new DeleteItemRequest { TableName = _table, Key = new Dictionary<string, AttributeValue> { [KeyAttribute] = key } },
                cancellationToken).ConfigureAwait(false);
            return;
        }

        await _client.PutItemAsync(
            new PutItemRequest
            {
                TableName = _table,
                Item = new Dictionary<string, AttributeValue> { [KeyAttribute] = key, ["body"] = new AttributeValue { S = LimitJson.ToJson(setting) } },
            },
            cancellationToken).ConfigureAwait(false);
    }
}
