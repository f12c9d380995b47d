using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>Creates the Derive stage's four tables on demand (PAY_PER_REQUEST) for tests and the local stack; in AWS the CDK app owns them.</summary>
public static class DynamoDbDeriveTables
{
    /// <summary>The events table's index over the fleet, newest first: partition <c>fleet</c> (one value), sort <c>fleetKey</c>.</summary>
    public const string FleetIndex = "fleetByStart";

    /// <summary>Creates the missing tables and waits until they are ACTIVE (bounded).</summary>
    /// <param name="client">The client.</param>
    /// <param name="options">The tables.</param>
    /// <param name="activeTimeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>Tables created.</returns>
    /// <exception cref="TimeoutException">A table did not become ACTIVE in time.</exception>
    public static async Task<IReadOnlyList<string>> EnsureCreatedAsync(IAmazonDynamoDB client, DynamoDbDeriveOptions options, TimeSpan activeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CreateTableRequest[] requests =
        [
            Table(options.DeriveStateTable, ("carId", ScalarAttributeType.S)),
            Table(options.EventsTable, ("carId", ScalarAttributeType.S), ("eventId", ScalarAttributeType.S)),
            Table(options.StatusesTable, ("carId", ScalarAttributeType.S), ("ts", ScalarAttributeType.N)),
            Table(options.ZonesTable, ("zoneId", ScalarAttributeType.S)),
        ];
        requests[1].AttributeDefinitions.Add(new AttributeDefinition("fleet", ScalarAttributeType.S));
        requests[1].AttributeDefinitions.Add(new AttributeDefinition("fleetKey", ScalarAttributeType.S));
        requests[1].GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = FleetIndex,
                KeySchema = [new KeySchemaElement("fleet", KeyType.HASH), new KeySchemaElement("fleetKey", KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ];

        List<string> created = [];
        foreach (CreateTableRequest request in requests)
        {
            try
            {
                await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
                created.Add(request.TableName);
            }
            catch (ResourceInUseException)
            {
                // Already there.
            }
        }

        DateTime deadline = DateTime.UtcNow + activeTimeout;
        foreach (CreateTableRequest request in requests)
        {
            while (true)
            {
                TableDescription table = (await client.DescribeTableAsync(request.TableName, cancellationToken).ConfigureAwait(false)).Table;
                if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"DynamoDB table {request.TableName} was not ACTIVE within {activeTimeout}.");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        return created;
    }

    private static CreateTableRequest Table(string name, params (string Name, ScalarAttributeType Type)[] keys) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        KeySchema = keys.Select((k, i) => new KeySchemaElement(k.Name, i == 0 ? KeyType.HASH : KeyType.RANGE)).ToList(),
        AttributeDefinitions = keys.Select(k => new AttributeDefinition(k.Name, k.Type)).ToList(),
    };
}
