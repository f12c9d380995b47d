using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Derive.Events;
using Tracker.Cloud.Notify.Subscriptions;
using Tracker.Cloud.Sqlite;

namespace Tracker.Cloud.Notify.Tests;

/// <summary>
/// Editing a subscription through the API's service (what the web app's form sends): the secret, never shown, is kept
/// when an edit leaves it out; a paused subscription is kept and matches nothing; bad values are refused with a reason.
/// </summary>
public sealed class SubscriptionEditTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "0123456789abcdef-secret";
    private static readonly Identity Ops = new("ops", Role.Operator);
    private readonly TempFolder _folder = new("tracker-subscription-edit-");
    private SqliteNotifyStore _store = null!;
    private SubscriptionQueries _queries = null!;

    public async Task InitializeAsync()
    {
        SqliteStore store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = _folder.Combine("store.db") }, CancellationToken.None);
        _store = await SqliteNotifyStore.OpenAsync(store, CancellationToken.None);
        _queries = new SubscriptionQueries(_store, _store, WebhookTargetPolicy.Public);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task AnEditWithoutTheSecret_KeepsTheStoredOne_AndANewSecretReplacesIt()
    {
        Assert.Equal(QueryStatus.Ok, (await PutAsync("ops", "{\"name\":\"Ops\",\"webhook\":{\"url\":\"https://hooks.example.com/a\",\"secret\":\"" + Secret + "\"}}")).Status);

        QueryResult<Subscription> edited = await PutAsync("ops", "{\"name\":\"Ops night\",\"types\":[\"overspeed\"],\"webhook\":{\"url\":\"https://hooks.example.com/b\"}}");

        Assert.Equal(QueryStatus.Ok, edited.Status);
        Assert.Null(edited.Value!.WebhookSecret); // never returned
        Subscription stored = Assert.Single(await _store.ListSubscriptionsAsync(CancellationToken.None));
        Assert.Equal(Secret, stored.WebhookSecret);
        Assert.Equal("Ops night", stored.Name);
        Assert.Equal("https://hooks.example.com/b", stored.WebhookUrl!.AbsoluteUri);

        Assert.Equal(QueryStatus.Ok, (await PutAsync("ops", "{\"name\":\"Ops\",\"webhook\":{\"url\":\"https://hooks.example.com/b\",\"secret\":\"another-secret-0123\"}}")).Status);
        Assert.Equal("another-secret-0123", Assert.Single(await _store.ListSubscriptionsAsync(CancellationToken.None)).WebhookSecret);
    }

    [Fact]
    public async Task ANewWebhookWithoutASecret_IsRefused_AndNothingIsStored()
    {
        QueryResult<Subscription> refused = await PutAsync("new", "{\"name\":\"New\",\"webhook\":{\"url\":\"https://hooks.example.com/a\"}}");

        Assert.Equal(QueryStatus.BadRequest, refused.Status);
        Assert.Contains("secret of 16 to 256", refused.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Empty(await _store.ListSubscriptionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AnotherSubscriptionsSecret_IsNeverBorrowed()
    {
        Assert.Equal(QueryStatus.Ok, (await PutAsync("a", "{\"name\":\"A\",\"webhook\":{\"url\":\"https://hooks.example.com/a\",\"secret\":\"" + Secret + "\"}}")).Status);

        Assert.Equal(QueryStatus.BadRequest, (await PutAsync("b", "{\"name\":\"B\",\"webhook\":{\"url\":\"https://hooks.example.com/a\"}}")).Status);
    }

    [Fact]
    public async Task APausedSubscription_IsKept_AndMatchesNoEvent_UntilEnabledAgain()
    {
        var e = new FleetEvent { CarId = "car-1", Type = EventType.Overspeed, EpisodeStartMs = 1_000 };
        Assert.Equal(QueryStatus.Ok, (await PutAsync("mail", "{\"name\":\"Mail\",\"email\":\"ops@example.com\",\"enabled\":false}")).Status);

        Subscription paused = Assert.Single(await _store.ListSubscriptionsAsync(CancellationToken.None));
        Assert.True(paused.Paused);
        Assert.False(paused.Matches(e));

        Assert.Equal(QueryStatus.Ok, (await PutAsync("mail", "{\"name\":\"Mail\",\"email\":\"ops@example.com\"}")).Status);
        Subscription resumed = Assert.Single(await _store.ListSubscriptionsAsync(CancellationToken.None));
        Assert.False(resumed.Paused);
        Assert.True(resumed.Matches(e));
    }

    [Theory]
    [InlineData("{\"name\":\"X\",\"email\":\"ops@example.com\",\"enabled\":\"no\"}", "enabled must be true or false")]
    [InlineData("{\"name\":\"X\",\"email\":\"ops@example.com\",\"enabled\":1}", "enabled must be true or false")]
    [InlineData("{\"name\":\"X\",\"email\":\"ops@example.com\",\"enabled\":null}", "enabled must be true or false")]
    [InlineData("{\"name\":\"X\",\"webhook\":{\"url\":\"https://hooks.example.com/a\",\"secret\":5}}", "wrong JSON type")]
    [InlineData("{\"name\":\"X\",\"webhook\":{\"secret\":\"0123456789abcdef\"}}", "wrong JSON type")]
    public async Task MalformedEdits_AreRefusedWithAReason(string body, string reason)
    {
        QueryResult<Subscription> refused = await PutAsync("x", body);

        Assert.Equal(QueryStatus.BadRequest, refused.Status);
        Assert.Contains(reason, refused.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Empty(await _store.ListSubscriptionsAsync(CancellationToken.None));
    }

    [Fact]
    public void AStoredSubscriptionFromBeforePausing_ReadsAsNotPaused()
    {
        Assert.False(SubscriptionJson.Read("{\"id\":\"old\",\"name\":\"Old\",\"email\":\"ops@example.com\"}").Paused);
        Assert.True(SubscriptionJson.Read(SubscriptionJson.Write(new Subscription { Id = "p", Name = "P", Email = "ops@example.com", Paused = true })).Paused);
    }

    private Task<QueryResult<Subscription>> PutAsync(string id, string json) => _queries.PutAsync(Ops, id, json, CancellationToken.None);
}
