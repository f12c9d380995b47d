using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Notify.Subscriptions;

/// <summary>
/// Who is told of what: events of <see cref="Types"/> (all when empty) of the cars in <see cref="Cars"/> (the car group;
/// every car when empty), sent to a webhook or an e-mail address. <see cref="SubscriptionValidator"/> judges one.
/// </summary>
public sealed record Subscription
{
    /// <summary>The id (1 to 64 characters of letters, digits, '-' and '_').</summary>
    public required string Id { get; init; }

    /// <summary>A name for people.</summary>
    public required string Name { get; init; }

    /// <summary>Event types; empty for every type.</summary>
    public IReadOnlyList<EventType> Types { get; init; } = [];

    /// <summary>The car group: car ids; empty for every car.</summary>
    public IReadOnlyList<string> Cars { get; init; } = [];

    /// <summary>The webhook, or null.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>The webhook's HMAC-SHA256 key (at least 16 characters), or null without a webhook.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>The e-mail address, or null.</summary>
    public string? Email { get; init; }

    /// <summary>
    /// True while paused (the API's <c>"enabled": false</c>): kept with its secret, but told of nothing; events meanwhile
    /// are not sent later. Stored as "paused" so that a subscription stored before it existed reads as not paused.
    /// </summary>
    public bool Paused { get; init; }

    /// <summary>True when an event of this car and type is for this subscription (never while it is paused).</summary>
    /// <param name="e">The event.</param>
    /// <returns>True when it matches.</returns>
    public bool Matches(FleetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return !Paused && (Types.Count == 0 || Types.Contains(e.Type)) && (Cars.Count == 0 || Cars.Contains(e.CarId, StringComparer.Ordinal));
    }
}
