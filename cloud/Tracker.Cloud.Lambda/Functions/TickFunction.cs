using Amazon.DynamoDBv2;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Tick;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The Derive clock, handler <c>tick</c> (<see cref="FunctionCatalog.Tick"/>), invoked by an EventBridge schedule every
/// minute (<see cref="TickHandler"/>). Environment: the table variables of <see cref="FunctionSettings"/>, with the
/// Derive tables required (a tick without them has nothing to do, so their absence fails the start).
/// </summary>
public sealed class TickFunction : ILambdaFunction
{
    private readonly TickHandler _handler;

    /// <summary>Builds the function from the process environment and the default AWS client chain.</summary>
    public TickFunction()
        : this(FunctionSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), TimeProvider.System, LiveEventFeed.FromEnvironment(Environment.GetEnvironmentVariable, Console.Out))
    {
    }

    /// <summary>Builds the function from explicit settings and a client (tests, other hosts).</summary>
    /// <param name="settings">The tables.</param>
    /// <param name="client">DynamoDB.</param>
    /// <param name="clock">"Now".</param>
    /// <param name="feed">The live event feed (events Derive stores, to <c>fleet/{car}/events</c>), or null for none.</param>
    /// <exception cref="InvalidOperationException">The settings name no Derive tables.</exception>
    public TickFunction(FunctionSettings settings, IAmazonDynamoDB client, TimeProvider clock, Live.IotEventPublisher? feed = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        DynamoDb.Derive.DynamoDbDeriveOptions tables = settings.Derive
            ?? throw new InvalidOperationException($"the tick function needs the Derive stage's tables: set {string.Join(", ", FunctionSettings.DeriveTableVariables)}");
        var parts = DeriveWiring.CreateWithParts(new DynamoDbStore(client, settings.Store), tables, client, DeriveWiring.Limits(settings, client), DeriveWiring.Trips(settings, client));
        LiveEventFeed.Attach(parts.Service, feed);
        _handler = new TickHandler(parts.Service, parts.States, parts.Contexts, parts.Deriver, clock, Console.Out);
    }

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
