using Tracker.Core.Fixes;

namespace Tracker.Cloud.Core.Ingest;

/// <summary>
/// The named ingest filters for dirty GNSS data (DESIGN.md, "The data path", step 6), in the style of traccar's
/// FilterHandler: one small predicate per filter, each false when its filter is switched off
/// (<see cref="IngestOptions.DisabledFilters"/>), and <see cref="FirstRejecting"/> naming the first that rejects a
/// fix, in the order of <see cref="FixFilter"/>. The web app applies the same predicates, with the same thresholds
/// (cloud/Tracker.Cloud.Web/src/filters.js, from the <c>carRules</c> of its config.json), to the live fixes it shows.
/// </summary>
/// <remarks>
/// Two kinds: <see cref="Invalid"/>, <see cref="Zero"/>, <see cref="Future"/>, <see cref="Past"/> and
/// <see cref="Accuracy"/> look at a fix alone; <see cref="DuplicateInBatch"/> and <see cref="MaxSpeed"/> look at it next
/// to the car's previous fix (ingest runs them in time order, after the first kind). <c>duplicate</c> is also what the
/// store answers for a fix it holds already (<see cref="Storage.AppendResult.Duplicates"/>).
/// </remarks>
public sealed class FixFilterHandler
{
    private const int MaxLatE7 = 900_000_000;
    private const int MaxLonE7 = 1_800_000_000;

    private readonly IngestOptions _options;
    private readonly long _latestAllowedMs;
    private readonly long _oldestAllowedMs;

    /// <summary>Creates the filters for fixes ingested at <paramref name="nowMs"/>.</summary>
    /// <param name="options">Which filters run, and their thresholds (validated by the caller).</param>
    /// <param name="nowMs">The ingest clock, UTC epoch ms (<c>future</c> and <c>past</c> compare with it).</param>
    public FixFilterHandler(IngestOptions options, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _latestAllowedMs = nowMs + (long)options.MaxFutureSkew.TotalMilliseconds;
        _oldestAllowedMs = nowMs - (long)options.Retention.TotalMilliseconds;
    }

    /// <summary>The first filter of those that look at a fix alone that rejects it, or null when it passes them all.</summary>
    /// <param name="fix">The fix.</param>
    /// <returns><see cref="FixFilter.Invalid"/>, <see cref="FixFilter.Zero"/>, <see cref="FixFilter.Future"/>, <see cref="FixFilter.Past"/>, <see cref="FixFilter.Accuracy"/> or null.</returns>
    public FixFilter? FirstRejecting(in Fix fix)
    {
        if (Invalid(fix))
        {
            return FixFilter.Invalid;
        }

        if (Zero(fix))
        {
            return FixFilter.Zero;
        }

        if (Future(fix))
        {
            return FixFilter.Future;
        }

        if (Past(fix))
        {
            return FixFilter.Past;
        }

        return Accuracy(fix) ? FixFilter.Accuracy : null;
    }

    /// <summary>
    /// <c>invalid</c>: a field outside its domain (latitude beyond ±90°, longitude beyond ±180°, no time, mode not 2D/3D,
    /// quality not 1..8, a negative speed, HDOP or satellite count, a course outside 0..359.99°). The wire decoder
    /// refuses most of these already (<c>FieldOutOfRange</c>); this guards fixes from other sources.
    /// </summary>
    /// <param name="fix">The fix.</param>
    /// <returns>True to reject.</returns>
    public bool Invalid(in Fix fix) => On(FixFilter.Invalid) && !InDomain(fix);

    /// <summary><c>zero</c>: exactly 0,0, the classic "empty field became zero" receiver bug (the Gulf of Guinea is not where the fleet drives).</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>True to reject.</returns>
    public bool Zero(in Fix fix) => On(FixFilter.Zero) && fix.LatE7 == 0 && fix.LonE7 == 0;

    /// <summary><c>future</c>: more than <see cref="IngestOptions.MaxFutureSkew"/> ahead of the ingest clock.</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>True to reject.</returns>
    public bool Future(in Fix fix) => On(FixFilter.Future) && fix.TimeMs > _latestAllowedMs;

    /// <summary><c>past</c>: older than <see cref="IngestOptions.Retention"/>; storing it would only let the TTL delete it.</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>True to reject.</returns>
    public bool Past(in Fix fix) => On(FixFilter.Past) && fix.TimeMs < _oldestAllowedMs;

    /// <summary><c>accuracy</c>: HDOP above <see cref="IngestOptions.MaxHdopX100"/>; an unknown HDOP passes.</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>True to reject.</returns>
    public bool Accuracy(in Fix fix) => On(FixFilter.Accuracy) && fix.HdopX100 != Fix.Unknown && fix.HdopX100 > _options.MaxHdopX100;

    /// <summary>
    /// <c>duplicate</c> within a batch: the same time as the fix before it in time order. The store is keyed on
    /// (car, ts), so a second fix with that time can never be kept (and DynamoDB's BatchWriteItem refuses the same key
    /// twice in one request); the first one wins. Always on.
    /// </summary>
    /// <param name="fix">The fix.</param>
    /// <param name="before">The fix before it in the batch, in time order.</param>
    /// <returns>True to reject.</returns>
    public static bool DuplicateInBatch(in Fix fix, in Fix before) => fix.TimeMs == before.TimeMs;

    /// <summary>
    /// <c>max-speed</c>: reaching this fix from the car's previous accepted fix, <paramref name="distanceCm"/> away and
    /// <paramref name="elapsedMs"/> earlier, would need more than <see cref="IngestOptions.MaxSpeedKmh"/>. The previous
    /// accepted fix stays the reference, so one outlier does not drag the fixes after it.
    /// </summary>
    /// <param name="distanceCm">The distance, cm, as the firmware's <see cref="Tracker.Core.Common.GeoMath"/> measures it.</param>
    /// <param name="elapsedMs">The time between the two fixes, ms; a fix at the same time or earlier is not judged.</param>
    /// <returns>True to reject.</returns>
    public bool MaxSpeed(long distanceCm, long elapsedMs)
    {
        // km/h = (cm / 100 000) / (ms / 3 600 000) = cm · 36 / ms. distanceCm stays below 5e9, so no overflow.
        return On(FixFilter.MaxSpeed) && elapsedMs > 0 && distanceCm * 36 > (long)_options.MaxSpeedKmh * elapsedMs;
    }

    private bool On(FixFilter filter) => _options.IsEnabled(filter);

    private static bool InDomain(in Fix fix) =>
        fix.TimeMs > 0
        && fix.LatE7 is >= -MaxLatE7 and <= MaxLatE7
        && fix.LonE7 is >= -MaxLonE7 and <= MaxLonE7
        && fix.Mode is FixMode.TwoD or FixMode.ThreeD
        && (int)fix.Quality is >= 1 and <= 8
        && (fix.SpeedMmps == Fix.Unknown || fix.SpeedMmps >= 0)
        && (fix.CourseCdeg == Fix.Unknown || fix.CourseCdeg is >= 0 and < 36_000)
        && (fix.HdopX100 == Fix.Unknown || fix.HdopX100 >= 0)
        && (fix.Satellites == Fix.Unknown || fix.Satellites >= 0);
}
