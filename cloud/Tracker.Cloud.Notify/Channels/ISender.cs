using Tracker.Cloud.Notify.Outbox;

namespace Tracker.Cloud.Notify.Channels;

/// <summary>Sends one outbox entry by its channel.</summary>
public interface ISender
{
    /// <summary>Sends.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>Null when the receiver accepted it, else what went wrong (retried).</returns>
    Task<string?> SendAsync(OutboxEntry entry, CancellationToken cancellationToken);
}
