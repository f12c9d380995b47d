using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Archive.Tests.Support;

/// <summary>A SQLite store in a temporary folder, deleted on dispose, with a clock the test controls.</summary>
public sealed class TempStore : IAsyncDisposable
{
    private readonly string _directory;

    private TempStore(string directory, SqliteStore store)
    {
        _directory = directory;
        Store = store;
    }

    /// <summary>The store.</summary>
    public SqliteStore Store { get; }

    /// <summary>Opens a new store whose retention clock reads <paramref name="clock"/>.</summary>
    public static async Task<TempStore> OpenAsync(TimeProvider clock)
    {
        string directory = Directory.CreateTempSubdirectory("tracker-archive-").FullName;
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(directory, "fixes.db"), Clock = clock }, CancellationToken.None);
        return new TempStore(directory, store);
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
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
