using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Notify.Tests;

/// <summary>
/// <c>GET /notifications</c>'s pages over SQLite: newest first, a page at a time by cursor, every entry once even when many
/// share a millisecond; a cursor or limit the API did not give is refused with a reason.
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
