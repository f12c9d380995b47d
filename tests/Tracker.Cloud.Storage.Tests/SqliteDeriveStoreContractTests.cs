using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>The Derive storage contract on the SQLite adapter, each test on its own temporary database file.</summary>
public sealed class SqliteDeriveStoreContractTests : DeriveStoreContractTests
{
    private readonly TempFolder _folder = new("tracker-derive-");

    /// <inheritdoc />
    protected override async Task<DeriveStores> CreateStoresAsync()
    {
        SqliteStore fixes = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        SqliteDeriveStore store = await SqliteDeriveStore.OpenAsync(fixes, CancellationToken.None);
        return new DeriveStores(store, store, store, store, fixes, fixes);
    }

    /// <inheritdoc />
    protected override Task DeleteStoresAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
