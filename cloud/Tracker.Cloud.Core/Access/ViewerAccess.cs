using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// The one rule of "may this viewer see this car now" (DESIGN.md, "Serve"): an operator sees every car at any time; a
/// renter sees a car only while a rental of it runs, [from, to). The API (<see cref="AccessPolicy"/>), the browsers' live
/// authorizer on AWS (<see cref="LiveAuthorizer"/>) and the local broker (BrokerPolicy, and its stand-in for IoT Core's
/// custom authorizer) all decide through it, so none can drift from the others. Pure: names, rentals and a time.
/// </summary>
public static class ViewerAccess
{
    /// <summary>May <paramref name="viewer"/> see <paramref name="carId"/> at <paramref name="nowMs"/>?</summary>
    /// <param name="viewer">Who asks.</param>
    /// <param name="rentals">The viewer's rentals (ignored for an operator).</param>
    /// <param name="carId">The car.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>True for an operator, and for a renter with a running rental of the car.</returns>
    public static bool MaySee(Identity viewer, IReadOnlyList<Rental> rentals, string carId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return viewer.IsOperator || (viewer.IsRenter && RunningRental(rentals, carId, nowMs) is not null);
    }

    /// <summary>The running rental of <paramref name="carId"/> that started first, or null when none runs now.</summary>
    /// <param name="rentals">A renter's rentals.</param>
    /// <param name="carId">The car.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>The rental whose window the viewer sees, or null.</returns>
    public static Rental? RunningRental(IReadOnlyList<Rental> rentals, string carId, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(rentals);
        Rental? first = null;
        foreach (Rental r in rentals)
        {
            if (IsRunning(r, nowMs) && string.Equals(r.CarId, carId, StringComparison.Ordinal) && (first is null || r.FromMs < first.FromMs))
            {
                first = r;
            }
        }

        return first;
    }

    /// <summary>Every rental of <paramref name="rentals"/> that runs at <paramref name="nowMs"/>.</summary>
    /// <param name="rentals">A renter's rentals.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>The running ones, in their order.</returns>
    public static IReadOnlyList<Rental> Running(IReadOnlyList<Rental> rentals, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(rentals);
        return [.. rentals.Where(r => IsRunning(r, nowMs))];
    }

    /// <summary>The cars a renter may see at <paramref name="nowMs"/> (distinct, ordinal order).</summary>
    /// <param name="rentals">A renter's rentals.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>The cars.</returns>
    public static IReadOnlyList<string> VisibleCars(IReadOnlyList<Rental> rentals, long nowMs) =>
        [.. Running(rentals, nowMs).Select(r => r.CarId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Does <paramref name="rental"/> run at <paramref name="nowMs"/>? Its window is [from, to).</summary>
    /// <param name="rental">The rental.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <returns>True inside the window.</returns>
    public static bool IsRunning(Rental rental, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(rental);
        return rental.FromMs <= nowMs && nowMs < rental.ToMs;
    }
}
