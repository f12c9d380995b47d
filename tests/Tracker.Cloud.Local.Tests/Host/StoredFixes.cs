using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Local.Security;

namespace Tracker.Cloud.Local.Tests.Host;

/// <summary>What a stopped host left in its SQLite store, read back from the data folder.</summary>
public static class StoredFixes
{
    /// <summary>
    /// Counts the stored fixes of cars 1 to <paramref name="cars"/>. The store keys a fix on (car, ts), so a fix delivered
    /// twice is one row: the count is the distinct fixes.
    /// </summary>
    /// <param name="data">The host's data folder.</param>
    /// <param name="cars">How many simulated cars ran.</param>
    /// <returns>The fixes stored.</returns>
    public static async Task<long> CountAsync(string data, int cars)
    {
        Tracker.Cloud.Sqlite.SqliteStore store = await Tracker.Cloud.Sqlite.SqliteStore.OpenAsync(
            new Tracker.Cloud.Sqlite.SqliteStoreOptions { Path = Path.Combine(data, "tracker.db") }, CancellationToken.None);
        long count = 0;
        for (int i = 1; i <= cars; i++)
        {
            string? cursor = null;
            do
            {
                FixPage page = await store.QueryAsync(CarIds.Of(i), 0, long.MaxValue, 1000, cursor, CancellationToken.None);
                count += page.Fixes.Count;
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        return count;
    }
}
