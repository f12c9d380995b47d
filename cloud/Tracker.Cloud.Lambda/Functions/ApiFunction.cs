using Amazon.DynamoDBv2;
using Amazon.S3;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Api;
using Tracker.Cloud.Lambda.Config;
using Tracker.Cloud.Lambda.Live;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Lambda.Updates;
using Tracker.Cloud.Notify;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Functions;

/// <summary>
/// The API function, handler <c>api</c> (<see cref="FunctionCatalog.Api"/>): built once per execution
/// environment by the bootstrap. With the Derive stage's tables in its environment it also serves issue 16's routes
/// (<see cref="EventsApi"/>: events, acknowledge, zones), with the thresholds' table <c>/limits</c>, and with the
/// notifier's tables (<see cref="NotifySettings.SubscriptionsTableVariable"/>, <see cref="NotifySettings.OutboxTableVariable"/>)
/// <c>/subscriptions</c> and <c>/notifications</c>; webhooks are held to the public target policy (no loopback or private
/// address) unless <see cref="NotifySettings.WebhookAllowPrivateVariable"/> is <c>true</c> (a local stand-in only). With the
/// trips table (<see cref="FunctionSettings.TripsTableVariable"/>) it serves issue 17's reports (<see cref="ReportsApi"/>).
/// </summary>
public sealed class ApiFunction : ILambdaFunction
{
    private readonly ApiHandler _handler;

    /// <summary>Builds the function from the process environment and the default AWS client chain.</summary>
    public ApiFunction()
        : this(FunctionSettings.Read(Environment.GetEnvironmentVariable), new AmazonDynamoDBClient(), Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Builds the function from explicit settings and a DynamoDB client (tests, other hosts): no notifier tables.</summary>
    public ApiFunction(FunctionSettings settings, IAmazonDynamoDB client)
        : this(settings, client, _ => null)
    {
    }

    /// <summary>Builds the function from explicit settings, a DynamoDB client and the environment the notifier's tables are read from.</summary>
    /// <param name="settings">The tables.</param>
    /// <param name="client">DynamoDB.</param>
    /// <param name="environment">Looks up <see cref="NotifySettings"/>' table variables and the webhook policy's.</param>
    /// <exception cref="InvalidOperationException">Only one of the notifier's two tables is named, or they are named without the Derive stage's.</exception>
    /// <param name="s3">S3 for the update images (<see cref="UpdatesSettings"/>), or null for the default client chain.</param>
    public ApiFunction(FunctionSettings settings, IAmazonDynamoDB client, Func<string, string?> environment, IAmazonS3? s3 = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        var store = new DynamoDbStore(client, settings.Store);
        var policy = new AccessPolicy(store, TimeProvider.System);
        var queries = new QueryService(store, policy);
        (RolloutsApi Rollouts, ImagesApi Images)? updates = UpdateRoutes(environment, s3);
        _handler = new ApiHandler(queries, TimeProvider.System, CarRules.Default, EventRoutes(settings, client, environment))
        {
            Reports = ReportRoutes(settings, client, store, policy),
            Odometers = settings.Derive is { } tables ? new DynamoDbDeriveStore(client, tables) : null,
            Rollouts = updates?.Rollouts,
            Images = updates?.Images,
            Config = ConfigRoutes(environment),
        };
    }

    /// <summary>
    /// Issue 18's routes over the UpdatesBucket and IoT Jobs: the operators' (<see cref="RolloutsApi"/>) and the cars' image
    /// route (<see cref="ImagesApi"/>) whose URLs the rollouts mint, or null when the environment names no bucket.
    /// </summary>
    private static (RolloutsApi Rollouts, ImagesApi Images)? UpdateRoutes(Func<string, string?> environment, IAmazonS3? s3)
    {
        if (UpdatesSettings.Read(environment) is not { } updates)
        {
            return null;
        }

        var images = new ImageBucket(s3 ?? new AmazonS3Client(), updates.Bucket);
        var urls = new ImageUrls(images, updates.ImageOrigin, TimeProvider.System);
        var iot = new IotControlPlane(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, updates.IotEndpoint, updates.Region, IotDataPlaneSigner.FromEnvironment, TimeProvider.System);
        return (new RolloutsApi(new IotRollouts(iot, images, urls, TimeProvider.System), images, updates.SigningKey), new ImagesApi(urls, images));
    }

    /// <summary>Issue 18's remote config and group routes over the shadows and thing groups, or null when the environment names no IoT data endpoint.</summary>
    private static ConfigApi? ConfigRoutes(Func<string, string?> environment)
    {
        if (ConfigSettings.Read(environment) is not { } config)
        {
            return null;
        }

        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var control = new IotControlPlane(http, config.ControlEndpoint, config.Region, IotDataPlaneSigner.FromEnvironment, TimeProvider.System);
        var data = new IotControlPlane(http, config.DataEndpoint, config.Region, IotDataPlaneSigner.FromEnvironment, TimeProvider.System, IotDataPlaneSigner.SigningService);
        return new ConfigApi(new ThingGroups(control), new IotShadows(data));
    }

    /// <summary>Issue 17's routes (trips, stops, daily summaries, rental summary, odometer) over the trips table, or null when the environment names none.</summary>
    private static ReportsApi? ReportRoutes(FunctionSettings settings, IAmazonDynamoDB client, DynamoDbStore store, AccessPolicy policy)
    {
        if (settings.Derive is not { } tables || DeriveWiring.Trips(settings, client) is not { } trips)
        {
            return null;
        }

        var derive = new DynamoDbDeriveStore(client, tables);
        return new ReportsApi(new TripReports(trips, derive, derive, store, store, trips, policy));
    }

    /// <summary>Issue 16's routes over the DynamoDB stores the environment names, or null when it names no Derive tables.</summary>
    private static EventsApi? EventRoutes(FunctionSettings settings, IAmazonDynamoDB client, Func<string, string?> environment)
    {
        string? subscriptions = environment(NotifySettings.SubscriptionsTableVariable);
        string? outbox = environment(NotifySettings.OutboxTableVariable);
        if (string.IsNullOrWhiteSpace(subscriptions) != string.IsNullOrWhiteSpace(outbox))
        {
            throw new InvalidOperationException($"environment variables {NotifySettings.SubscriptionsTableVariable} and {NotifySettings.OutboxTableVariable}: set both (subscriptions and notifications are served) or neither");
        }

        if (settings.Derive is not { } tables)
        {
            return string.IsNullOrWhiteSpace(subscriptions)
                ? null
                : throw new InvalidOperationException($"environment variable {NotifySettings.SubscriptionsTableVariable} is set but the Derive stage's tables are not: subscriptions need {string.Join(", ", FunctionSettings.DeriveTableVariables)}");
        }

        var derive = new DynamoDbDeriveStore(client, tables);
        SubscriptionQueries? notify = null;
        if (!string.IsNullOrWhiteSpace(subscriptions))
        {
            var notifyStore = new DynamoDbNotifyStore(client, subscriptions, outbox!);
            WebhookTargetPolicy policy = environment(NotifySettings.WebhookAllowPrivateVariable) == "true" ? WebhookTargetPolicy.Local : WebhookTargetPolicy.Public;
            notify = new SubscriptionQueries(notifyStore, notifyStore, policy);
        }

        ILimitStore? limits = DeriveWiring.Limits(settings, client);
        return new EventsApi(new EventQueries(derive, derive, TimeProvider.System), notify) { Limits = limits is null ? null : new LimitQueries(limits) };
    }

    /// <summary>The Lambda entry point: an API Gateway HTTP API v2 event in, a response out.</summary>
    public Task<Stream> FunctionHandler(Stream input) => _handler.FunctionHandler(input);

    /// <inheritdoc />
    public Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken) => _handler.HandleAsync(input, cancellationToken);
}
