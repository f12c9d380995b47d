using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Notify.Tests;

/// <summary>
/// <c>GET /notifications</c>'s pages over SQLite: newest first, a page at a time by cursor, every entry once even when many
/// share a millisecond; a cursor or limit the API did not give is refused with a reason; a failed one redelivered.
/// </summary>
public sealed class NotificationPagingTests : IAsyncLifetime, IDisposable
{
    private static readonly Identity Ops = new("ops", Role.Operator);
    private readonly TempFolder _folder = new("tracker-notify-paging-");
    private SqliteNotifyStore _store = null!;
    private SubscriptionQueries _queries = null!;

    public async Task InitializeAsync()
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        _store = await SqliteNotifyStore.OpenAsync(store, CancellationToken.None);
        _queries = new SubscriptionQueries(_store, _store, WebhookTargetPolicy.Local);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    /// <summary>Entries of one state at a few times, several in one millisecond, over two channels.</summary>
    public static IReadOnlyList<OutboxEntry> Entries(OutboxState state, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new OutboxEntry
        {
            CarId = "car-" + (i % 3),
            EventId = "overspeed-" + i,
            SubscriptionId = "ops",
            Channel = i % 2 == 0 ? Channel.Webhook : Channel.Email,
            Target = "http://127.0.0.1:9/hook",
            Payload = "{}",
            State = state,
            Attempts = state == OutboxState.Failed ? 10 : 1,
            LastError = state == OutboxState.Failed ? "HTTP 500" : null,
            CreatedMs = 1_700_000_000_000 + ((i / 3) * 1000),
            NextAttemptMs = 1_700_000_000_000,
        })];

    [Fact]
    public async Task PagesByCursor_ListEveryFailedEntryOnce_NewestFirst_EvenWithinAMillisecond()
    {
        IReadOnlyList<OutboxEntry> failed = Entries(OutboxState.Failed, 11);
        await _store.AnnounceAsync([], [.. failed, .. Entries(OutboxState.Delivered, 4).Select(e => e with { EventId = "d-" + e.EventId })], CancellationToken.None);

        var listed = new List<OutboxEntry>();
        string? cursor = null;
        int pages = 0;
        do
        {
            QueryResult<NotificationPage> page = await _queries.ListNotificationsAsync(Ops, OutboxState.Failed, 3, cursor, CancellationToken.None);
            Assert.Equal(QueryStatus.Ok, page.Status);
            Assert.True(page.Value!.Entries.Count <= 3);
            listed.AddRange(page.Value.Entries);
            cursor = page.Value.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(4, pages); // 3 + 3 + 3 + 2, the last without a cursor
        Assert.Equal(failed.Select(e => e.DeliveryId).Order(), listed.Select(e => e.DeliveryId).Order());
        Assert.Equal(listed, listed.Order(Comparer<OutboxEntry>.Create((a, b) => OutboxPosition.Compare(OutboxPosition.Of(a), OutboxPosition.Of(b)))));
        Assert.True(listed.Zip(listed.Skip(1)).All(p => p.First.CreatedMs >= p.Second.CreatedMs));
        Assert.All(listed, e => Assert.Equal(OutboxState.Failed, e.State));
    }

    [Fact]
    public async Task AFullLastPage_EndsWithAnEmptyOne_AndTheOldListingStillHasEverything()
    {
        await _store.AnnounceAsync([], Entries(OutboxState.Failed, 4), CancellationToken.None);

        QueryResult<NotificationPage> first = await _queries.ListNotificationsAsync(Ops, OutboxState.Failed, 4, null, CancellationToken.None);

        Assert.Equal(4, first.Value!.Entries.Count);
        Assert.Null(first.Value.NextCursor);
        Assert.Equal(4, (await _queries.ListNotificationsAsync(Ops, OutboxState.Failed, CancellationToken.None)).Value!.Count);
    }

    [Theory]
    [InlineData(0, null, "limit")]
    [InlineData(201, null, "limit")]
    [InlineData(10, "not-a-cursor", "cursor")]
    [InlineData(10, "WzEsMiwzXQ", "cursor")] // [1,2,3]
    [InlineData(10, "WzEsImEiLCJiIiwiYyIsOV0", "cursor")] // [1,"a","b","c",9]: no such channel
    [InlineData(10, "", "cursor")]
    public async Task ALimitOrCursorTheApiDidNotGive_IsRefused(int limit, string? cursor, string parameter)
    {
        QueryResult<NotificationPage> refused = await _queries.ListNotificationsAsync(Ops, OutboxState.Failed, limit, cursor, CancellationToken.None);

        Assert.Equal(QueryStatus.BadRequest, refused.Status);
        Assert.Equal(parameter, refused.Errors.Single().Name);
    }

    [Fact]
    public async Task ARenter_IsRefused()
    {
        Assert.Equal(QueryStatus.Forbidden, (await _queries.ListNotificationsAsync(new Identity("r", Role.None), OutboxState.Failed, 10, null, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task AFailedNotification_IsRedeliveredOnce_PendingAgainWithAFreshBudget_AndDueNow()
    {
        IReadOnlyList<OutboxEntry> failed = Entries(OutboxState.Failed, 3);
        await _store.AnnounceAsync([], [.. failed, .. Entries(OutboxState.Delivered, 1).Select(e => e with { EventId = "d" })], CancellationToken.None);
        var clock = new ManualClock(1_800_000_000_000);
        var queries = new SubscriptionQueries(_store, _store, WebhookTargetPolicy.Local, clock);

        QueryResult<OutboxEntry> redelivered = await queries.RedeliverAsync(Ops, failed[1].DeliveryId, CancellationToken.None);

        Assert.Equal(QueryStatus.Ok, redelivered.Status);
        Assert.Equal(OutboxState.Pending, redelivered.Value!.State);
        Assert.Equal(0, redelivered.Value.Attempts);
        Assert.Equal("HTTP 500", redelivered.Value.LastError); // until the next attempt says otherwise
        OutboxEntry due = Assert.Single(await _store.DueAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), 10, CancellationToken.None));
        Assert.Equal(failed[1].DeliveryId, due.DeliveryId);
        Assert.Equal(2, (await _store.ListAsync(OutboxState.Failed, 10, CancellationToken.None)).Count);

        // Only a failed one moves: pressed again, or on a delivered one, or an unknown id, it is not found.
        Assert.Equal(QueryStatus.NotFound, (await queries.RedeliverAsync(Ops, failed[1].DeliveryId, CancellationToken.None)).Status);
        Assert.Equal(QueryStatus.NotFound, (await queries.RedeliverAsync(Ops, (Entries(OutboxState.Delivered, 1)[0] with { EventId = "d" }).DeliveryId, CancellationToken.None)).Status);
        Assert.Equal(QueryStatus.NotFound, (await queries.RedeliverAsync(Ops, new string('0', 32), CancellationToken.None)).Status);
        Assert.Single(await _store.DueAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), 10, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0F1E2D3C4B5A69788796A5B4C3D2E1F0")]
    [InlineData("0f1e2d3c4b5a69788796a5b4c3d2e1f")]
    [InlineData("0f1e2d3c4b5a69788796a5b4c3d2e1f0x")]
    [InlineData("../../etc/passwd")]
    public async Task ARedeliveryOfSomethingThatIsNoDeliveryId_IsRefused_AndARenterIsForbidden(string id)
    {
        Assert.Equal(QueryStatus.BadRequest, (await _queries.RedeliverAsync(Ops, id, CancellationToken.None)).Status);
        Assert.Equal(QueryStatus.Forbidden, (await _queries.RedeliverAsync(new Identity("r", Role.None), new string('0', 32), CancellationToken.None)).Status);
    }

    [Fact]
    public void Cursors_RoundTrip_AndGarbageIsRefusedWithoutThrowing()
    {
        var position = new OutboxPosition(1_700_000_000_123, "car-0001", "overspeed-1", "ops \"quoted\"", Channel.Email);
        Assert.True(OutboxPosition.TryParse(position.ToCursor(), out OutboxPosition? read));
        Assert.Equal(position, read);

        var random = new Random(1616);
        string cursor = position.ToCursor();
        for (int i = 0; i < 5000; i++)
        {
            char[] mutated = cursor.ToCharArray();
            mutated[random.Next(mutated.Length)] = (char)random.Next(32, 127);
            string garbage = random.Next(4) == 0 ? new string(mutated, 0, random.Next(mutated.Length)) : new string(mutated);
            if (OutboxPosition.TryParse(garbage, out OutboxPosition? p))
            {
                Assert.True(p!.CreatedMs >= 0);
                Assert.True(Enum.IsDefined(p.Channel));
            }
        }

        Assert.False(OutboxPosition.TryParse(new string('A', OutboxPosition.MaxCursorLength + 1), out _));
        Assert.False(OutboxPosition.TryParse(null, out _));
    }
}
