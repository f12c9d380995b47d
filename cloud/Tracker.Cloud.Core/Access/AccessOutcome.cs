namespace Tracker.Cloud.Core.Access;

/// <summary>The answer of <see cref="AccessPolicy"/>.</summary>
public enum AccessOutcome
{
    /// <summary>The caller may see the car within <see cref="AccessDecision.FromTs"/> .. <see cref="AccessDecision.ToTs"/>.</summary>
    Allowed,

    /// <summary>The caller may not (a renter outside their rental, a renter asking for the fleet, a caller with no role).</summary>
    Forbidden,

    /// <summary>
    /// Not a car this caller can know of. A renter asking for a car they never rented gets this,
    /// exactly as for a car that does not exist, so nothing leaks about other cars.
    /// </summary>
    NotFound,
}
