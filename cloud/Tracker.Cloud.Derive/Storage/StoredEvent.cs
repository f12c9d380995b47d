using Tracker.Cloud.Derive.Events;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>An event as stored: the event, whether a replay withdrew it, and who acknowledged it.</summary>
/// <param name="Event">The event's last version.</param>
/// <param name="Withdrawn">True when late data showed it did not happen (kept for the record, hidden by default).</param>
/// <param name="AcknowledgedBy">The operator who acknowledged it, or null.</param>
/// <param name="AcknowledgedMs">When, UTC epoch ms, or null.</param>
public sealed record StoredEvent(FleetEvent Event, bool Withdrawn, string? AcknowledgedBy, long? AcknowledgedMs);
