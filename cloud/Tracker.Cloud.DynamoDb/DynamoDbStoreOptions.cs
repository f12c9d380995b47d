namespace Tracker.Cloud.DynamoDb;

/// <summary>
/// Options of <see cref="DynamoDbStore"/>: immutable and checked by <see cref="Validate"/>. Table
/// names have no defaults (STYLE.md, principle 7): each deployment names its own.
/// </summary>
public sealed record DynamoDbStoreOptions
{
    /// <summary>The fixes table: partition key <c>carId</c> (S), sort key <c>ts</c> (N, epoch ms), TTL on <c>expiresAt</c>. Key: <c>DynamoDb:FixesTable</c>.</summary>
    public required string FixesTable { get; init; }

    /// <summary>The latest-position table: partition key <c>carId</c> (S), one item per car. Key: <c>DynamoDb:LatestTable</c>.</summary>
    public required string LatestTable { get; init; }

    /// <summary>The rentals table: partition key <c>carId</c> (S), sort key <c>rentalKey</c> (S), index <c>byRenter</c>. Key: <c>DynamoDb:RentalsTable</c>.</summary>
    public required string RentalsTable { get; init; }

    /// <summary>How long after its timestamp a fix expires (the TTL attribute): 30 days (DESIGN.md, "Store"). Key: <c>DynamoDb:Retention</c>.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Attempts of one BatchWriteItem/BatchGetItem chunk before giving up on its unprocessed items; 8 by default. Key: <c>DynamoDb:MaxBatchAttempts</c>.</summary>
    public int MaxBatchAttempts { get; init; } = 8;

    /// <summary>The first retry's backoff ceiling; doubled each attempt, with full jitter; 50 ms by default. Key: <c>DynamoDb:BackoffBase</c>.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The largest backoff; 2 s by default. Key: <c>DynamoDb:BackoffMax</c>.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock the backoff waits on (injected in tests).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Fails fast, naming the key, when an option is unusable.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        CheckTableName(FixesTable, "DynamoDb:FixesTable");
        CheckTableName(LatestTable, "DynamoDb:LatestTable");
        CheckTableName(RentalsTable, "DynamoDb:RentalsTable");
        if (FixesTable == LatestTable || FixesTable == RentalsTable || LatestTable == RentalsTable)
        {
            throw new ArgumentException("DynamoDb:FixesTable, DynamoDb:LatestTable and DynamoDb:RentalsTable must be three different tables.");
        }

        if (Retention <= TimeSpan.Zero)
        {
            throw new ArgumentException("DynamoDb:Retention must be positive.", nameof(Retention));
        }

        if (MaxBatchAttempts < 1)
        {
            throw new ArgumentException("DynamoDb:MaxBatchAttempts must be at least 1.", nameof(MaxBatchAttempts));
        }

        if (BackoffBase < TimeSpan.Zero || BackoffMax < BackoffBase)
        {
            throw new ArgumentException("DynamoDb:BackoffBase must be >= 0 and DynamoDb:BackoffMax >= DynamoDb:BackoffBase.", nameof(BackoffBase));
        }

        ArgumentNullException.ThrowIfNull(Clock);
    }

    // DynamoDB table names: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'
    // (Amazon DynamoDB Developer Guide, "Supported data types and naming rules").
    private static void CheckTableName(string? name, string key)
    {
        if (string.IsNullOrEmpty(name) || name.Length < 3 || name.Length > 255
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ArgumentException($"{key} is required: a DynamoDB table name of 3 to 255 characters [A-Za-z0-9_.-] (got '{name}').", key);
        }
    }
}
