using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>Cars' statuses, kept with the fixes' retention, keyed on (car, ts): what the Derive stage reads besides fixes.</summary>
public interface IStatusStore
{
    /// <summary>Stores a status; one already stored under (car, ts) is kept.</summary>
    /// <param name="status">The status.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>True when newly stored, false for a duplicate.</returns>
    Task<bool> AppendStatusAsync(StoredStatus status, CancellationToken cancellationToken);

    /// <summary>The car's statuses with ts at or after <paramref name="fromTs"/>, oldest first.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="fromTs">Fix time.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The statuses.</returns>
    Task<IReadOnlyList<StoredStatus>> ReadStatusesFromAsync(string carId, long fromTs, CancellationToken cancellationToken);
}
