using Tracker.Cloud.Derive.Observations;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>A car's stored fixes and statuses from a fix time on: what a rewind replays.</summary>
public interface IObservationSource
{
    /// <summary>The car's stored observations with ts at or after <paramref name="fromTs"/>, any order.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="fromTs">Fix time (<see cref="long.MinValue"/> for all).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The observations.</returns>
    Task<IReadOnlyList<Observation>> ReadFromAsync(string carId, long fromTs, CancellationToken cancellationToken);
}
