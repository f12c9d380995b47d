using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tracker.Cloud.Core.Access;

/// <summary>
/// The RSA signing keys of a JSON Web Key Set (RFC 7517 §5), as a Cognito user pool publishes them at
/// <c>{issuer}/.well-known/jwks.json</c>. Only keys usable for RS256 signatures are kept: <c>kty</c>
/// <c>RSA</c> (RFC 7518 §6.3.1), <c>use</c> absent or <c>sig</c>, <c>alg</c> absent or <c>RS256</c>, a
/// <c>kid</c>, and a modulus of at least <see cref="MinModulusBits"/> bits (RFC 7518 §3.3). Immutable.
/// </summary>
public sealed class JsonWebKeySet
{
    /// <summary>Smallest RSA modulus accepted: 2048 bits (RFC 7518 §3.3 requires at least this for RS256).</summary>
    public const int MinModulusBits = 2048;

    /// <summary>Largest JWKS document read: far above Cognito's two keys, far below anything that could hurt.</summary>
    public const int MaxDocumentBytes = 64 * 1024;

    private readonly Dictionary<string, RSAParameters> _keys;

    private JsonWebKeySet(Dictionary<string, RSAParameters> keys) => _keys = keys;

    /// <summary>A set with no keys: every token's <c>kid</c> is unknown.</summary>
    public static JsonWebKeySet Empty { get; } = new(new Dictionary<string, RSAParameters>(StringComparer.Ordinal));

    /// <summary>How many usable keys the set holds.</summary>
    public int Count => _keys.Count;

    /// <summary>The key ids, for logs.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Reads a JWKS document. Never throws on its content.</summary>
    /// <param name="json">The document's UTF-8 bytes.</param>
    /// <param name="set">The keys, when the document is a JWKS with at least one usable RS256 key.</param>
    /// <param name="error">Why not, or empty.</param>
    /// <returns>True when <paramref name="set"/> holds at least one key.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, out JsonWebKeySet? set, out string error)
    {
        set = null;
        if (json.Length > MaxDocumentBytes)
        {
            error = "the JWKS document is larger than " + MaxDocumentBytes + " bytes";
            return false;
        }

        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            // JsonDocument leaves string contents unchecked until read.
            error = "the JWKS document is not UTF-8";
            return false;
        }

        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            error = "the JWKS document is not JSON";
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
        {
            error = "the JWKS document has no \"keys\" array (RFC 7517 §5)";
            return false;
        }

        var usable = new Dictionary<string, RSAParameters>(StringComparer.Ordinal);
        foreach (JsonElement key in keys.EnumerateArray())
        {
            if (TryReadSigningKey(key, out string kid, out RSAParameters parameters))
            {
                // A repeated kid is ambiguous: the first one wins, as a verifier must pick one deterministically.
                usable.TryAdd(kid, parameters);
            }
        }

        if (usable.Count == 0)
        {
            error = "the JWKS document holds no RSA signing key for RS256 of at least " + MinModulusBits + " bits";
            return false;
        }

        set = new JsonWebKeySet(usable);
        error = string.Empty;
        return true;
    }

    /// <summary>The public key with this <c>kid</c>.</summary>
    /// <param name="kid">The token header's key id.</param>
    /// <param name="key">The key's modulus and exponent.</param>
    /// <returns>True when the set has it.</returns>
    public bool TryGetKey(string kid, out RSAParameters key)
    {
        ArgumentNullException.ThrowIfNull(kid);
        return _keys.TryGetValue(kid, out key);
    }

    private static bool TryReadSigningKey(JsonElement key, out string kid, out RSAParameters parameters)
    {
        kid = string.Empty;
        parameters = default;
        if (key.ValueKind != JsonValueKind.Object
            || !IsString(key, "kty", "RSA")
            || (key.TryGetProperty("use", out _) && !IsString(key, "use", "sig"))
            || (key.TryGetProperty("alg", out _) && !IsString(key, "alg", "RS256"))
            || !key.TryGetProperty("kid", out JsonElement id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
        {
            return false;
        }

        if (!TryDecode(key, "n", out byte[] modulus) || !TryDecode(key, "e", out byte[] exponent))
        {
            return false;
        }

        // RFC 7518 §6.3.1.1: n is unsigned big-endian; a leading zero octet does not count towards its size.
        int skip = 0;
        while (skip < modulus.Length && modulus[skip] == 0)
        {
            skip++;
        }

        modulus = modulus[skip..];
        if (modulus.Length * 8 < MinModulusBits || exponent.Length == 0 || exponent.Length > 8 || exponent.All(b => b == 0))
        {
            return false;
        }

        kid = id.GetString()!;
        parameters = new RSAParameters { Modulus = modulus, Exponent = exponent };
        return true;
    }

    private static bool IsString(JsonElement key, string name, string expected) =>
        key.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), expected, StringComparison.Ordinal);

    private static bool TryDecode(JsonElement key, string name, out byte[] bytes)
    {
        bytes = [];
        if (!key.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        string text = value.GetString()!;
        if (text.Length == 0 || !Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return bytes.Length > 0;
    }
}
