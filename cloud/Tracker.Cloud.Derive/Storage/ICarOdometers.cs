using Tracker.Cloud.Derive.Engine;

namespace Tracker.Cloud.Derive.Storage;

/// <summary>
/// A car's odometer as the Derive stage last left it (issue 17), for the API to show beside the car's position. A plain
/// read: it never runs or repairs a step, so the API needs no write access to the Derive stage's state.
/// </summary>
public interface ICarOdometers
{
    /// <summary>The car's odometer at the newest fix Derive applied, or null for a car never derived.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The odometer, or null.</returns>
    Task<CarOdometer?> GetOdometerAsync(string carId, CancellationToken cancellationToken);
}

/// <summary>The Derive stage's odometer at a fix.</summary>
/// <param name="Ts">The fix time of the newest fix Derive applied, UTC epoch ms.</param>
/// <param name="ValueM">The odometer at that fix, m.</param>
public sealed record CarOdometer(long Ts, long ValueM)
{
    /// <summary>The odometer a car's state holds, or null when it has none.</summary>
    /// <param name="car">The state, or null.</param>
    /// <returns>The odometer, or null.</returns>
    public static CarOdometer? Of(CarDerivation? car) =>
        car?.States.Track.Last is { OdometerM: { } value } last ? new CarOdometer(last.Ts, value) : null;
}
