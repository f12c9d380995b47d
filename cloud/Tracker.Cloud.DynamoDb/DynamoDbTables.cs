using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Tracker.Cloud.DynamoDb;

/// <summary>What <see cref="DynamoDbTables.EnsureCreatedAsync"/> did.</summary>
/// <param name="Created">Tables it created (the others already existed).</param>
/// <param name="TimeToLiveEnabled">True when TTL on <c>expiresAt</c> is on; false where the server lacks UpdateTimeToLive (dynalite).</param>
/// <param name="TimeToLiveNote">Why TTL is not on, or null.</param>
public sealed record TableSetup(IReadOnlyList<string> Created, bool TimeToLiveEnabled, string? TimeToLiveNote);

/// <summary>
/// Creates the three tables on demand (PAY_PER_REQUEST) for tests and the local stack. In AWS the
/// CDK app owns them, with point-in-time recovery and KMS encryption (DESIGN.md, "Store").
/// </summary>
public static class DynamoDbTables
{
    /// <summary>Creates the missing tables, waits until they are ACTIVE (bounded), and turns TTL on where the server can.</summary>
    /// <exception cref="TimeoutException">A table did not become ACTIVE within <paramref name="activeTimeout"/>.</exception>
    public static async Task<TableSetup> EnsureCreatedAsync(IAmazonDynamoDB client, DynamoDbStoreOptions options, TimeSpan activeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var created = new List<string>();
        CreateTableRequest[] requests =
        [
            new()
            {
                TableName = options.FixesTable,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("carId", KeyType.HASH), new KeySchemaElement("ts", KeyType.RANGE)],
                AttributeDefinitions = [new AttributeDefinition("carId", ScalarAttributeType.S), new AttributeDefinition("ts", ScalarAttributeType.N)],
            },
            new()
            {
                TableName = options.LatestTable,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("carId", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("carId", ScalarAttributeType.S)],
            },
            new()
            {
                TableName = options.RentalsTable,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [new KeySchemaElement("carId", KeyType.HASH), new KeySchemaElement("rentalKey", KeyType.RANGE)],
                AttributeDefinitions =
                [
                    new AttributeDefinition("carId", ScalarAttributeType.S),
                    new AttributeDefinition("rentalKey", ScalarAttributeType.S),
                    new AttributeDefinition("renter", ScalarAttributeType.S),
                    new AttributeDefinition("fromMs", ScalarAttributeType.N),
                ],
                GlobalSecondaryIndexes =
                [
                    new GlobalSecondaryIndex
                    {
                        IndexName = DynamoDbStore.RenterIndexName,
                        KeySchema = [new KeySchemaElement("renter", KeyType.HASH), new KeySchemaElement("fromMs", KeyType.RANGE)],
                        Projection = new Projection { ProjectionType = ProjectionType.ALL },
                    },
                ],
            },
        ];

        foreach (CreateTableRequest request in requests)
        {
            try
            {
                await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
                created.Add(request.TableName);
            }
            catch (ResourceInUseException)
            {
                // Already there: creation is idempotent.
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(activeTimeout);
        foreach (CreateTableRequest request in requests)
        {
            await WaitActiveAsync(client, request.TableName, activeTimeout, timeout.Token, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = options.FixesTable,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = "expiresAt", Enabled = true },
                },
                cancellationToken).ConfigureAwait(false);
            return new TableSetup(created, true, null);
        }
        catch (AmazonDynamoDBException e) when (e.ErrorCode is "UnknownOperationException")
        {
            // dynalite implements no UpdateTimeToLive; items still carry expiresAt, so turning TTL on later expires them.
            return new TableSetup(created, false, $"UpdateTimeToLive is not supported by this server ({e.ErrorCode}).");
        }
        catch (AmazonDynamoDBException e) when (e.ErrorCode is "ValidationException" && e.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
        {
            return new TableSetup(created, true, null);
        }
    }

    private static async Task WaitActiveAsync(IAmazonDynamoDB client, string table, TimeSpan activeTimeout, CancellationToken timeoutToken, CancellationToken callerToken)
    {
        try
        {
            while (true)
            {
                DescribeTableResponse response = await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, timeoutToken).ConfigureAwait(false);
                if (response.Table.TableStatus == TableStatus.ACTIVE
                    && (response.Table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), timeoutToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw new TimeoutException($"DynamoDB table {table} was not ACTIVE within {activeTimeout}.");
        }
    }
}
