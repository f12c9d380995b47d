namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The functions by the handler name the CDK stack gives each (<c>Handler</c>, which Lambda passes
/// to a custom runtime as <c>_HANDLER</c>). One package serves them all: the bootstrap reads
/// <c>_HANDLER</c> once at start-up and builds only that function.
/// </summary>
public static class FunctionCatalog
{
    /// <summary>The ingest function (IoT rule to DynamoDB).</summary>
    public const string Ingest = "ingest";

    /// <summary>The HTTP API function.</summary>
    public const string Api = "api";

    /// <summary>The daily archive export.</summary>
    public const string Archive = "archive";

    /// <summary>The IoT custom authorizer of the browsers' live connection.</summary>
    public const string LiveAuthorizer = "live-authorizer";

    /// <summary>Closes renters' live connections when their rentals change (the rentals table's stream).</summary>
    public const string LiveDisconnect = "live-disconnect";

    /// <summary>The Derive stage's clock (an EventBridge schedule every minute): offline, rentals not returned.</summary>
    public const string Tick = "tick";

    /// <summary>Notifications: the events table's stream, and a schedule for retries.</summary>
    public const string Notify = "notify";

    /// <summary>Every handler name, in the stack's order.</summary>
    public static IReadOnlyList<string> Names { get; } = [Ingest, Api, Archive, LiveAuthorizer, LiveDisconnect, Tick, Notify];

    /// <summary>True when <paramref name="handler"/> names a function.</summary>
    /// <param name="handler">The handler name.</param>
    /// <returns>True for one of <see cref="Names"/>.</returns>
    public static bool IsKnown(string? handler) => handler is not null && Names.Contains(handler, StringComparer.Ordinal);

    /// <summary>Builds the named function from the process environment and the default AWS client chain.</summary>
    /// <param name="handler">One of <see cref="Names"/>.</param>
    /// <returns>The function, ready for its first invocation.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    /// <exception cref="InvalidOperationException">The function's environment is missing or bad (the message names the variable).</exception>
    public static ILambdaFunction Create(string handler) => handler switch
    {
        Ingest => new IngestFunction(),
        Api => new ApiFunction(),
        Archive => new ArchiveFunction(),
        LiveAuthorizer => new LiveAuthorizerFunction(),
        LiveDisconnect => new LiveDisconnectFunction(),
        Tick => new TickFunction(),
        Notify => new NotifyFunction(),
        _ => throw new ArgumentException($"no function is named '{handler}': the handler must be one of {string.Join(", ", Names)}", nameof(handler)),
    };
}
