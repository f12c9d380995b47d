using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Lambda.Api;

/// <summary>The caller: <c>GET /me</c>. A web app reads it after login to know which view to show.</summary>
/// <param name="User">The user id (the token's <c>sub</c>).</param>
/// <param name="Roles">The role names (<see cref="IdentityClaims.OperatorName"/>, <see cref="IdentityClaims.RenterName"/>).</param>
/// <param name="Rentals">The caller's rentals that have not ended, oldest first; empty for operators.</param>
public sealed record MeBody(string User, IReadOnlyList<string> Roles, IReadOnlyList<RentalBody> Rentals)
{
    /// <summary>Maps the caller and their rentals.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="rentals">Their rentals.</param>
    /// <returns>The body.</returns>
    public static MeBody From(Identity caller, IReadOnlyList<Rental> rentals)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(rentals);
        List<string> roles = [];
        if (caller.IsOperator)
        {
            roles.Add(IdentityClaims.OperatorName);
        }

        if (caller.IsRenter)
        {
            roles.Add(IdentityClaims.RenterName);
        }

        return new MeBody(caller.UserId, roles, [.. rentals.Select(r => new RentalBody(r.CarId, r.FromMs, r.ToMs))]);
    }
}

/// <summary>One rental as <c>GET /me</c> shows it.</summary>
/// <param name="CarId">The car.</param>
/// <param name="FromMs">Start, UTC epoch ms (inclusive).</param>
/// <param name="ToMs">End, UTC epoch ms (exclusive).</param>
public sealed record RentalBody(string CarId, long FromMs, long ToMs);
