namespace Tracker.Cloud.DynamoDb.Derive;

/// <summary>Options of <see cref="DynamoDbDeriveStore"/>: the four tables, named by each deployment (no defaults), and retention.</summary>
public sealed record DynamoDbDeriveOptions
{
    /// <summary>Car states: partition key <c>carId</c> (S). Key: <c>DynamoDb:DeriveStateTable</c>.</summary>
    public required string DeriveStateTable { get; init; }

    /// <summary>Events: partition key <c>carId</c> (S), sort key <c>eventId</c> (S), index <c>fleetByStart</c>, TTL <c>expiresAt</c>. Key: <c>DynamoDb:EventsTable</c>.</summary>
    public required string EventsTable { get; init; }

    /// <summary>Statuses: partition key <c>carId</c> (S), sort key <c>ts</c> (N), TTL <c>expiresAt</c>. Key: <c>DynamoDb:StatusesTable</c>.</summary>
    public required string StatusesTable { get; init; }

    /// <summary>Zones: partition key <c>zoneId</c> (S). Key: <c>DynamoDb:ZonesTable</c>.</summary>
    public required string ZonesTable { get; init; }

    /// <summary>How long events and statuses are kept after their own time, as fixes: 30 days. Key: <c>DynamoDb:Retention</c>.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Fails fast, naming the key.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        string[] names = [DeriveStateTable, EventsTable, StatusesTable, ZonesTable];
        string[] keys = ["DynamoDb:DeriveStateTable", "DynamoDb:EventsTable", "DynamoDb:StatusesTable", "DynamoDb:ZonesTable"];
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrEmpty(names[i]) || names[i].Length < 3 || names[i].Length > 255
                || !names[i].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException($"{keys[i]} is required: a DynamoDB table name of 3 to 255 characters [A-Za-z0-9_.-] (got '{names[i]}').", keys[i]);
            }
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new ArgumentException("DynamoDb:DeriveStateTable, EventsTable, StatusesTable and ZonesTable must be four different tables.");
        }

        if (Retention <= TimeSpan.Zero)
        {
            throw new ArgumentException("DynamoDb:Retention must be positive.", nameof(Retention));
        }
    }
}
