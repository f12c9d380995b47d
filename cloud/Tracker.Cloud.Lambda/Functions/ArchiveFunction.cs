using Amazon.DynamoDBv2;
using Amazon.S3;
using Tracker.Cloud.Archive.Export;
using Tracker.Cloud.Archive.Sinks;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Archive;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The daily archive function, handler <c>archive</c> (<see cref="FunctionCatalog.Archive"/>), invoked by
/// an EventBridge schedule shortly after midnight UTC: it exports the previous UTC day of fixes from
/// DynamoDB to S3 as Parquet (<see cref="ArchiveExporter"/>). <c>{"day": "yyyy-MM-dd"}</c> re-exports a day
/// (backfill). Environment: the table variables of <see cref="FunctionSettings"/> and those of
/// <see cref="ArchiveSettings"/>.
/// </summary>
public sealed class ArchiveFunction : ILambdaFunction
{
    private readonly ArchiveHandler _handler;

    /// <summary>Builds the function from the process environment and the default AWS client chain.</summary>
    public ArchiveFunction()
        : this(FunctionSettings.Read(Environment.GetEnvironmentVariable), ArchiveSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), new AmazonS3Client(), TimeProvider.System)
    {
    }

    /// <summary>Builds the function from explicit settings and clients (tests, other hosts).</summary>
    /// <param name="settings">The table names.</param>
    /// <param name="archive">The bucket, prefix and KMS key.</param>
    /// <param name="dynamoDb">The DynamoDB client.</param>
    /// <param name="s3">The S3 client.</param>
    /// <param name="clock">Decides which days are over and stamps the manifest.</param>
    public ArchiveFunction(FunctionSettings settings, ArchiveSettings archive, IAmazonDynamoDB dynamoDb, IAmazonS3 s3, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(archive);
        var store = new DynamoDbStore(dynamoDb, settings.Store);
        var sink = new S3ArchiveSink(s3, archive.Sink);
        var options = new ArchiveOptions();
        TripArchiveExporter? trips = archive.TripsTable is { } table
            ? new TripArchiveExporter(store, new DynamoDbTripStore(dynamoDb, table), store, new S3ArchiveSink(s3, archive.TripsSink), new S3ArchiveSink(s3, archive.StopsSink), options, clock)
            : null;
        _handler = new ArchiveHandler(new ArchiveExporter(store, sink, options, clock), sink, Console.Out, trips, store);
    }

    /// <summary>The Lambda entry point: a scheduled event (or a backfill request) in, an <see cref="ArchiveSummary"/> out.</summary>
    public Task<Stream> FunctionHandler(Stream input) => _handler.FunctionHandler(input);

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
