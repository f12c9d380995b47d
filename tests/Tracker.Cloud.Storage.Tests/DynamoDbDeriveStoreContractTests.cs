using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.DynamoDb.Derive;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>The Derive storage contract on the DynamoDB adapter against dynalite, each test on its own tables, plus the write-ahead of a commit.</summary>
public sealed class DynamoDbDeriveStoreContractTests(DynaliteServer server) : DeriveStoreContractTests, IClassFixture<DynaliteServer>, INeedsDynalite
{
    private readonly string _prefix = "d" + Guid.NewGuid().ToString("N")[..12];
    private AmazonDynamoDBClient? _client;

    private DynamoDbDeriveOptions Options => new()
    {
        DeriveStateTable = _prefix + "-state",
        EventsTable = _prefix + "-events",
        StatusesTable = _prefix + "-statuses",
        ZonesTable = _prefix + "-zones",
    };

    private DynamoDbStoreOptions FixOptions => new()
    {
        FixesTable = _prefix + "-fixes",
        LatestTable = _prefix + "-latest",
        RentalsTable = _prefix + "-rentals",
    };

    /// <inheritdoc />
    protected override async Task<DeriveStores> CreateStoresAsync()
    {
        _client = server.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(_client, FixOptions, TimeSpan.FromSeconds(10), CancellationToken.None);
        await DynamoDbDeriveTables.EnsureCreatedAsync(_client, Options, TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbDeriveStore(_client, Options);
        var fixes = new DynamoDbStore(_client, FixOptions);
        return new DeriveStores(store, store, store, store, fixes, fixes);
    }

    /// <inheritdoc />
    protected override async Task DeleteStoresAsync()
    {
        if (_client is null)
        {
            return;
        }

        foreach (string suffix in new[] { "-state", "-events", "-statuses", "-zones", "-fixes", "-latest", "-rentals" })
        {
            await _client.DeleteTableAsync(_prefix + suffix);
        }

        _client.Dispose();
    }

    [StoreFact]
    public async Task AWriterThatDiedAfterItsCommit_HasItsEventsWrittenByTheNextReader()
    {
        // What a commit leaves when its writer dies before applying it: the state item with its pending writes.
        CarDerivation car = CarDerivation.New("car-1");
        Assert.True(await Stores.States.TryCommitAsync(car, [], [], CancellationToken.None));
        FleetEvent e = Event("car-1", EventType.Towing, T0);
        using var dying = new DyingClient(server.ServiceUrl);
        await Assert.ThrowsAsync<OperationCanceledException>(() => new DynamoDbDeriveStore(dying, Options).TryCommitAsync(car, [e], [], CancellationToken.None));
        Assert.Null(await Stores.Events.GetAsync(e.Key, CancellationToken.None));

        CarDerivation? read = await Stores.States.GetAsync("car-1", CancellationToken.None);
        Assert.Equal(2, read!.Version);
        Assert.NotNull(await Stores.Events.GetAsync(e.Key, CancellationToken.None));
        GetItemResponse item = await _client!.GetItemAsync(Options.DeriveStateTable, new Dictionary<string, AttributeValue> { ["carId"] = new() { S = "car-1" } });
        Assert.False(item.Item.ContainsKey("pending"));
    }

    [StoreFact]
    public async Task AnOlderStepsEventWrite_NeverOverwritesANewerOne()
    {
        FleetEvent open = Event("car-1", EventType.Overspeed, T0);
        CarDerivation car = CarDerivation.New("car-1");
        Assert.True(await Stores.States.TryCommitAsync(car, [open], [], CancellationToken.None));
        Assert.True(await Stores.States.TryCommitAsync(car, [open with { EndMs = T0 + 60_000 }], [], CancellationToken.None));

        // A slow writer of version 1 applying its writes now (what ApplyAsync would do late) changes nothing.
        var late = new DynamoDbDeriveStore(_client!, Options);
        CarDerivation stale = CarDerivation.New("car-1");
        Assert.False(await late.TryCommitAsync(stale, [open], [], CancellationToken.None));
        Assert.Equal(T0 + 60_000, (await Stores.Events.GetAsync(open.Key, CancellationToken.None))!.Event.EndMs);
    }

    /// <summary>A client whose event writes are lost, as if the process died after the state's put.</summary>
    private sealed class DyingClient(Uri serviceUrl)
        : AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("test", "test"), AwsTestClients.DynamoDbConfig(serviceUrl))
    {
        public override Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default) =>
            throw new OperationCanceledException("the process died");
    }
}
