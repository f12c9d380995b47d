using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Tracker.Cloud.Testing;

/// <summary>
/// Recomputes a request's AWS Signature Version 4 by the documented steps (AWS General Reference, "Create a signed AWS
/// API request"): the canonical path double-encoded (every service but S3), the query sorted, the headers the
/// Authorization header lists, the body's SHA-256; then the scope's key chain from the secret. The loopback IoT stand-ins
/// share it.
/// </summary>
public static class LoopbackSigV4
{
    /// <summary>True when the request is signed with <paramref name="secret"/> for this region and signing name.</summary>
    /// <param name="request">The request.</param>
    /// <param name="path">Its path as sent (encoded once).</param>
    /// <param name="query">Its query string as sent.</param>
    /// <param name="body">Its body.</param>
    /// <param name="region">The region the scope must name.</param>
    /// <param name="secret">The secret key.</param>
    /// <param name="service">The signing name the scope must name (<c>iot</c>, <c>iotdata</c>).</param>
    /// <returns>Whether the signature holds.</returns>
    public static bool Holds(HttpListenerRequest request, string path, string query, byte[] body, string region, string secret, string service)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(body);
        string authorization = request.Headers["Authorization"] ?? string.Empty;
        string date = request.Headers["X-Amz-Date"] ?? string.Empty;
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Algorithm, StringComparison.Ordinal) || date.Length != 16)
        {
            return false;
        }

        Dictionary<string, string> parts = authorization[Algorithm.Length..].Split(", ")
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out string? credential) || !parts.TryGetValue("SignedHeaders", out string? signedHeaders) || !parts.TryGetValue("Signature", out string? signature))
        {
            return false;
        }

        string[] scope = credential.Split('/');
        if (scope.Length != 5 || scope[1] != date[..8] || scope[2] != region || scope[3] != service || scope[4] != "aws4_request")
        {
            return false;
        }

        string canonicalPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        string canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        string headers = string.Concat(signedHeaders.Split(';').Select(h => h + ":" + (request.Headers[h] ?? string.Empty).Trim() + "\n"));
        string canonical = request.HttpMethod + "\n" + canonicalPath + "\n" + canonicalQuery + "\n" + headers + "\n" + signedHeaders + "\n" + Hex(SHA256.HashData(body));
        string credentialScope = string.Join('/', scope[1..]);
        string toSign = "AWS4-HMAC-SHA256\n" + date + "\n" + credentialScope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (string part in scope[1..])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return signedHeaders.Split(';').Contains("host") && Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign))) == signature;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
