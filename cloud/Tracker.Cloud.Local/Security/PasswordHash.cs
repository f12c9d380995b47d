using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// Salted, slow password hashes (issue 15, F7): PBKDF2 with HMAC-SHA-256 (RFC 8018 §5.2), a 16-byte random salt per
/// password and 600,000 iterations by default (OWASP's Password Storage Cheat Sheet figure for PBKDF2-HMAC-SHA256),
/// written as <c>pbkdf2-sha256$iterations$salt$hash</c> (base64), so a stored hash keeps its own cost when the default
/// changes. Checks compare in constant time.
/// </summary>
public static class PasswordHash
{
    /// <summary>The default iteration count.</summary>
    public const int DefaultIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Hashes a password with a new random salt.</summary>
    /// <param name="password">The password.</param>
    /// <param name="iterations">PBKDF2 iterations (tests lower it).</param>
    /// <returns>The encoded hash.</returns>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return Scheme + "$" + iterations.ToString(CultureInfo.InvariantCulture) + "$" + Convert.ToBase64String(salt) + "$" + Convert.ToBase64String(hash);
    }

    /// <summary>Is <paramref name="encoded"/> a hash this class can check?</summary>
    /// <param name="encoded">The text.</param>
    /// <returns>True for a well-formed hash.</returns>
    public static bool IsHash(string? encoded) => TryParse(encoded, out _, out _, out _);

    /// <summary>Does <paramref name="password"/> match <paramref name="encoded"/>? Never throws on a malformed hash (it matches nothing).</summary>
    /// <param name="password">The password given.</param>
    /// <param name="encoded">The stored hash.</param>
    /// <returns>True on a match.</returns>
    public static bool Verify(string password, string? encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded, out int iterations, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        string[] parts = encoded?.Split('$') ?? [];
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations is < 1 or > 10_000_000)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length is >= 16 and <= 64;
    }
}
