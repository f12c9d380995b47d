using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Cars;
using Tracker.Cloud.Core.Ingest;
using Tracker.Cloud.Derive;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;
using Tracker.Cloud.Lambda.Functions;
using Tracker.Cloud.Lambda.Ingest;
using Tracker.Cloud.Lambda.Notify;
using Tracker.Cloud.Lambda.Runtime.Tests.Support;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Lambda.Runtime.Tests.EventPath;

/// <summary>What the notifier's tests start from: fresh tables, a subscription, and a car's geofence exit stored by ingest and Derive.</summary>
internal static class NotifierFixture
{
    /// <summary>Fresh tables, the subscription saved, a car leaving the depot through ingest and Derive: the events table's items as a stream batch.</summary>
    /// <param name="dynalite">The server.</param>
    /// <param name="subscription">Saved before the event.</param>
    /// <returns>The stream batch, the notifier's store, the clock and the environment the tables are named in.</returns>
    public static async Task<(string Batch, DynamoDbNotifyStore Store, ManualClock Clock, Dictionary<string, string> Environment)> GeofenceExitWithEnvironmentAsync(DynaliteServer dynalite, Subscription subscription)
    {
        Dictionary<string, string> environment = await EventPathFixtures.FreshTablesAsync(dynalite);
        FunctionSettings settings = FunctionSettings.Read(environment.GetValueOrDefault);
        using AmazonDynamoDBClient client = dynalite.CreateClient();
        var store = new DynamoDbStore(client, settings.Store);
        (DeriveService service, DynamoDbDeriveStore derive) = DeriveWiring.Create(store, settings.Derive!, client);
        await derive.PutZoneAsync(EventPathFixtures.Depot, CancellationToken.None);
        var clock = new ManualClock(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await new IngestHandler(new IngestService(store, CarRules.Default.Ingest, clock), clock, TextWriter.Null, new DeriveAfterIngest(store, service))
            .HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(LambdaEvents.Iot(WireBatch.Encode(EventPathFixtures.LeavingTheDepot(clock.NowMs - 1000)), receivedAt: clock.NowMs))), CancellationToken.None);
        List<Dictionary<string, AttributeValue>> items = await ConcurrentDeriveTests.ScanAsync(client, settings.Derive!.EventsTable);
        Assert.Contains(items, i => i["type"].S == "geofence-exit");
        var notify = new DynamoDbNotifyStore(dynalite.CreateClient(), environment[NotifySettings.SubscriptionsTableVariable], environment[NotifySettings.OutboxTableVariable]);
        await notify.PutSubscriptionAsync(subscription, CancellationToken.None);
        return (EventPathFixtures.StreamBatch("INSERT", [.. items]), notify, clock, environment);
    }

    /// <summary><see cref="GeofenceExitWithEnvironmentAsync"/> without the environment.</summary>
    /// <param name="dynalite">The server.</param>
    /// <param name="subscription">Saved before the event.</param>
    /// <returns>The stream batch, the notifier's store and the clock.</returns>
    public static async Task<(string Batch, DynamoDbNotifyStore Store, ManualClock Clock)> GeofenceExitAsync(DynaliteServer dynalite, Subscription subscription)
    {
        (string batch, DynamoDbNotifyStore store, ManualClock clock, _) = await GeofenceExitWithEnvironmentAsync(dynalite, subscription);
        return (batch, store, clock);
    }
}
