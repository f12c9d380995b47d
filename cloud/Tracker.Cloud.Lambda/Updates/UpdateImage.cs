using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracker.Core.Control;

namespace Tracker.Cloud.Lambda.Updates;

/// <summary>
/// An uploaded application image's record, the job document's image fields (<c>op</c>, <c>version</c>, <c>size</c>,
/// <c>sha256</c>, <c>sig</c>) and the signing key's id: what the local host's <c>.sig.json</c> holds, and on AWS the
/// object <c>images/{version}.sig.json</c> beside <c>images/{version}.bin</c>.
/// </summary>
/// <param name="Version">The version.</param>
/// <param name="Size">The image's bytes.</param>
/// <param name="Sha256">SHA-256, lowercase hex.</param>
/// <param name="Signature">The fleet key's signature, base64.</param>
/// <param name="KeyId">The key's id: the first 8 bytes of the modulus' SHA-256, hex (as <c>codesign sign</c> writes it).</param>
public sealed record UpdateImage(string Version, long Size, string Sha256, string Signature, string KeyId)
{
    /// <summary>The record as stored and listed.</summary>
    /// <returns>The JSON.</returns>
    public JsonObject ToJson() => new()
    {
        ["op"] = UpdateLimits.Operation,
        ["version"] = Version,
        ["size"] = Size,
        ["sha256"] = Sha256,
        ["sig"] = Signature,
        ["keyId"] = KeyId,
    };

    /// <summary>What <c>GET /updates/images</c> lists of it.</summary>
    /// <returns>The JSON.</returns>
    public JsonObject Summary() => new() { ["version"] = Version, ["size"] = Size, ["sha256"] = Sha256, ["keyId"] = KeyId };

    /// <summary>Reads a stored record back; anything not written by <see cref="ToJson"/> is refused, not guessed at.</summary>
    /// <param name="bytes">The object's bytes.</param>
    /// <param name="image">The record, or null.</param>
    /// <returns>True when it is one.</returns>
    public static bool TryRead(byte[] bytes, out UpdateImage? image)
    {
        image = null;
        JsonObject? o;
        try
        {
            o = System.Text.Unicode.Utf8.IsValid(bytes) ? JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) as JsonObject : null;
        }
        catch (JsonException)
        {
            return false;
        }

        if (o is null || !TryText(o, "version", out string version) || !UpdateLimits.IsValidVersion(version) || !TryText(o, "sha256", out string sha)
            || sha.Length != 64 || !TryText(o, "sig", out string sig) || !TryText(o, "keyId", out string keyId)
            || o["size"] is not JsonValue size || size.GetValueKind() != JsonValueKind.Number || !size.TryGetValue(out long bytesLong) || bytesLong is < 1 or > UpdateLimits.MaxImageBytes)
        {
            return false;
        }

        image = new UpdateImage(version, bytesLong, sha, sig, keyId);
        return true;
    }

    /// <summary>
    /// Checks an upload as every car would check the image (<see cref="UpdateVerifier"/>, the car's own code): its size,
    /// the signature record's fields, its SHA-256, and the fleet key's signature over that digest and version. The one
    /// upload check: the API function and the local host's image library (<c>ImageLibrary.Add</c>) both call it, so
    /// they refuse the same uploads with the same status, code and words.
    /// </summary>
    /// <param name="image">The image's bytes.</param>
    /// <param name="signature">The record <c>codesign sign</c> wrote.</param>
    /// <param name="modulus">The fleet's code-signing public key (the modulus the cars carry).</param>
    /// <param name="checkedImage">The record to store, or null.</param>
    /// <returns>Null when it passes, else the HTTP status, the problem code and why (the local host's codes).</returns>
    public static (int Status, string Code, string Detail)? Check(byte[] image, JsonObject signature, byte[] modulus, out UpdateImage? checkedImage)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(modulus);
        checkedImage = null;
        if (image.Length is 0 or > UpdateLimits.MaxImageBytes)
        {
            return (422, "bad-image", "An image is 1 to " + UpdateLimits.MaxImageBytes + " bytes; this one is " + image.Length + ".");
        }

        if (!TryText(signature, "version", out string version) || !UpdateLimits.IsValidVersion(version))
        {
            return (422, "bad-signature", "signature.version must be " + UpdateLimits.VersionRule + ".");
        }

        if (signature["op"] is JsonNode op && (op.GetValueKind() != JsonValueKind.String || op.GetValue<string>() != UpdateLimits.Operation))
        {
            return (422, "bad-signature", "signature.op must be " + UpdateLimits.Operation + ".");
        }

        if (!TryText(signature, "sha256", out string sha) || !TryText(signature, "sig", out string sig)
            || signature["size"] is not JsonValue size || size.GetValueKind() != JsonValueKind.Number || !size.TryGetValue(out long declared))
        {
            return (422, "bad-signature", "signature must carry version, size, sha256 and sig as 'codesign sign' writes them.");
        }

        byte[] signed;
        try
        {
            signed = Convert.FromBase64String(sig);
        }
        catch (FormatException)
        {
            return (422, "bad-signature", "signature.sig is not base64.");
        }

        byte[] digest = SHA256.HashData(image);
        string hex = Convert.ToHexStringLower(digest);
        if (declared != image.Length || !string.Equals(sha, hex, StringComparison.OrdinalIgnoreCase))
        {
            return (422, "digest", "The image is not the one signed: its size or SHA-256 differs from the signature's.");
        }

        if (UpdateVerifier.Check(digest, digest, version, signed, modulus) != UpdateCheck.Ok)
        {
            return (422, "signature", "The signature is not the fleet's code-signing key's over this image and version: no car would take it.");
        }

        checkedImage = new UpdateImage(version, image.Length, hex, Convert.ToBase64String(signed), Convert.ToHexStringLower(SHA256.HashData(modulus).AsSpan(0, 8)));
        return null;
    }

    private static bool TryText(JsonObject o, string name, out string value)
    {
        value = o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty;
        return value.Length > 0;
    }
}
