namespace Tracker.Cloud.Local.Options;

/// <summary>Where the local host keeps fixes and rentals.</summary>
public enum StoreKind
{
    /// <summary>An embedded SQLite file in the data folder (the default).</summary>
    Sqlite,

    /// <summary>A DynamoDB API endpoint (dynalite, DynamoDB Local, or AWS) given by URL.</summary>
    DynamoDb,
}
