using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Notify.Outbox;

/// <summary>How an entry goes out.</summary>
public enum Channel
{
    /// <summary>An HTTP POST to the subscription's webhook.</summary>
    Webhook,

    /// <summary>An e-mail to the subscription's address.</summary>
    Email,
}

/// <summary>Where an entry stands.</summary>
public enum OutboxState
{
    /// <summary>To be sent (again) at <see cref="OutboxEntry.NextAttemptMs"/>.</summary>
    Pending,

    /// <summary>Sent: the receiver accepted it.</summary>
    Delivered,

    /// <summary>Given up after the last attempt; kept, with the last error, for the operators to see.</summary>
    Failed,
}

/// <summary>
/// One notification: one event for one subscription by one channel, keyed on (car, event id, subscription, channel), so
/// fanning an event out again writes nothing new. The payload is fixed when it is made.
/// </summary>
public sealed record OutboxEntry
{
    /// <summary>The car.</summary>
    public required string CarId { get; init; }

    /// <summary>The event's id.</summary>
    public required string EventId { get; init; }

    /// <summary>The subscription.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>The channel.</summary>
    public required Channel Channel { get; init; }

    /// <summary>The webhook URL or e-mail address.</summary>
    public required string Target { get; init; }

    /// <summary>The event as JSON (<see cref="Derive.Api.EventJson"/>).</summary>
    public required string Payload { get; init; }

    /// <summary>A short line for an e-mail subject.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>Where it stands.</summary>
    public OutboxState State { get; init; } = OutboxState.Pending;

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due, UTC epoch ms.</summary>
    public long NextAttemptMs { get; init; }

    /// <summary>What the last failed attempt said, or null.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was made.</summary>
    public long CreatedMs { get; init; }

    /// <summary>When it was delivered, or null.</summary>
    public long? DeliveredMs { get; init; }

    /// <summary>
    /// The delivery's id, the same on every attempt and after a restart: receivers drop a repeat by it (a webhook's
    /// <c>X-Tracker-Delivery</c>, an e-mail's Message-ID). Sending is at least once; with this id it is effectively once.
    /// </summary>
    public string DeliveryId => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CarId + "\n" + EventId + "\n" + SubscriptionId + "\n" + Channel)).AsSpan(0, 16));
}
