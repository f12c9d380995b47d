namespace Tracker.Cloud.DynamoDb;

/// <summary>
/// Exponential backoff with full jitter between attempts of a batch request whose items came back
/// unprocessed: "If DynamoDB returns any unprocessed items, you should retry the batch operation on
/// those items. However, we strongly recommend that you use an exponential backoff algorithm"
/// (DynamoDB API Reference, BatchWriteItem). Attempt n waits a random time in [0, min(max, base × 2^(n-1))).
/// </summary>
internal sealed class BatchRetry(DynamoDbStoreOptions options)
{
    /// <summary>Waits before attempt <paramref name="attempt"/> (2 for the first retry).</summary>
    public Task DelayAsync(int attempt, CancellationToken cancellationToken)
    {
        double ceilingMs = Math.Min(options.BackoffMax.TotalMilliseconds, options.BackoffBase.TotalMilliseconds * Math.Pow(2, attempt - 2));
        if (ceilingMs <= 0)
        {
            return Task.CompletedTask;
        }

#pragma warning disable CA5394 // Jitter spreads retries; it needs no cryptographic randomness.
        double waitMs = Random.Shared.NextDouble() * ceilingMs;
#pragma warning restore CA5394
        return Task.Delay(TimeSpan.FromMilliseconds(waitMs), options.Clock, cancellationToken);
    }
}
