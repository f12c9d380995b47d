using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracker.Cloud.Core.Access;
using Tracker.Cloud.Core.Storage;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// The local dev logins: an operator and three renters, with passwords made on first run. The data folder keeps their
/// salted, slow hashes (<see cref="PasswordHash"/>) in <c>logins.json</c> and, apart from them, the generated passwords in
/// <c>initial-passwords.json</c> (both 0600), so the console can print them at every start; delete that file once they
/// are noted and sign-in still works. In AWS, Cognito holds users; here the host issues the same-shaped tokens
/// (<see cref="DevTokens"/>) that the API's claims reader accepts. Sign-in is rate limited (<see cref="Throttle"/>).
/// </summary>
public sealed class LocalUsers
{
    /// <summary>How long a login's token lasts.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    /// <summary>The file of password hashes.</summary>
    public const string HashesFile = "logins.json";

    /// <summary>The file of the generated passwords (kept apart from the hashes; may be deleted).</summary>
    public const string PasswordsFile = "initial-passwords.json";

    private const int MaxPasswordBytes = 256;
    private readonly Dictionary<string, LocalUser> _users;
    private readonly Dictionary<string, string> _hashes;
    private readonly string _dummyHash;

    private LocalUsers(IReadOnlyList<LocalUser> users, Dictionary<string, string> hashes, DevTokens tokens, LoginThrottle throttle, int iterations)
    {
        All = users;
        _users = users.ToDictionary(u => u.User, StringComparer.Ordinal);
        _hashes = hashes;
        Tokens = tokens;
        Throttle = throttle;
        _dummyHash = PasswordHash.Create(SecretFile.NewPassword(16), iterations);
    }

    /// <summary>Every login, operator first.</summary>
    public IReadOnlyList<LocalUser> All { get; }

    /// <summary>The token issuer and validator (HS256, key in the data folder).</summary>
    public DevTokens Tokens { get; }

    /// <summary>The sign-in rate limits.</summary>
    public LoginThrottle Throttle { get; }

    /// <summary>Opens the logins and the token key in <paramref name="directory"/>, creating them on first run.</summary>
    /// <param name="directory">The data folder.</param>
    /// <param name="clock">The clock tokens are stamped with.</param>
    /// <param name="hashIterations">PBKDF2 iterations of new password hashes (tests lower it).</param>
    /// <returns>The users.</returns>
    public static LocalUsers OpenOrCreate(string directory, TimeProvider clock, int hashIterations = PasswordHash.DefaultIterations)
    {
        byte[] key = SecretFile.ReadOrCreate(Path.Combine(directory, "token.key"), () => RandomNumberGenerator.GetBytes(32));
        string hashesPath = Path.Combine(directory, HashesFile);
        string passwordsPath = Path.Combine(directory, PasswordsFile);
        Dictionary<string, string> hashes = ReadMap(hashesPath);
        Dictionary<string, string> passwords = ReadMap(passwordsPath);
        bool changed = false;
        string Password(string user)
        {
            if (hashes.TryGetValue(user, out string? stored) && PasswordHash.IsHash(stored))
            {
                return passwords.GetValueOrDefault(user) ?? string.Empty;
            }

            // An earlier version kept the password itself in logins.json: it moves to the passwords file, hashed here.
            string password = !string.IsNullOrEmpty(stored) ? stored : passwords.GetValueOrDefault(user) is { Length: > 0 } kept ? kept : SecretFile.NewPassword(12);
            hashes[user] = PasswordHash.Create(password, hashIterations);
            passwords[user] = password;
            changed = true;
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
            // The passwords first: a crash between leaves a password without its hash, which the next start hashes.
            var indented = new JsonSerializerOptions { WriteIndented = true };
            SecretFile.Write(passwordsPath, JsonSerializer.SerializeToUtf8Bytes(passwords, indented));
            SecretFile.Write(hashesPath, JsonSerializer.SerializeToUtf8Bytes(hashes, indented));
        }

        return new LocalUsers(users, hashes, new DevTokens(key, clock), new LoginThrottle(clock), hashIterations);
    }

    /// <summary>Is <paramref name="user"/> a login of this host?</summary>
    /// <param name="user">The user id.</param>
    /// <returns>True when it exists.</returns>
    public bool Exists(string user) => _users.ContainsKey(user);

    /// <summary>Checks a login against its slow hash; an unknown user costs the same hash, so timing tells nothing.</summary>
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
        bool matches = PasswordHash.Verify(password, found is null ? _dummyHash : _hashes.GetValueOrDefault(user));
        return matches && found is not null ? found : null;
    }

    private static Dictionary<string, string> ReadMap(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(path + " is not a JSON object of strings: " + e.Message + " (delete it to make new logins)", e);
        }
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
