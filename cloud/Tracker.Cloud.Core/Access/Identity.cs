namespace Tracker.Cloud.Core.Access;

/// <summary>An authenticated caller.</summary>
/// <param name="UserId">The JWT subject (<c>sub</c>); for a renter, the <see cref="Storage.Rental.Renter"/>.</param>
/// <param name="Roles">The caller's roles.</param>
public sealed record Identity(string UserId, Role Roles)
{
    /// <summary>True for a fleet operator.</summary>
    public bool IsOperator => Roles.HasFlag(Role.Operator);

    /// <summary>True for a renter.</summary>
    public bool IsRenter => Roles.HasFlag(Role.Renter);
}
