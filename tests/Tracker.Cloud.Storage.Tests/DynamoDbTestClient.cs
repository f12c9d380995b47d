using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// A DynamoDB client for dynalite that can pretend to be throttled: its first
/// <c>unprocessedWrites</c> BatchWriteItem calls write nothing and return every item as unprocessed,
/// as DynamoDB does under throttling (BatchWriteItem, "UnprocessedItems").
/// </summary>
public sealed class DynamoDbTestClient(Uri serviceUrl, int unprocessedWrites)
    : AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), AwsTestClients.DynamoDbConfig(serviceUrl))
{
    private int _unprocessedLeft = unprocessedWrites;

    /// <summary>BatchWriteItem calls made.</summary>
    public int BatchWriteCalls { get; private set; }

    /// <summary>Requests sent per call, in order.</summary>
    public List<int> BatchWriteSizes { get; } = [];

    /// <inheritdoc />
    public override Task<Amazon.DynamoDBv2.Model.BatchWriteItemResponse> BatchWriteItemAsync(Amazon.DynamoDBv2.Model.BatchWriteItemRequest request, CancellationToken cancellationToken = default)
    {
        BatchWriteCalls++;
        BatchWriteSizes.Add(request.RequestItems.Values.Sum(r => r.Count));
        if (_unprocessedLeft != 0)
        {
            if (_unprocessedLeft > 0)
            {
                _unprocessedLeft--;
            }

            return Task.FromResult(new Amazon.DynamoDBv2.Model.BatchWriteItemResponse { UnprocessedItems = request.RequestItems });
        }

        return base.BatchWriteItemAsync(request, cancellationToken);
    }
}
