using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The live-disconnect function, handler <c>live-disconnect</c> (<see cref="FunctionCatalog.LiveDisconnect"/>): fed by
/// the rentals table's DynamoDB stream, it closes the live connections of renters whose rental changed
/// (<see cref="RentalChangeHandler"/>). Environment: <see cref="LiveDisconnectSettings"/>.
/// </summary>
public sealed class LiveDisconnectFunction : ILambdaFunction
{
    /// <summary>The bound on one DeleteConnection call.</summary>
    public static readonly TimeSpan IotTimeout = TimeSpan.FromSeconds(5);

    private readonly RentalChangeHandler _handler;

    /// <summary>Builds the function from the process environment, the function's credentials and the default AWS client chain.</summary>
    public LiveDisconnectFunction()
        : this(LiveDisconnectSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), new HttpClient { Timeout = IotTimeout }, IotConnectionCloser.FromEnvironment, TimeProvider.System)
    {
    }

    /// <summary>Builds the function from explicit settings and clients (tests, other hosts).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="dynamoDb">DynamoDB, for the grants.</param>
    /// <param name="http">HTTP, for IoT Core.</param>
    /// <param name="credentials">The credentials to sign with, read for each call.</param>
    /// <param name="clock">"Now".</param>
    public LiveDisconnectFunction(LiveDisconnectSettings settings, IAmazonDynamoDB dynamoDb, HttpClient http, Func<ImmutableCredentials> credentials, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var closer = new IotConnectionCloser(http, settings.IotDataEndpoint, settings.Region, credentials, clock);
        _handler = new RentalChangeHandler(new LiveGrantLog(dynamoDb, settings.GrantsTable), closer, clock, Console.Out);
    }

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
