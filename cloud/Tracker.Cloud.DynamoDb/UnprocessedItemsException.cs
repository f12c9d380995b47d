namespace Tracker.Cloud.DynamoDb;

/// <summary>
/// DynamoDB left items of a batch request unprocessed (throttling) through every allowed attempt.
/// The append is not complete; the caller retries the whole batch, which idempotence makes safe.
/// </summary>
public sealed class UnprocessedItemsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnprocessedItemsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnprocessedItemsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public UnprocessedItemsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Items still unprocessed after the last attempt.</summary>
    public int Remaining { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }
}
