using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Storage.Tests;

/// <summary>
/// The storage port's contract: every adapter passes these same tests (issue 5, "Storage"). A
/// concrete class supplies a fresh, empty store per test.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    /// <summary>A time inside the retention window of the real clock: stores may purge older fixes.</summary>
    protected static readonly long T0 = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds() / 1000 * 1000;

    private IFixStore? _fixes;
    private IRentalStore? _rentals;

    /// <summary>The store under test.</summary>
    protected IFixStore Fixes => _fixes ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The rental store under test.</summary>
    protected IRentalStore Rentals => _rentals ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Creates a fresh, empty store.</summary>
    protected abstract Task<(IFixStore Fixes, IRentalStore Rentals)> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made.</summary>
    protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task InitializeAsync() => (_fixes, _rentals) = await CreateStoreAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => DeleteStoreAsync();

    /// <summary>A fix with every field set from <paramref name="ts"/>, or the optional ones unknown.</summary>
    protected static StoredFix MakeFix(string car, long ts, int latE7 = 395296417, bool unknowns = false) => unknowns
        ? new StoredFix(car, ts, latE7, -1198136462, null, null, null, null, null, 2, 1, false, false, ts + 500)
        : new StoredFix(car, ts, latE7, -1198136462 + (int)(ts % 1000), -4150, 12000, 35999, 117, 8, 3, 2, true, true, ts + 500);

    private static List<StoredFix> Drive(string car, int count, long start = 0, long stepMs = 5000) =>
        Enumerable.Range(0, count).Select(i => MakeFix(car, T0 + start + (i * stepMs), 395296417 + i)).ToList();

    private static async Task<List<StoredFix>> ReadAllAsync(IFixStore store, string car, long from, long to, int limit)
    {
        var all = new List<StoredFix>();
        string? cursor = null;
        int pages = 0;
        do
        {
            FixPage page = await store.QueryAsync(car, from, to, limit, cursor, CancellationToken.None);
            Assert.True(page.Fixes.Count <= limit);
            Assert.True(page.NextCursor is null || page.Fixes.Count == limit, "a page with a cursor is full");
            all.AddRange(page.Fixes);
            cursor = page.NextCursor;
            Assert.True(++pages < 10_000, "paging terminates");
        }
        while (cursor is not null);

        return all;
    }

    [StoreFact]
    public async Task Append_NewFixes_WritesAllAndReadsThemBackFieldForField()
    {
        List<StoredFix> fixes = [MakeFix("car-1", T0), MakeFix("car-1", T0 + 1000, unknowns: true)];

        AppendResult result = await Fixes.AppendAsync("car-1", fixes, CancellationToken.None);

        Assert.Equal(new AppendResult(2, 0), result);
        FixPage page = await Fixes.QueryAsync("car-1", T0, T0 + 2000, 10, null, CancellationToken.None);
        Assert.Equal(fixes, page.Fixes);
        Assert.Null(page.NextCursor);
    }

    [StoreFact]
    public async Task Append_SameBatchTwice_IsIdempotentAndCountsDuplicates()
    {
        List<StoredFix> batch = Drive("car-1", 10);
        Assert.Equal(new AppendResult(10, 0), await Fixes.AppendAsync("car-1", batch, CancellationToken.None));

        List<StoredFix> retried = [.. batch, .. Drive("car-1", 3, start: 50_000)];
        AppendResult again = await Fixes.AppendAsync("car-1", retried, CancellationToken.None);

        Assert.Equal(new AppendResult(3, 10), again);
        Assert.Equal(13, (await ReadAllAsync(Fixes, "car-1", long.MinValue, long.MaxValue, 100)).Count);
    }

    [StoreFact]
    public async Task Append_RetryWithChangedContent_KeepsTheFirstWrite()
    {
        await Fixes.AppendAsync("car-1", [MakeFix("car-1", T0, latE7: 1)], CancellationToken.None);

        AppendResult result = await Fixes.AppendAsync("car-1", [MakeFix("car-1", T0, latE7: 2)], CancellationToken.None);

        Assert.Equal(new AppendResult(0, 1), result);
        Assert.Equal(1, (await Fixes.QueryAsync("car-1", T0, T0 + 1, 10, null, CancellationToken.None)).Fixes.Single().LatE7);
    }

    [StoreFact]
    public async Task Append_OneKeyTwiceInABatch_StoresTheFirstAndCountsOneDuplicate()
    {
        AppendResult result = await Fixes.AppendAsync("car-1", [MakeFix("car-1", T0, latE7: 1), MakeFix("car-1", T0, latE7: 2)], CancellationToken.None);

        Assert.Equal(new AppendResult(1, 1), result);
        Assert.Equal(1, (await Fixes.QueryAsync("car-1", T0, T0 + 1, 10, null, CancellationToken.None)).Fixes.Single().LatE7);
    }

    [StoreFact]
    public async Task Append_EmptyBatch_WritesNothing()
    {
        Assert.Equal(new AppendResult(0, 0), await Fixes.AppendAsync("car-1", [], CancellationToken.None));
    }

    [StoreFact]
    public async Task Append_LargeBatch_WritesEveryFix()
    {
        AppendResult result = await Fixes.AppendAsync("car-1", Drive("car-1", 260), CancellationToken.None);

        Assert.Equal(new AppendResult(260, 0), result);
        Assert.Equal(260, (await ReadAllAsync(Fixes, "car-1", long.MinValue, long.MaxValue, 1000)).Count);
    }

    [StoreFact]
    public async Task Append_FixOfAnotherCar_IsAProgrammerError()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Fixes.AppendAsync("car-1", [MakeFix("car-2", T0)], CancellationToken.None));
    }

    [StoreFact]
    public async Task AdvanceLatest_LateBacklog_NeverReplacesANewerPosition()
    {
        Assert.True(await Fixes.AdvanceLatestAsync(MakeFix("car-1", T0 + 100_000), CancellationToken.None));
        Assert.False(await Fixes.AdvanceLatestAsync(MakeFix("car-1", T0 + 50_000), CancellationToken.None));
        Assert.False(await Fixes.AdvanceLatestAsync(MakeFix("car-1", T0 + 100_000, latE7: 7), CancellationToken.None));
        Assert.Equal(MakeFix("car-1", T0 + 100_000), await Fixes.GetLatestAsync("car-1", CancellationToken.None));

        Assert.True(await Fixes.AdvanceLatestAsync(MakeFix("car-1", T0 + 150_000, unknowns: true), CancellationToken.None));
        Assert.Equal(MakeFix("car-1", T0 + 150_000, unknowns: true), await Fixes.GetLatestAsync("car-1", CancellationToken.None));
    }

    [StoreFact]
    public async Task AdvanceLatest_ConcurrentAdvancesInAnyOrder_EndOnTheNewest()
    {
        long[] times = Enumerable.Range(0, 40).Select(i => T0 + ((i * 7919L) % 40 * 1000)).ToArray();

        bool[] moved = await Task.WhenAll(times.Select(t => Task.Run(() => Fixes.AdvanceLatestAsync(MakeFix("car-1", t), CancellationToken.None))));

        Assert.Contains(true, moved);
        Assert.Equal(T0 + 39_000, (await Fixes.GetLatestAsync("car-1", CancellationToken.None))!.Ts);
    }

    [StoreFact]
    public async Task GetAllLatest_ListsEveryCarOnce_OrderedByCar()
    {
        await Fixes.AdvanceLatestAsync(MakeFix("car-b", T0 + 2000), CancellationToken.None);
        await Fixes.AdvanceLatestAsync(MakeFix("car-a", T0 + 1000), CancellationToken.None);
        await Fixes.AdvanceLatestAsync(MakeFix("car-b", T0 + 3000), CancellationToken.None);

        IReadOnlyList<StoredFix> all = await Fixes.GetAllLatestAsync(CancellationToken.None);

        Assert.Equal([("car-a", T0 + 1000), ("car-b", T0 + 3000)], all.Select(f => (f.CarId, f.Ts)));
    }

    [StoreFact]
    public async Task UnknownCar_HasNoLatestNoHistoryAndNoPredecessor()
    {
        await Fixes.AppendAsync("car-1", Drive("car-1", 3), CancellationToken.None);

        Assert.Null(await Fixes.GetLatestAsync("car-x", CancellationToken.None));
        Assert.Null(await Fixes.GetBeforeAsync("car-x", long.MaxValue, CancellationToken.None));
        FixPage page = await Fixes.QueryAsync("car-x", long.MinValue, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Empty(page.Fixes);
        Assert.Null(page.NextCursor);
        Assert.Empty(await Fixes.GetAllLatestAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task GetBefore_ReturnsTheNewestFixStrictlyBefore()
    {
        await Fixes.AppendAsync("car-1", Drive("car-1", 5), CancellationToken.None);
        await Fixes.AppendAsync("car-2", Drive("car-2", 5, start: 1000), CancellationToken.None);

        Assert.Equal(T0 + 10_000, (await Fixes.GetBeforeAsync("car-1", T0 + 15_000, CancellationToken.None))!.Ts);
        Assert.Equal(T0 + 10_000, (await Fixes.GetBeforeAsync("car-1", T0 + 12_345, CancellationToken.None))!.Ts);
        Assert.Equal("car-1", (await Fixes.GetBeforeAsync("car-1", T0 + 12_345, CancellationToken.None))!.CarId);
        Assert.Null(await Fixes.GetBeforeAsync("car-1", T0, CancellationToken.None));
    }

    [StoreFact]
    public async Task Query_ReturnsTheHalfOpenRangeOldestFirst_OfThatCarOnly()
    {
        // Appended newest first, as the uplink sends after a reconnect.
        List<StoredFix> drive = Drive("car-1", 10);
        drive.Reverse();
        await Fixes.AppendAsync("car-1", drive, CancellationToken.None);
        await Fixes.AppendAsync("car-2", Drive("car-2", 10), CancellationToken.None);

        FixPage page = await Fixes.QueryAsync("car-1", T0 + 10_000, T0 + 30_000, 100, null, CancellationToken.None);

        Assert.Equal([T0 + 10_000, T0 + 15_000, T0 + 20_000, T0 + 25_000], page.Fixes.Select(f => f.Ts));
        Assert.All(page.Fixes, f => Assert.Equal("car-1", f.CarId));
        Assert.Null(page.NextCursor);
        Assert.Empty((await Fixes.QueryAsync("car-1", T0 + 30_000, T0 + 30_000, 10, null, CancellationToken.None)).Fixes);
        Assert.Empty((await Fixes.QueryAsync("car-1", T0 + 30_000, T0, 10, null, CancellationToken.None)).Fixes);
    }

    [StoreFact]
    public async Task Query_WithLimit_ReturnsAFullPageAndACursor()
    {
        await Fixes.AppendAsync("car-1", Drive("car-1", 10), CancellationToken.None);

        FixPage first = await Fixes.QueryAsync("car-1", T0, T0 + 50_000, 4, null, CancellationToken.None);
        FixPage second = await Fixes.QueryAsync("car-1", T0, T0 + 50_000, 4, first.NextCursor, CancellationToken.None);
        FixPage last = await Fixes.QueryAsync("car-1", T0, T0 + 50_000, 4, second.NextCursor, CancellationToken.None);

        Assert.Equal([T0, T0 + 5000, T0 + 10_000, T0 + 15_000], first.Fixes.Select(f => f.Ts));
        Assert.Equal([T0 + 20_000, T0 + 25_000, T0 + 30_000, T0 + 35_000], second.Fixes.Select(f => f.Ts));
        Assert.Equal([T0 + 40_000, T0 + 45_000], last.Fixes.Select(f => f.Ts));
        Assert.Null(last.NextCursor);
    }

    [StoreFact]
    public async Task Query_ExactlyOneFullPage_HasNoCursor()
    {
        await Fixes.AppendAsync("car-1", Drive("car-1", 4), CancellationToken.None);

        FixPage page = await Fixes.QueryAsync("car-1", T0, T0 + 20_000, 4, null, CancellationToken.None);

        Assert.Equal(4, page.Fixes.Count);
        Assert.Null(page.NextCursor);
    }

    [StoreFact]
    public async Task Query_PagingThroughEveryPage_YieldsEveryFixExactlyOnce()
    {
        List<StoredFix> drive = Drive("car-1", 97, stepMs: 1000);
        await Fixes.AppendAsync("car-1", drive, CancellationToken.None);

        foreach (int limit in new[] { 1, 7, 25, 96, 97, 500 })
        {
            List<StoredFix> read = await ReadAllAsync(Fixes, "car-1", T0, T0 + 97_000, limit);
            Assert.Equal(drive.Select(f => f.Ts), read.Select(f => f.Ts));
        }

        // A sub-range, paged, is exactly that sub-range.
        List<StoredFix> middle = await ReadAllAsync(Fixes, "car-1", T0 + 10_500, T0 + 20_000, 3);
        Assert.Equal(Enumerable.Range(11, 9).Select(i => T0 + (i * 1000L)), middle.Select(f => f.Ts));
    }

    [StoreFact]
    public async Task Query_CursorOfAnotherQuery_IsRejected()
    {
        await Fixes.AppendAsync("car-1", Drive("car-1", 10), CancellationToken.None);
        await Fixes.AppendAsync("car-2", Drive("car-2", 10), CancellationToken.None);
        string cursor = (await Fixes.QueryAsync("car-1", T0, T0 + 50_000, 2, null, CancellationToken.None)).NextCursor!;

        await Assert.ThrowsAsync<ArgumentException>(() => Fixes.QueryAsync("car-2", T0, T0 + 50_000, 2, cursor, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Fixes.QueryAsync("car-1", T0, T0 + 40_000, 2, cursor, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Fixes.QueryAsync("car-1", T0 + 1, T0 + 50_000, 2, cursor, CancellationToken.None));
    }

    [StoreFact]
    public async Task Query_GarbledCursor_IsRejected()
    {
        foreach (string bad in new[] { "", "not a cursor", "%%%", "czEuMDAwMDAwMDAwMDAwMDAwMC4x", new string('A', 400) })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Fixes.QueryAsync("car-1", T0, T0 + 50_000, 2, bad, CancellationToken.None));
        }
    }

    [StoreFact]
    public async Task Query_NonPositiveLimit_IsAProgrammerError()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Fixes.QueryAsync("car-1", T0, T0 + 1, 0, null, CancellationToken.None));
    }

    [StoreFact]
    public async Task Rentals_PutAndGet_ByCarAndByRenter()
    {
        var early = new Rental("car-1", "alice", 1000, 2000);
        var late = new Rental("car-1", "bob", 3000, 4000);
        var other = new Rental("car-2", "alice", 5000, 6000);
        await Rentals.PutAsync(late, CancellationToken.None);
        await Rentals.PutAsync(early, CancellationToken.None);
        await Rentals.PutAsync(other, CancellationToken.None);

        Assert.Equal([early, late], await Rentals.GetForCarAsync("car-1", CancellationToken.None));
        Assert.Equal([early, other], await Rentals.GetForRenterAsync("alice", CancellationToken.None));
        Assert.Empty(await Rentals.GetForCarAsync("car-x", CancellationToken.None));
        Assert.Empty(await Rentals.GetForRenterAsync("mallory", CancellationToken.None));
    }

    [StoreFact]
    public async Task Rentals_PutSameCarRenterAndStart_ReplacesTheEnd()
    {
        await Rentals.PutAsync(new Rental("car-1", "alice", 1000, 2000), CancellationToken.None);
        await Rentals.PutAsync(new Rental("car-1", "alice", 1000, 9000), CancellationToken.None);

        Assert.Equal([new Rental("car-1", "alice", 1000, 9000)], await Rentals.GetForCarAsync("car-1", CancellationToken.None));
    }
}
