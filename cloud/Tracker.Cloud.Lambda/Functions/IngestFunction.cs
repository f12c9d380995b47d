using Amazon.DynamoDBv2;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Ingest;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The ingest function, handler <c>ingest</c> (<see cref="FunctionCatalog.Ingest"/>): built once
/// per execution environment by the bootstrap from the environment's table names, then <see cref="IngestHandler"/>.
/// </summary>
public sealed class IngestFunction : ILambdaFunction
{
    private readonly IngestHandler _handler;

    /// <summary>Builds the function from the process environment and the default AWS client chain.</summary>
    public IngestFunction()
        : this(FunctionSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), LiveEventFeed.FromEnvironment(Environment.GetEnvironmentVariable, Console.Out))
    {
    }

    /// <summary>Builds the function from explicit settings and a DynamoDB client (tests, other hosts).</summary>
    /// <param name="settings">The tables.</param>
    /// <param name="client">DynamoDB.</param>
    /// <param name="feed">The live event feed (events Derive stores, to <c>fleet/{car}/events</c>), or null for none.</param>
    public IngestFunction(FunctionSettings settings, IAmazonDynamoDB client, Live.IotEventPublisher? feed = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var store = new DynamoDbStore(client, settings.Store);
        DeriveAfterIngest? derive = null;
        StatusIngest? statuses = null;
        if (settings.Derive is { } tables)
        {
            (DeriveService service, DynamoDbDeriveStore states) = DeriveWiring.Create(store, tables, client, DeriveWiring.Limits(settings, client), DeriveWiring.Trips(settings, client));
            LiveEventFeed.Attach(service, feed);
            derive = new DeriveAfterIngest(store, service);
            statuses = new StatusIngest(states, service);
        }

        _handler = new IngestHandler(new IngestService(store, CarRules.Default.Ingest, TimeProvider.System), TimeProvider.System, Console.Out, derive, statuses);
    }

    /// <summary>The Lambda entry point: an IoT topic-rule event in, an ingest summary out.</summary>
    public Task<Stream> FunctionHandler(Stream input) => _handler.FunctionHandler(input);

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
