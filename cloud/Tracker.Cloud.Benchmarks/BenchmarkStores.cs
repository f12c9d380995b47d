using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.DynamoDb;
using Tracker.Cloud.Sqlite;
using Tracker.Cloud.Testing;
using Tracker.Testing;

namespace Tracker.Cloud.Benchmarks;

/// <summary>The two stores the benchmarks measure, each made fresh for one run and removed after it.</summary>
internal static class BenchmarkStores
{
    /// <summary>The name the figures are printed under.</summary>
    public const string SqliteName = "sqlite (file, WAL)";

    /// <summary>The name the figures are printed under.</summary>
    public const string DynaliteName = "dynalite (in memory, HTTP on 127.0.0.1)";

    /// <summary>Runs <paramref name="run"/> on a SQLite store in a temporary folder.</summary>
    /// <param name="run">The measurement.</param>
    /// <param name="syncEveryCommit">Flush every commit (the default, as a server runs) or not (as the local dev host runs).</param>
    public static async Task OnSqliteAsync(Func<IFixStore, Task> run, bool syncEveryCommit = true)
    {
        using var folder = new TempFolder("tracker-cloud-benchmark-");
        try
        {
            SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = folder.Combine("benchmark.db"), SyncEveryCommit = syncEveryCommit }, CancellationToken.None);
            await run(store);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> on two SQLite stores over one file in a temporary folder: the first without the change
    /// feed (ingest as it is with events off), the second writing it (ingest as the local host runs it with events on).
    /// </summary>
    /// <param name="run">The measurement.</param>
    /// <param name="syncEveryCommit">Flush every commit or not.</param>
    public static async Task OnSqlitePairAsync(Func<SqliteStore, SqliteStore, Task> run, bool syncEveryCommit)
    {
        using var folder = new TempFolder("tracker-cloud-benchmark-");
        try
        {
            var options = new SqliteStoreOptions { Path = folder.Combine("benchmark.db"), SyncEveryCommit = syncEveryCommit };
            SqliteStore plain = await SqliteStore.OpenAsync(options, CancellationToken.None);
            SqliteStore withFeed = await SqliteStore.OpenAsync(options with { ChangeFeed = true }, CancellationToken.None);
            await run(plain, withFeed);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Runs <paramref name="run"/> on the DynamoDB store over dynalite (tests/Tracker.Testing starts it; npm ci in cloud/dynalite first).</summary>
    public static async Task OnDynaliteAsync(string tablePrefix, Func<IFixStore, Task> run)
    {
        PartCatalog.Current.Locate(Part.Dynalite); // a clear message when it is not installed
        var dynalite = new DynaliteServer();
        await dynalite.InitializeAsync();
        try
        {
            using var client = dynalite.CreateClient();
            var tables = new DynamoDbStoreOptions { FixesTable = tablePrefix + "-fixes", LatestTable = tablePrefix + "-latest", RentalsTable = tablePrefix + "-rentals" };
            await DynamoDbTables.EnsureCreatedAsync(client, tables, TimeSpan.FromSeconds(30), CancellationToken.None);
            await run(new DynamoDbStore(client, tables));
        }
        finally
        {
            await dynalite.DisposeAsync();
        }
    }
}
