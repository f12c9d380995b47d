namespace Tracker.Cloud.Core.Ingest;

/// <summary>
/// The named ingest filters for dirty GNSS data (DESIGN.md, "The data path", step 6; the names
/// follow traccar's filters), one predicate each in <see cref="FixFilterHandler"/>. Each can be switched
/// off by its name in <see cref="IngestOptions.DisabledFilters"/>, and every fix a filter rejects is
/// counted under its name in <see cref="IngestResult.Rejected"/>. A fix is counted once, under the first
/// filter that rejects it, in the order declared here.
/// </summary>
public enum FixFilter
{
    /// <summary><c>invalid</c>: a value outside its domain (latitude beyond ±90°, mode not 2D/3D, quality not 1..8, negative speed...).</summary>
    Invalid,

    /// <summary><c>zero</c>: exactly 0,0, the classic "empty field became zero" receiver bug.</summary>
    Zero,

    /// <summary><c>future</c>: more than <see cref="IngestOptions.MaxFutureSkew"/> ahead of the ingest clock.</summary>
    Future,

    /// <summary><c>past</c>: older than <see cref="IngestOptions.Retention"/>; storing it would only let the TTL delete it.</summary>
    Past,

    /// <summary><c>accuracy</c>: HDOP above <see cref="IngestOptions.MaxHdopX100"/> (an unknown HDOP passes).</summary>
    Accuracy,

    /// <summary><c>max-speed</c>: reaching it from the previous accepted fix would need more than <see cref="IngestOptions.MaxSpeedKmh"/>.</summary>
    MaxSpeed,

    /// <summary><c>duplicate</c>: the same timestamp twice in a batch, or already stored (the store's <see cref="Storage.AppendResult.Duplicates"/>).</summary>
    Duplicate,
}
