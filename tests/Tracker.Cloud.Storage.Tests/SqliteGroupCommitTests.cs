using Microsoft.Data.Sqlite;
using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The SQLite store writes the appends that wait together in one transaction (group commit): each caller still gets its
/// own counts and its own latest, every fix is stored once, and a message that cannot be stored fails alone.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    // Within the store's 30-day retention, or the first append's purge takes the fixes away again.
    private static readonly long T0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000) - 3_600_000;
    private readonly TempFolder _folder = new("tracker-group-");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task ManyCarsAppendingAtOnce_EachGetTheirOwnCounts_AndEveryFixIsStoredOnce()
    {
        SqliteStore store = await OpenAsync();
        string[] cars = [.. Enumerable.Range(0, 40).Select(i => $"car-{i:0000}")];

        // Every car sends its batch twice at once (a resend racing its original) and a later batch: one write each.
        List<(string Car, int Batch, Task<AppendedWithLatest> Done)> calls = [];
        for (int i = 0; i < cars.Length; i++)
        {
            StoredFix[] first = Fixes(cars[i], i, 0, 10);
            StoredFix[] second = Fixes(cars[i], i, 10, 5);
            calls.Add((cars[i], 0, store.AppendWithLatestAsync(cars[i], first, CancellationToken.None)));
            calls.Add((cars[i], 0, store.AppendWithLatestAsync(cars[i], first, CancellationToken.None)));
            calls.Add((cars[i], 1, store.AppendWithLatestAsync(cars[i], second, CancellationToken.None)));
        }

        AppendedWithLatest[] results = await Task.WhenAll(calls.Select(c => c.Done));

        for (int i = 0; i < cars.Length; i++)
        {
            AppendedWithLatest[] firsts = [.. results.Where((_, k) => calls[k].Car == cars[i] && calls[k].Batch == 0)];
            Assert.Equal(10, firsts.Sum(r => r.Appended.Written));
            Assert.Equal(10, firsts.Sum(r => r.Appended.Duplicates));
            Assert.Equal(new AppendResult(5, 0), results.Where((_, k) => calls[k].Car == cars[i] && calls[k].Batch == 1).Single().Appended);

            FixPage page = await store.QueryAsync(cars[i], long.MinValue, long.MaxValue, 100, null, CancellationToken.None);
            Assert.Equal(Fixes(cars[i], i, 0, 15).Select(f => f.Ts), page.Fixes.Select(f => f.Ts));
            Assert.Equal(T0 + 14_000, (await store.GetLatestAsync(cars[i], CancellationToken.None))!.Ts);

            // One feed entry per message that stored something, together spanning every fix.
            FeedSpan span = (await store.PeekAsync(cars[i], CancellationToken.None))!;
            Assert.Equal((T0, T0 + 14_000, 2), (span.FromTs, span.ToTs, span.Entries));
        }
    }

    [Fact]
    public async Task AMessageThatCannotBeStored_FailsAlone_AndTheOthersWaitingWithItAreStored()
    {
        SqliteStore store = await OpenAsync();
        await using (var setup = new SqliteConnection($"Data Source={_folder.Combine("g.db")}"))
        {
            // A fault the database raises for one car only, as a full disk or a corrupt page would for a whole write.
            await setup.OpenAsync();
            await using SqliteCommand trigger = setup.CreateCommand();
            trigger.CommandText = "CREATE TRIGGER poison BEFORE INSERT ON fixes WHEN NEW.car_id = 'car-bad' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;";
            await trigger.ExecuteNonQueryAsync();
        }

        // A writer outside holds the file, so the messages queue up behind the first and are written as one group.
        Task<AppendedWithLatest> firstCall;
        List<Task<AppendedWithLatest>> good = [];
        Task<AppendedWithLatest> bad;
        await using (var blocker = new SqliteConnection($"Data Source={_folder.Combine("g.db")}"))
        {
            await blocker.OpenAsync();
            await using SqliteTransaction hold = blocker.BeginTransaction(deferred: false);
            firstCall = store.AppendWithLatestAsync("car-0000", Fixes("car-0000", 0, 0, 3), CancellationToken.None);
            for (int i = 1; i <= 5; i++)
            {
                good.Add(store.AppendWithLatestAsync($"car-{i:0000}", Fixes($"car-{i:0000}", i, 0, 3), CancellationToken.None));
            }

            bad = store.AppendWithLatestAsync("car-bad", Fixes("car-bad", 9, 0, 3), CancellationToken.None);
            for (int i = 6; i <= 10; i++)
            {
                good.Add(store.AppendWithLatestAsync($"car-{i:0000}", Fixes($"car-{i:0000}", i, 0, 3), CancellationToken.None));
            }

            await Task.Delay(100);
            Assert.False(bad.IsCompleted, "the write went through a transaction held by another connection");
            await hold.RollbackAsync();
        }

        await firstCall;
        await Assert.ThrowsAsync<SqliteException>(() => bad);
        foreach (Task<AppendedWithLatest> call in good)
        {
            AppendedWithLatest result = await call;
            Assert.Equal(new AppendResult(3, 0), result.Appended);
            Assert.True(result.Advanced);
        }

        Assert.Empty((await store.QueryAsync("car-bad", long.MinValue, long.MaxValue, 10, null, CancellationToken.None)).Fixes);
        Assert.Null(await store.GetLatestAsync("car-bad", CancellationToken.None));
        Assert.Null(await store.PeekAsync("car-bad", CancellationToken.None));
        Assert.Equal(3, (await store.QueryAsync("car-0010", long.MinValue, long.MaxValue, 10, null, CancellationToken.None)).Fixes.Count);
    }

    [Fact]
    public async Task AnAppendCancelledBeforeItStarts_WritesNothing()
    {
        SqliteStore store = await OpenAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendWithLatestAsync("car-0001", Fixes("car-0001", 1, 0, 3), cancelled.Token));

        Assert.Empty((await store.QueryAsync("car-0001", long.MinValue, long.MaxValue, 10, null, CancellationToken.None)).Fixes);
        Assert.Null(await store.GetLatestAsync("car-0001", CancellationToken.None));
    }

    [Fact]
    public async Task ACallerThatStopsWaitingOnceQueued_StillGetsWhatItsGroupStored()
    {
        // A car's connection closes while its batch waits in a group: the batch commits with the group regardless, so the
        // caller must still learn what was stored, or the host counts fewer fixes than the store holds (issue 19).
        SqliteStore store = await OpenAsync();
        using var leaves = new CancellationTokenSource();
        Task<AppendedWithLatest> firstCall;
        Task<AppendedWithLatest> leaving;
        await using (var blocker = new SqliteConnection($"Data Source={_folder.Combine("g.db")}"))
        {
            await blocker.OpenAsync();
            await using SqliteTransaction hold = blocker.BeginTransaction(deferred: false);
            firstCall = store.AppendWithLatestAsync("car-0000", Fixes("car-0000", 0, 0, 3), CancellationToken.None);
            leaving = store.AppendWithLatestAsync("car-0001", Fixes("car-0001", 1, 0, 4), leaves.Token);
            await leaves.CancelAsync();
            await Task.Delay(100);
            Assert.False(leaving.IsCompleted, "the caller stopped waiting before its group was written");
            await hold.RollbackAsync();
        }

        await firstCall;
        AppendedWithLatest result = await leaving;

        Assert.Equal(new AppendResult(4, 0), result.Appended);
        Assert.Equal(4, (await store.QueryAsync("car-0001", long.MinValue, long.MaxValue, 10, null, CancellationToken.None)).Fixes.Count);
    }

    [Fact]
    public async Task AnEmptyBatch_IsRefusedByTheLatestWrite_AndAppendsAsNothing()
    {
        SqliteStore store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AppendWithLatestAsync("car-0001", [], CancellationToken.None));
        Assert.Equal(new AppendResult(0, 0), await store.AppendAsync("car-0001", [], CancellationToken.None));
    }

    private static StoredFix[] Fixes(string car, int carIndex, int from, int count) =>
        [.. Tracker.Cloud.Testing.SyntheticFleet.Drive(car, carIndex, T0, from + count, 1000).Skip(from)];

    private async Task<SqliteStore> OpenAsync() =>
        await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("g.db"), SyncEveryCommit = false, ChangeFeed = true }, CancellationToken.None);
}
