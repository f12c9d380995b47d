using Tracker.Cloud.Derive.Engine;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>Builds a car's <see cref="DeriveContext"/> (zones, rentals, speed limits) for a step.</summary>
public interface IDeriveContextSource
{
    /// <summary>The context for one car.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The context.</returns>
    Task<DeriveContext> GetContextAsync(string carId, CancellationToken cancellationToken);
}
