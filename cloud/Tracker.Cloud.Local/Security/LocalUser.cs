using Tracker.Cloud.Core.Access;

namespace Tracker.Cloud.Local.Security;

/// <summary>One local dev login.</summary>
/// <param name="User">The user id (the token's <c>sub</c>).</param>
/// <param name="Password">The generated password as kept in initial-passwords.json (printed on the console), or empty once that file is deleted.</param>
/// <param name="Roles">What the user is.</param>
/// <param name="RentedCar">For a seeded renter, the car they rent; null otherwise.</param>
/// <param name="RentalStartsInHours">When the seeded rental starts relative to the host's start (negative: already running).</param>
public sealed record LocalUser(string User, string Password, Role Roles, string? RentedCar, int RentalStartsInHours);
