using Amazon.DynamoDBv2;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Authorizer;
using Tracker.Cloud.Lambda.Live;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The AWS IoT custom authorizer of the browsers' live connection (MQTT over WSS), handler
/// <c>live-authorizer</c> (<see cref="FunctionCatalog.LiveAuthorizer"/>): built once per execution environment, then <see cref="LiveAuthorizerHandler"/>.
/// </summary>
public sealed class LiveAuthorizerFunction : ILambdaFunction
{
    /// <summary>
    /// The bound on one JWKS read. IoT Core waits for the authorizer a few seconds at most, so a slow
    /// read must fail (and the connection be refused) rather than hang.
    /// </summary>
    public static readonly TimeSpan JwksTimeout = TimeSpan.FromSeconds(2);

    private readonly LiveAuthorizerHandler _handler;

    /// <summary>Builds the function from the process environment and the default AWS client chain.</summary>
    public LiveAuthorizerFunction()
        : this(LiveAuthorizerSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), new HttpClient { Timeout = JwksTimeout }, LiveDisconnectSettings.ReadGrantsTable(Environment.GetEnvironmentVariable))
    {
    }

    /// <summary>Builds the function that also records renters' grants in <paramref name="grantsTable"/> (<see cref="LiveGrantLog"/>), as deployed.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="client">DynamoDB, for the rentals and the grants.</param>
    /// <param name="http">HTTP, for the user pool's JWKS.</param>
    /// <param name="grantsTable">The live grants table (<see cref="LiveDisconnectSettings.GrantsTableVariable"/>).</param>
    public LiveAuthorizerFunction(LiveAuthorizerSettings settings, IAmazonDynamoDB client, HttpClient http, string grantsTable)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _handler = new LiveAuthorizerHandler(Authorizer(settings, client, http), Console.Out, new LiveGrantLog(client, grantsTable), TimeProvider.System);
    }

    /// <summary>Builds the function from explicit settings and clients (tests, other hosts).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="client">DynamoDB, for the rentals.</param>
    /// <param name="http">HTTP, for the user pool's JWKS.</param>
    public LiveAuthorizerFunction(LiveAuthorizerSettings settings, IAmazonDynamoDB client, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _handler = new LiveAuthorizerHandler(Authorizer(settings, client, http), Console.Out);
    }

    private static LiveAuthorizer Authorizer(LiveAuthorizerSettings settings, IAmazonDynamoDB client, HttpClient http)
    {
        var store = new DynamoDbStore(client, settings.Tables.Store);
        var keys = new HttpJwksSource(http, settings.Tokens.JwksUri, TimeProvider.System);
        return new LiveAuthorizer(new CognitoTokenValidator(settings.Tokens, TimeProvider.System), keys, store, settings.Live, TimeProvider.System);
    }

    /// <summary>The Lambda entry point: an IoT custom authorizer event in, its response out.</summary>
    /// <param name="input">The event JSON.</param>
    /// <returns>The response JSON.</returns>
    public Task<Stream> FunctionHandler(Stream input) => _handler.FunctionHandler(input);

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
