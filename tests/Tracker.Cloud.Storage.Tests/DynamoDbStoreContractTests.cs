using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.DynamoDb;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>The contract on the DynamoDB adapter against dynalite, each test on its own three tables, plus TTL and throttling.</summary>
public sealed class DynamoDbStoreContractTests(DynaliteServer server) : StoreContractTests, IClassFixture<DynaliteServer>, INeedsDynalite
{
    private readonly DynamoDbStoreOptions _options = NewOptions();
    private AmazonDynamoDBClient? _client;

    private static DynamoDbStoreOptions NewOptions()
    {
        string prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        return new DynamoDbStoreOptions
        {
            FixesTable = prefix + "-fixes",
            LatestTable = prefix + "-latest",
            RentalsTable = prefix + "-rentals",
            BackoffBase = TimeSpan.FromMilliseconds(1),
            BackoffMax = TimeSpan.FromMilliseconds(4),
            MaxBatchAttempts = 4,
        };
    }

    private AmazonDynamoDBClient Client => _client ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc />
    protected override async Task<(IFixStore Fixes, IRentalStore Rentals)> CreateStoreAsync()
    {
        _client = server.CreateClient();
        await DynamoDbTables.EnsureCreatedAsync(_client, _options, TimeSpan.FromSeconds(10), CancellationToken.None);
        var store = new DynamoDbStore(_client, _options);
        return (store, store);
    }

    /// <inheritdoc />
    protected override async Task DeleteStoreAsync()
    {
        if (_client is null)
        {
            return;
        }

        foreach (string table in new[] { _options.FixesTable, _options.LatestTable, _options.RentalsTable })
        {
            await _client.DeleteTableAsync(table);
        }

        _client.Dispose();
    }

    [StoreFact]
    public async Task Append_SetsTheTtlAttribute_ThirtyDaysAfterTheFixInEpochSeconds()
    {
        await Fixes.AppendAsync("car-1", [MakeFix("car-1", T0 + 1999)], CancellationToken.None);

        GetItemResponse item = await Client.GetItemAsync(new GetItemRequest
        {
            TableName = _options.FixesTable,
            Key = new() { ["carId"] = new() { S = "car-1" }, ["ts"] = new() { N = (T0 + 1999).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        });

        long expected = ((T0 + 1999) / 1000) + (30L * 24 * 3600);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Item["expiresAt"].N);
    }

    [StoreFact]
    public async Task Items_WrittenBeforeTheOdometerMovedToDerive_StillRead_AndNewOnesHaveNoOdometer()
    {
        StoredFix fix = MakeFix("car-1", T0);
        await Fixes.AppendAsync("car-1", [fix], CancellationToken.None);
        var key = new Dictionary<string, AttributeValue> { ["carId"] = new() { S = "car-1" }, ["ts"] = new() { N = T0.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        GetItemResponse written = await Client.GetItemAsync(new GetItemRequest { TableName = _options.FixesTable, Key = key });
        Assert.DoesNotContain("odometerM", written.Item.Keys);

        // An item as ingest wrote it before issue 17: the same fix with its per-fix odometer.
        Dictionary<string, AttributeValue> old = new(written.Item) { ["odometerM"] = new() { N = "123456789012" } };
        old["ts"] = new() { N = (T0 + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await Client.PutItemAsync(new PutItemRequest { TableName = _options.FixesTable, Item = old });
        old.Remove("expiresAt");
        await Client.PutItemAsync(new PutItemRequest { TableName = _options.LatestTable, Item = old });

        FixPage page = await Fixes.QueryAsync("car-1", T0, T0 + 2000, 10, null, CancellationToken.None);
        Assert.Equal([fix, fix with { Ts = T0 + 1000 }], page.Fixes);
        Assert.Equal(fix with { Ts = T0 + 1000 }, await Fixes.GetLatestAsync("car-1", CancellationToken.None));
    }

    [StoreFact]
    public async Task EnsureCreated_Twice_IsIdempotentAndReportsThatDynaliteHasNoTtl()
    {
        TableSetup again = await DynamoDbTables.EnsureCreatedAsync(Client, _options, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Empty(again.Created);
        Assert.False(again.TimeToLiveEnabled);
        Assert.NotNull(again.TimeToLiveNote);
    }

    [StoreFact]
    public async Task Append_UnprocessedItems_AreRetriedUntilWritten()
    {
        using var flaky = new DynamoDbTestClient(server.ServiceUrl, unprocessedWrites: 2);
        var store = new DynamoDbStore(flaky, _options);

        AppendResult result = await store.AppendAsync("car-1", Enumerable.Range(0, 60).Select(i => MakeFix("car-1", T0 + (i * 1000L))).ToList(), CancellationToken.None);

        Assert.Equal(new AppendResult(60, 0), result);
        Assert.Equal([25, 25, 25, 25, 10], flaky.BatchWriteSizes);
        Assert.Equal(60, (await Fixes.QueryAsync("car-1", T0, T0 + 60_000, 100, null, CancellationToken.None)).Fixes.Count);
    }

    [StoreFact]
    public async Task Append_AlwaysUnprocessed_ThrowsAfterTheBoundedAttempts()
    {
        using var throttled = new DynamoDbTestClient(server.ServiceUrl, unprocessedWrites: -1);
        var store = new DynamoDbStore(throttled, _options);

        UnprocessedItemsException e = await Assert.ThrowsAsync<UnprocessedItemsException>(
            () => store.AppendAsync("car-1", [MakeFix("car-1", T0)], CancellationToken.None));

        Assert.Equal(4, e.Attempts);
        Assert.Equal(1, e.Remaining);
        Assert.Equal(4, throttled.BatchWriteCalls);
    }

    [StoreFact]
    public void Options_WithoutTableNames_FailNamingTheKey()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new DynamoDbStoreOptions { FixesTable = "", LatestTable = "latest", RentalsTable = "rentals" }.Validate());
        Assert.Contains("DynamoDb:FixesTable", e.Message, StringComparison.Ordinal);
    }
}
