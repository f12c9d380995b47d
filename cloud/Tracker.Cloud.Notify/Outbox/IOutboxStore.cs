using Tracker.Cloud.Derive.Storage;

namespace Tracker.Cloud.Notify.Outbox;

/// <summary>
/// The outbox port. Events are announced from the event store (confirmed, not withdrawn, not yet announced) into
/// entries in one atomic step, so a notifier that dies loses nothing and a repeat writes nothing twice.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Stored events that stand (not pending, not withdrawn) and have not been announced, oldest first.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<StoredEvent>> UnannouncedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Adds the entries (ignoring any already there) and marks the events announced, atomically.</summary>
    /// <param name="events">The events announced.</param>
    /// <param name="entries">Their entries (none when no subscription matched).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The task.</returns>
    Task AnnounceAsync(IReadOnlyList<StoredEvent> events, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>Pending entries due at <paramref name="nowMs"/>, oldest first.</summary>
    /// <param name="nowMs">Now.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<OutboxEntry>> DueAsync(long nowMs, int limit, CancellationToken cancellationToken);

    /// <summary>Records an attempt's outcome (state, attempts, next attempt, error, delivery time).</summary>
    /// <param name="entry">The entry as it now stands.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The task.</returns>
    Task RecordAsync(OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries in a state, newest first (the operators' view of failures).</summary>
    /// <param name="state">The state.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxState state, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Entries in a state listed after <paramref name="after"/> (all when null), in <see cref="OutboxPosition.Compare"/>'s
    /// order: newest first, ties by the key. The operators' view, a page at a time.
    /// </summary>
    /// <param name="state">The state.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="after">The previous page's last entry, or null for the first page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<OutboxEntry>> ListAsync(OutboxState state, int limit, OutboxPosition? after, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a failed entry again (an operator's redelivery, once the receiver is fixed): pending, with a fresh budget of
    /// attempts, due at <paramref name="nowMs"/>, its last error kept until the next attempt. Only a failed entry moves, so
    /// two operators pressing at once make one redelivery.
    /// </summary>
    /// <param name="deliveryId">The entry's delivery id.</param>
    /// <param name="nowMs">Now.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The entry as it now stands, or null when no failed entry has that id.</returns>
    Task<OutboxEntry?> RedeliverAsync(string deliveryId, long nowMs, CancellationToken cancellationToken);
}
