using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive;
using Tracker.Cloud.Derive.Api;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Reports;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Notify;
using Tracker.Cloud.Notify.Channels;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Local.Derive;

/// <summary>The Derive stage's parts in the local host, over the store the host opened (SQLite, or DynamoDB at a URL).</summary>
/// <param name="Service">The Derive service.</param>
/// <param name="Queries">The API's events and zones.</param>
/// <param name="States">The cars' states.</param>
/// <param name="Statuses">The statuses.</param>
/// <param name="Subscriptions">Subscriptions and notifications for the API (SQLite only; null on DynamoDB, where the stream notifier is not built).</param>
/// <param name="Notifier">The outbox worker (SQLite only), or null.</param>
/// <param name="Limits">The thresholds set through the API (SQLite, or the DynamoDB table <see cref="LimitsTable"/>).</param>
public sealed record LocalDerive(DeriveService Service, EventQueries Queries, IDerivationStore States, IStatusStore Statuses, SubscriptionQueries? Subscriptions, NotificationWorker? Notifier, LimitQueries? Limits = null)
{
    /// <summary>Issue 17's reports (trips, stops, summaries, odometer), over SQLite or the DynamoDB table <see cref="TripsTable"/>.</summary>
    public TripReports? Reports { get; init; }

    /// <summary>The DynamoDB tables of the local host's Derive stage.</summary>
    public static readonly DynamoDbDeriveOptions DynamoDbTables = new()
    {
        DeriveStateTable = "tracker-derive-state",
        EventsTable = "tracker-events",
        StatusesTable = "tracker-statuses",
        ZonesTable = "tracker-zones",
    };

    /// <summary>The thresholds' table (<c>GET/PUT /limits</c>) when the store is DynamoDB.</summary>
    public const string LimitsTable = "tracker-limits";

    /// <summary>Trips, stops and odometer readings (issue 17) when the store is DynamoDB.</summary>
    public const string TripsTable = "tracker-trips";

    /// <summary>Opens the Derive tables beside the fix store.</summary>
    /// <param name="fixes">The host's fix store.</param>
    /// <param name="rentals">Its rentals.</param>
    /// <param name="dynamoDb">The DynamoDB client when the store is DynamoDB.</param>
    /// <param name="options">Thresholds.</param>
    /// <param name="limits">Speed limits.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    /// <param name="email">The e-mail channel's sender (SMTP), or null for none: e-mail entries then wait in the outbox.</param>
    /// <returns>The parts.</returns>
    public static async Task<LocalDerive> OpenAsync(IFixStore fixes, IRentalStore rentals, IAmazonDynamoDB? dynamoDb, DeriveOptions options, SpeedLimits limits, TimeProvider clock, CancellationToken cancellationToken, ISender? email = null)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        (IDerivationStore states, IEventStore events, IStatusStore statuses, IZoneStore zones) stores;
        SubscriptionQueries? subscriptions = null;
        ILimitStore? limitStore = null;
        ITripStore? trips = null;
        IOdometerReadingStore? readings = null;
        NotificationWorker? notifier = null;
        if (fixes is SqliteStore sqlite)
        {
            SqliteDeriveStore store = await SqliteDeriveStore.OpenAsync(sqlite, cancellationToken).ConfigureAwait(false);
            stores = (store, store, store, store);
            limitStore = store;
            SqliteTripStore sqliteTrips = await SqliteTripStore.OpenAsync(sqlite, cancellationToken).ConfigureAwait(false);
            (trips, readings) = (sqliteTrips, sqliteTrips);
            SqliteNotifyStore notify = await SqliteNotifyStore.OpenAsync(sqlite, cancellationToken).ConfigureAwait(false);
            subscriptions = new SubscriptionQueries(notify, notify, WebhookTargetPolicy.Local);
            var hooks = new WebhookSender(
                WebhookTargetPolicy.Local,
                async (id, ct) => (await notify.ListSubscriptionsAsync(ct).ConfigureAwait(false)).FirstOrDefault(s => s.Id == id)?.WebhookSecret,
                clock);
            var senders = new Dictionary<Channel, ISender> { [Channel.Webhook] = hooks };
            if (email is not null)
            {
                senders[Channel.Email] = email;
            }

            notifier = new NotificationWorker(notify, notify, senders, NotifyOptions.Default, clock);
        }
        else
        {
            IAmazonDynamoDB client = dynamoDb ?? throw new ArgumentException("a DynamoDB fix store needs its client", nameof(dynamoDb));
            await DynamoDbDeriveTables.EnsureCreatedAsync(client, DynamoDbTables, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            var store = new DynamoDbDeriveStore(client, DynamoDbTables);
            stores = (store, store, store, store);
            await DynamoDbLimitStore.EnsureCreatedAsync(client, LimitsTable, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            limitStore = new DynamoDbLimitStore(client, LimitsTable);
            await DynamoDbTripStore.EnsureCreatedAsync(client, TripsTable, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            var dynamoTrips = new DynamoDbTripStore(client, TripsTable);
            (trips, readings) = (dynamoTrips, dynamoTrips);
        }

        var service = new DeriveService(
            new CarDeriver(options),
            stores.states,
            stores.events,
            new StoredObservations(fixes, stores.statuses),
            new StoredContexts(stores.zones, rentals, limits, limitStore, readings),
            trips);
        return new LocalDerive(service, new EventQueries(stores.events, stores.zones, clock), stores.states, stores.statuses, subscriptions, notifier, limitStore is null ? null : new LimitQueries(limitStore))
        {
            Reports = trips is null || readings is null ? null : new TripReports(trips, stores.events, stores.zones, rentals, fixes, readings, new AccessPolicy(rentals, clock)),
        };
    }

    /// <summary>The gate the ingest path calls: it follows the store's change feed when the store keeps one.</summary>
    /// <param name="fixes">The host's fix store.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="log">The log.</param>
    /// <returns>The gate.</returns>
    public DeriveGate Gate(IFixStore fixes, TimeProvider clock, ILogger<DeriveGate> log) =>
        new(Service, fixes, Statuses, States, clock, log, fixes is SqliteStore { FeedEnabled: true } feed ? feed : null) { Notifier = Notifier };
}
