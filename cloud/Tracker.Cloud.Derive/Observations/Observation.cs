using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Derive.Observations;

/// <summary>
/// One stored fix or one stored status of a car: what the Derive stage folds over, in fix-time order
/// (<see cref="Ts"/>, then statuses before fixes of the same instant, so a fix sees the ignition reported with it).
/// </summary>
public sealed class Observation
{
    private Observation(long ts, long receivedMs, StoredFix? fix, StoredStatus? status)
    {
        Ts = ts;
        ReceivedMs = receivedMs;
        Fix = fix;
        Status = status;
    }

    /// <summary>The fix or status time, UTC epoch ms.</summary>
    public long Ts { get; }

    /// <summary>When the cloud received it, UTC epoch ms (what "late" is measured with).</summary>
    public long ReceivedMs { get; }

    /// <summary>The fix, or null for a status.</summary>
    public StoredFix? Fix { get; }

    /// <summary>The status, or null for a fix.</summary>
    public StoredStatus? Status { get; }

    /// <summary>0 for a status, 1 for a fix: the order of two observations at the same <see cref="Ts"/>.</summary>
    public int Order => Fix is null ? 0 : 1;

    /// <summary>An observation of a stored fix.</summary>
    /// <param name="fix">The fix.</param>
    /// <returns>The observation.</returns>
    public static Observation Of(StoredFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        return new Observation(fix.Ts, fix.ReceivedMs, fix, null);
    }

    /// <summary>An observation of a stored status.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The observation.</returns>
    public static Observation Of(StoredStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new Observation(status.Ts, status.ReceivedMs, null, status);
    }

    /// <summary>Fix-time order: by <see cref="Ts"/>, then <see cref="Order"/>.</summary>
    /// <param name="a">One.</param>
    /// <param name="b">The other.</param>
    /// <returns>Negative, zero or positive.</returns>
    public static int Compare(Observation a, Observation b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int byTs = a.Ts.CompareTo(b.Ts);
        return byTs != 0 ? byTs : a.Order.CompareTo(b.Order);
    }
}
