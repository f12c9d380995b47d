using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>A SQLite store in a temporary folder, deleted on dispose, with a clock the test controls.</summary>
public sealed class TempStore : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private TempStore(TempFolder folder, SqliteStore store)
    {
        _folder = folder;
        Store = store;
    }

    /// <summary>The store.</summary>
    public SqliteStore Store { get; }

    /// <summary>The database file (to damage a row with plain SQL).</summary>
    public string Path => _folder.Combine("fixes.db");

    /// <summary>Opens a new store whose retention clock reads <paramref name="clock"/>.</summary>
    public static async Task<TempStore> OpenAsync(TimeProvider clock)
    {
        var folder = new TempFolder("tracker-archive-");
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = folder.Combine("fixes.db"), Clock = clock }, CancellationToken.None);
        return new TempStore(folder, store);
    }

    /// <summary>Stores a car's fixes and advances its latest position to the newest.</summary>
    public async Task AddAsync(IReadOnlyList<StoredFix> fixes)
    {
        if (fixes.Count == 0)
        {
            return;
        }

        await Store.AppendAsync(fixes[0].CarId, fixes, CancellationToken.None);
        await Store.AdvanceLatestAsync(fixes.MaxBy(f => f.Ts)!, CancellationToken.None);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
