using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// The local dev logins: an operator and three renters, with passwords made on first run and kept in the data folder
/// (<c>logins.json</c>, mode 0600), so the console can print them at every start. In AWS, Cognito holds users; here the
/// host issues the same-shaped tokens (<see cref="DevTokens"/>) that the API's claims reader accepts.
/// </summary>
public sealed class LocalUsers
{
    /// <summary>How long a login's token lasts.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    private const int MaxPasswordBytes = 256;
    private readonly Dictionary<string, LocalUser> _users;

    private LocalUsers(IReadOnlyList<LocalUser> users, DevTokens tokens)
    {
        All = users;
        _users = users.ToDictionary(u => u.User, StringComparer.Ordinal);
        Tokens = tokens;
    }

    /// <summary>Every login, operator first.</summary>
    public IReadOnlyList<LocalUser> All { get; }

    /// <summary>The token issuer and validator (HS256, key in the data folder).</summary>
    public DevTokens Tokens { get; }

    /// <summary>Opens the logins and the token key in <paramref name="directory"/>, creating them on first run.</summary>
    /// <param name="directory">The data folder.</param>
    /// <param name="clock">The clock tokens are stamped with.</param>
    /// <returns>The users.</returns>
    public static LocalUsers OpenOrCreate(string directory, TimeProvider clock)
    {
        byte[] key = SecretFile.ReadOrCreate(Path.Combine(directory, "token.key"), () => RandomNumberGenerator.GetBytes(32));
        string path = Path.Combine(directory, "logins.json");
        Dictionary<string, string> passwords = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        bool changed = false;
        string Password(string user)
        {
            if (!passwords.TryGetValue(user, out string? password) || string.IsNullOrEmpty(password))
            {
                password = SecretFile.NewPassword(12);
                passwords[user] = password;
                changed = true;
            }

            return password;
        }

        LocalUser[] users =
        [
            new("ops", Password("ops"), Role.Operator, null, 0),
            new("renter1", Password("renter1"), Role.Renter, CarIds.Of(1), -1),
            new("renter2", Password("renter2"), Role.Renter, CarIds.Of(2), -1),
            new("renter3", Password("renter3"), Role.Renter, CarIds.Of(3), 24),
        ];
        if (changed)
        {
            SecretFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(passwords, new JsonSerializerOptions { WriteIndented = true }));
        }

        return new LocalUsers(users, new DevTokens(key, clock));
    }

    /// <summary>Checks a login in constant time.</summary>
    /// <param name="user">The user id.</param>
    /// <param name="password">The password.</param>
    /// <returns>The user, or null for a wrong user or password (the caller cannot tell which).</returns>
    public LocalUser? Check(string? user, string? password)
    {
        if (user is null || password is null || Encoding.UTF8.GetByteCount(password) > MaxPasswordBytes)
        {
            return null;
        }

        LocalUser? found = _users.GetValueOrDefault(user);
        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(found?.Password ?? "\u0000no-such-user"));
        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        return CryptographicOperations.FixedTimeEquals(expected, given) && found is not null ? found : null;
    }

    /// <summary>
    /// Makes sure each seeded renter has their rental: running now for renter1 and renter2 (24 h from an hour ago),
    /// starting tomorrow for renter3. A rental already covering that time is kept.
    /// </summary>
    /// <param name="rentals">The rentals store.</param>
    /// <param name="nowMs">Now, UTC epoch ms.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public async Task SeedRentalsAsync(IRentalStore rentals, long nowMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rentals);
        const long Hour = 3_600_000;
        foreach (LocalUser user in All.Where(u => u.RentedCar is not null))
        {
            long from = nowMs + (user.RentalStartsInHours * Hour);
            long to = from + (24 * Hour);
            IReadOnlyList<Rental> existing = await rentals.GetForRenterAsync(user.User, cancellationToken).ConfigureAwait(false);
            bool covered = existing.Any(r => r.CarId == user.RentedCar && r.FromMs <= Math.Max(from, nowMs) && r.ToMs >= to - Hour);
            if (!covered)
            {
                await rentals.PutAsync(new Rental(user.RentedCar!, user.User, from, to), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
