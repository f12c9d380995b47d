using Microsoft.Data.Sqlite;
using Tracker.Cloud.Derive.Storage;
using Tracker.Cloud.Notify.Outbox;
using Tracker.Cloud.Notify.Subscriptions;

namespace Tracker.Cloud.Sqlite;

/// <summary>
/// The embedded adapter of the notification ports, in the same file as the events: subscriptions, and the outbox, keyed
/// (car, event id, subscription, channel). Announcing inserts the entries (ignoring any already there) and flags the
/// events in one transaction, so a crash between the two cannot lose or double a notification.
/// </summary>
public sealed class SqliteNotifyStore : IOutboxStore, ISubscriptionStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS subscriptions (
            subscription_id TEXT NOT NULL PRIMARY KEY,
            body            TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS outbox (
            car_id          TEXT    NOT NULL,
            event_id        TEXT    NOT NULL,
            subscription_id TEXT    NOT NULL,
            channel         INTEGER NOT NULL,
            target          TEXT    NOT NULL,
            payload         TEXT    NOT NULL,
            summary         TEXT    NOT NULL,
            state           INTEGER NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_ms INTEGER NOT NULL,
            last_error      TEXT,
            created_ms      INTEGER NOT NULL,
            delivered_ms    INTEGER,
            PRIMARY KEY (car_id, event_id, subscription_id, channel)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_ms);
        """;

    private const string Columns = "car_id, event_id, subscription_id, channel, target, payload, summary, state, attempts, next_attempt_ms, last_error, created_ms, delivered_ms";

    private readonly SqliteStore _store;

    private SqliteNotifyStore(SqliteStore store) => _store = store;

    /// <summary>Opens the tables in the store's file (after <see cref="SqliteDeriveStore.OpenAsync"/>, whose events it reads).</summary>
    /// <param name="store">The fix store.</param>
    /// <param name="cancellationToken">Cancels the set-up.</param>
    /// <returns>The store.</returns>
    public static async Task<SqliteNotifyStore> OpenAsync(SqliteStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await SqliteDeriveStore.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SqliteStore.ExecuteAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
        return new SqliteNotifyStore(store);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredEvent>> UnannouncedAsync(int limit, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT " + SqliteDeriveStore.EventColumns + " FROM events WHERE announced = 0 AND pending = 0 AND withdrawn = 0 ORDER BY episode_start LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        List<StoredEvent> events = [];
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(SqliteDeriveStore.ReadEvent(reader));
        }

        return events;
    }

    /// <inheritdoc/>
    public async Task AnnounceAsync(IReadOnlyList<StoredEvent> events, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(entries);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (OutboxEntry entry in entries)
        {
            await using SqliteCommand insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO outbox (" + Columns + ") VALUES ($car, $event, $sub, $channel, $target, $payload, $summary, $state, $attempts, $next, $error, $created, $delivered);";
            Bind(insert, entry);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (StoredEvent e in events)
        {
            await using SqliteCommand mark = connection.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "UPDATE events SET announced = 1 WHERE car_id = $car AND event_id = $id;";
            mark.Parameters.AddWithValue("$car", e.Event.CarId);
            mark.Parameters.AddWithValue("$id", e.Event.Key.Id);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxEntry>> DueAsync(long nowMs, int limit, CancellationToken cancellationToken) =>
        ReadAsync("SELECT " + Columns + " FROM outbox WHERE state = 0 AND next_attempt_ms <= $now ORDER BY next_attempt_ms LIMIT $limit;", c =>
        {
            c.Parameters.AddWithValue("$now", nowMs);
            c.Parameters.AddWithValue("$limit", limit);
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task RecordAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET state = $state, attempts = $attempts, next_attempt_ms = $next, last_error = $error, delivered_ms = $delivered "
            + "WHERE car_id = $car AND event_id = $event AND subscription_id = $sub AND channel = $channel;";
        Bind(command, entry);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxState state, int limit, CancellationToken cancellationToken) =>
        ListAsync(state, limit, null, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxState state, int limit, OutboxPosition? after, CancellationToken cancellationToken) =>
        ReadAsync(
            "SELECT " + Columns + " FROM outbox WHERE state = $state"
            + (after is null ? string.Empty : " AND (created_ms, car_id, event_id, subscription_id, channel) < ($created, $car, $event, $sub, $channel)")
            + " ORDER BY created_ms DESC, car_id DESC, event_id DESC, subscription_id DESC, channel DESC LIMIT $limit;",
            c =>
            {
                c.Parameters.AddWithValue("$state", (int)state);
                c.Parameters.AddWithValue("$limit", limit);
                if (after is not null)
                {
                    c.Parameters.AddWithValue("$created", after.CreatedMs);
                    c.Parameters.AddWithValue("$car", after.CarId);
                    c.Parameters.AddWithValue("$event", after.EventId);
                    c.Parameters.AddWithValue("$sub", after.SubscriptionId);
                    c.Parameters.AddWithValue("$channel", (int)after.Channel);
                }
            },
            cancellationToken);

    /// <inheritdoc/>
    public async Task<OutboxEntry?> RedeliverAsync(string deliveryId, long nowMs, CancellationToken cancellationToken)
    {
        // The delivery id is a hash of the key, not a column: found among the failed entries (the operators' list).
        OutboxEntry? failed = (await ReadAsync("SELECT " + Columns + " FROM outbox WHERE state = $state;", c => c.Parameters.AddWithValue("$state", (int)OutboxState.Failed), cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(e => string.Equals(e.DeliveryId, deliveryId, StringComparison.Ordinal));
        if (failed is null)
        {
            return null;
        }

        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "UPDATE outbox SET state = $pending, attempts = 0, next_attempt_ms = $now "
            + "WHERE car_id = $car AND event_id = $event AND subscription_id = $sub AND channel = $channel AND state = $failed;";
        command.Parameters.AddWithValue("$pending", (int)OutboxState.Pending);
        command.Parameters.AddWithValue("$failed", (int)OutboxState.Failed);
        command.Parameters.AddWithValue("$now", nowMs);
        command.Parameters.AddWithValue("$car", failed.CarId);
        command.Parameters.AddWithValue("$event", failed.EventId);
        command.Parameters.AddWithValue("$sub", failed.SubscriptionId);
        command.Parameters.AddWithValue("$channel", (int)failed.Channel);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
            ? failed with { State = OutboxState.Pending, Attempts = 0, NextAttemptMs = nowMs }
            : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM subscriptions ORDER BY subscription_id;";
        List<Subscription> all = [];
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            all.Add(SubscriptionJson.Read(reader.GetString(0)));
        }

        return all;
    }

    /// <inheritdoc/>
    public async Task PutSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "INSERT INTO subscriptions (subscription_id, body) VALUES ($id, $body) ON CONFLICT (subscription_id) DO UPDATE SET body = excluded.body;";
        command.Parameters.AddWithValue("$id", subscription.Id);
        command.Parameters.AddWithValue("$body", SubscriptionJson.Write(subscription));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        using WriteTurn turn = await _store.TakeWriteTurnAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "DELETE FROM subscriptions WHERE subscription_id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static void Bind(SqliteCommand command, OutboxEntry e)
    {
        command.Parameters.AddWithValue("$car", e.CarId);
        command.Parameters.AddWithValue("$event", e.EventId);
        command.Parameters.AddWithValue("$sub", e.SubscriptionId);
        command.Parameters.AddWithValue("$channel", (int)e.Channel);
        command.Parameters.AddWithValue("$target", e.Target);
        command.Parameters.AddWithValue("$payload", e.Payload);
        command.Parameters.AddWithValue("$summary", e.Summary);
        command.Parameters.AddWithValue("$state", (int)e.State);
        command.Parameters.AddWithValue("$attempts", e.Attempts);
        command.Parameters.AddWithValue("$next", e.NextAttemptMs);
        command.Parameters.AddWithValue("$error", (object?)e.LastError ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", e.CreatedMs);
        command.Parameters.AddWithValue("$delivered", (object?)e.DeliveredMs ?? DBNull.Value);
    }

    private async Task<IReadOnlyList<OutboxEntry>> ReadAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using SqliteConnection connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        List<OutboxEntry> entries = [];
        await using SqliteDataReader r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new OutboxEntry
            {
                CarId = r.GetString(0),
                EventId = r.GetString(1),
                SubscriptionId = r.GetString(2),
                Channel = (Channel)r.GetInt32(3),
                Target = r.GetString(4),
                Payload = r.GetString(5),
                Summary = r.GetString(6),
                State = (OutboxState)r.GetInt32(7),
                Attempts = r.GetInt32(8),
                NextAttemptMs = r.GetInt64(9),
                LastError = r.IsDBNull(10) ? null : r.GetString(10),
                CreatedMs = r.GetInt64(11),
                DeliveredMs = r.IsDBNull(12) ? null : r.GetInt64(12),
            });
        }

        return entries;
    }
}
