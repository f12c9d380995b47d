using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Query;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Notify;

/// <summary>The API's side of notifications: subscriptions and the outbox's failures, for operators only.</summary>
/// <param name="subscriptions">The subscriptions.</param>
/// <param name="outbox">The outbox.</param>
/// <param name="policy">Where webhooks may point (public on AWS).</param>
/// <param name="clock">"Now" for a redelivery; null for the system's.</param>
public sealed class SubscriptionQueries(ISubscriptionStore subscriptions, IOutboxStore outbox, WebhookTargetPolicy policy, TimeProvider? clock = null)
{
    /// <summary>Every subscription (webhook secrets are never returned).</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The subscriptions, or forbidden.</returns>
    public async Task<QueryResult<IReadOnlyList<Subscription>>> ListAsync(Identity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsOperator
            ? QueryResult<IReadOnlyList<Subscription>>.Ok([.. (await subscriptions.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false)).Select(s => s with { WebhookSecret = null })])
            : QueryResult<IReadOnlyList<Subscription>>.Fail(QueryStatus.Forbidden, "subscriptions are for fleet operators");
    }

    /// <summary>Creates or replaces a subscription from its JSON; a webhook given without a secret keeps the stored one.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="id">The path's id.</param>
    /// <param name="json">The body.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The subscription (without its secret), or bad request with the reason, or forbidden.</returns>
    public async Task<QueryResult<Subscription>> PutAsync(Identity caller, string id, string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<Subscription>.Fail(QueryStatus.Forbidden, "subscriptions are for fleet operators");
        }

        string? storedSecret = (await subscriptions.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal))?.WebhookSecret;
        if (!SubscriptionParser.TryParse(id, json, policy, storedSecret, out Subscription? subscription, out string problem))
        {
            return QueryResult<Subscription>.Invalid([new ParameterError("subscription", problem)]);
        }

        await subscriptions.PutSubscriptionAsync(subscription!, cancellationToken).ConfigureAwait(false);
        return QueryResult<Subscription>.Ok(subscription! with { WebhookSecret = null });
    }

    /// <summary>Deletes a subscription.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True, or forbidden / not found.</returns>
    public async Task<QueryResult<bool>> DeleteAsync(Identity caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<bool>.Fail(QueryStatus.Forbidden, "subscriptions are for fleet operators");
        }

        return await subscriptions.DeleteSubscriptionAsync(id, cancellationToken).ConfigureAwait(false)
            ? QueryResult<bool>.Ok(true)
            : QueryResult<bool>.Fail(QueryStatus.NotFound, "no such subscription");
    }

    /// <summary>The most notifications one page lists.</summary>
    public const int MaxPage = 200;

    /// <summary>Notifications in a state (the failed ones, to show), newest first.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, or forbidden.</returns>
    public async Task<QueryResult<IReadOnlyList<OutboxEntry>>> ListNotificationsAsync(Identity caller, OutboxState state, CancellationToken cancellationToken)
    {
        QueryResult<NotificationPage> page = await ListNotificationsAsync(caller, state, MaxPage, null, cancellationToken).ConfigureAwait(false);
        return page.Status == QueryStatus.Ok
            ? QueryResult<IReadOnlyList<OutboxEntry>>.Ok(page.Value!.Entries)
            : new QueryResult<IReadOnlyList<OutboxEntry>>(page.Status, null, page.Detail, page.Errors);
    }

    /// <summary>A page of notifications in a state, newest first, and the cursor of the next page.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="state">The state.</param>
    /// <param name="limit">At most this many (1 to <see cref="MaxPage"/>).</param>
    /// <param name="cursor">The previous page's <see cref="NotificationPage.NextCursor"/>, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, or bad request (limit, cursor), or forbidden.</returns>
    public async Task<QueryResult<NotificationPage>> ListNotificationsAsync(Identity caller, OutboxState state, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<NotificationPage>.Fail(QueryStatus.Forbidden, "notifications are for fleet operators");
        }

        if (limit is < 1 or > MaxPage)
        {
            return QueryResult<NotificationPage>.Invalid([new ParameterError("limit", "must be a whole number from 1 to " + MaxPage)]);
        }

        OutboxPosition? after = null;
        if (cursor is not null && !OutboxPosition.TryParse(cursor, out after))
        {
            return QueryResult<NotificationPage>.Invalid([new ParameterError("cursor", "is not a cursor this API gave (use the nextCursor of the previous page)")]);
        }

        IReadOnlyList<OutboxEntry> read = await outbox.ListAsync(state, limit + 1, after, cancellationToken).ConfigureAwait(false);
        return read.Count > limit
            ? QueryResult<NotificationPage>.Ok(new NotificationPage([.. read.Take(limit)], OutboxPosition.Of(read[limit - 1]).ToCursor()))
            : QueryResult<NotificationPage>.Ok(new NotificationPage(read, null));
    }

    /// <summary>Sends a failed notification again (<c>POST /notifications/{deliveryId}/redeliver</c>), once its receiver is fixed.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="deliveryId">The notification's delivery id (32 hexadecimal digits).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The notification, pending again and due now; or bad request, not found (no failed one of that id), forbidden.</returns>
    public async Task<QueryResult<OutboxEntry>> RedeliverAsync(Identity caller, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
        {
            return QueryResult<OutboxEntry>.Fail(QueryStatus.Forbidden, "notifications are for fleet operators");
        }

        if (deliveryId is not { Length: 32 } || !deliveryId.All(char.IsAsciiHexDigitLower))
        {
            return QueryResult<OutboxEntry>.Invalid([new ParameterError("deliveryId", "must be a notification's deliveryId (32 lower-case hexadecimal digits)")]);
        }

        long now = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        return await outbox.RedeliverAsync(deliveryId, now, cancellationToken).ConfigureAwait(false) is { } entry
            ? QueryResult<OutboxEntry>.Ok(entry)
            : QueryResult<OutboxEntry>.Fail(QueryStatus.NotFound, "no failed notification has that deliveryId (only a failed one can be redelivered)");
    }
}

/// <summary>A page of notifications.</summary>
/// <param name="Entries">The entries, newest first.</param>
/// <param name="NextCursor">The cursor of the next page, or null when this is the last.</param>
public sealed record NotificationPage(IReadOnlyList<OutboxEntry> Entries, string? NextCursor);
