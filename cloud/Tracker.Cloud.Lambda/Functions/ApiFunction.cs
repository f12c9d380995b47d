using Amazon.DynamoDBv2;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Lambda.Api;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The API function, handler <c>api</c> (<see cref="FunctionCatalog.Api"/>): built once per execution
/// environment by the bootstrap.
/// </summary>
public sealed class ApiFunction : ILambdaFunction
{
    private readonly ApiHandler _handler;

    /// <summary>Builds the function from the process environment and the default AWS client chain.</summary>
    public ApiFunction()
        : this(FunctionSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient())
    {
    }

    /// <summary>Builds the function from explicit settings and a DynamoDB client (tests, other hosts).</summary>
    public ApiFunction(FunctionSettings settings, IAmazonDynamoDB client)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var store = new DynamoDbStore(client, settings.Store);
        var queries = new QueryService(store, new AccessPolicy(store, TimeProvider.System));
        _handler = new ApiHandler(queries, TimeProvider.System, CarRules.Default);
    }

    /// <summary>The Lambda entry point: an API Gateway HTTP API v2 event in, a response out.</summary>
    public Task<Stream> FunctionHandler(Stream input) => _handler.FunctionHandler(input);

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
