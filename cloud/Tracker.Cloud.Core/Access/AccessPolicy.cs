using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// Who sees what (DESIGN.md, "The data path", step 8): an operator sees the fleet at any time; a
/// renter sees a car they rent, only while a rental of it is running, and only fixes inside that
/// rental's window [from, to), so neither the previous nor the next renter's trips show. Whether a rental runs is
/// <see cref="ViewerAccess"/>'s one rule, which the live authorizer and the local broker use too.
/// </summary>
public sealed class AccessPolicy
{
    private readonly IRentalStore _rentals;
    private readonly TimeProvider _clock;

    /// <summary>Creates the policy.</summary>
    /// <param name="rentals">The rentals.</param>
    /// <param name="clock">"Now", for whether a rental is running.</param>
    public AccessPolicy(IRentalStore rentals, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(rentals);
        ArgumentNullException.ThrowIfNull(clock);
        _rentals = rentals;
        _clock = clock;
    }

    /// <summary>May <paramref name="caller"/> see <paramref name="carId"/>, and which times of it?</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="carId">The car.</param>
    /// <param name="cancellationToken">Cancels the rentals read.</param>
    /// <returns>The decision; when allowed, the visible window.</returns>
    public async Task<AccessDecision> AuthorizeCarAsync(Identity caller, string carId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(carId);
        if (caller.IsOperator)
        {
            return AccessDecision.Everything;
        }

        if (!caller.IsRenter)
        {
            return AccessDecision.Refuse(AccessOutcome.Forbidden, "the caller has neither the operator nor the renter role");
        }

        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        IReadOnlyList<Rental> rentals = await _rentals.GetForRenterAsync(caller.UserId, cancellationToken);
        Rental[] ofCar = rentals.Where(r => string.Equals(r.CarId, carId, StringComparison.Ordinal)).ToArray();
        if (ofCar.Length == 0)
        {
            // The same answer as for a car that does not exist: a renter learns nothing of other cars.
            return AccessDecision.Refuse(AccessOutcome.NotFound, "no such car");
        }

        Rental? running = ViewerAccess.RunningRental(ofCar, carId, now);
        if (running is null)
        {
            return AccessDecision.Refuse(AccessOutcome.Forbidden, "the car is visible only while your rental runs");
        }

        return new AccessDecision(AccessOutcome.Allowed, running.FromMs, running.ToMs, string.Empty);
    }

    /// <summary>
    /// The rentals a caller should know of: a renter's own rentals that have not ended (running or
    /// coming), oldest first; nothing for anyone else (operators see cars, not rentals).
    /// </summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="cancellationToken">Cancels the rentals read.</param>
    /// <returns>The rentals, possibly empty.</returns>
    public async Task<IReadOnlyList<Rental>> CurrentRentalsAsync(Identity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsRenter)
        {
            return [];
        }

        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        IReadOnlyList<Rental> rentals = await _rentals.GetForRenterAsync(caller.UserId, cancellationToken);
        return [.. rentals.Where(r => r.ToMs > now).OrderBy(r => r.FromMs).ThenBy(r => r.CarId, StringComparer.Ordinal)];
    }

    /// <summary>May <paramref name="caller"/> list every car? Operators only.</summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <returns>The decision.</returns>
    public static AccessDecision AuthorizeFleet(Identity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsOperator
            ? AccessDecision.Everything
            : AccessDecision.Refuse(AccessOutcome.Forbidden, "only operators may list the fleet");
    }
}
