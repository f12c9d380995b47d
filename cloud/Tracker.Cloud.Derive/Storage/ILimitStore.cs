using Tracker.Cloud.Derive.Limits;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>Where the fleet's, cars' and rentals' thresholds are kept (<see cref="LimitSetting"/>).</summary>
public interface ILimitStore
{
    /// <summary>Every setting.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The settings.</returns>
    Task<IReadOnlyList<LimitSetting>> ListLimitsAsync(CancellationToken cancellationToken);

    /// <summary>Stores a setting, replacing the one of the same scope and id; an empty one removes it.</summary>
    /// <param name="setting">The setting.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The task.</returns>
    Task PutLimitAsync(LimitSetting setting, CancellationToken cancellationToken);
}
