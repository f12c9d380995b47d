using System.Security.Cryptography;
using System.Text;
using Tracker.Core.Common;
using Tracker.Core.Control;

namespace Tracker.Provisioning.Pki;

/// <summary>
/// The fleet's code-signing key (issue 18; firmware Control/README.md §2): RSA-3072, public exponent 65537, kept in the
/// fleet CA's folder encrypted with its own passphrase (<see cref="PassphraseVariable"/>), like the CA key (PKCS#8,
/// PBKDF2-HMAC-SHA256 and AES-256-CBC), never in the repository. Its public modulus goes into every car's bundle
/// (<see cref="PublicKeyFile"/>, the raw big-endian modulus the device's <see cref="RsaSignature"/> takes), and it
/// signs an application image as the device verifies it: RSASSA-PKCS1-v1_5 with SHA-256 over SHA-256(image digest ||
/// version) (<see cref="UpdateVerifier.SignedDigest"/>), so a genuine image cannot be replayed under another version.
/// </summary>
public static class CodeSigning
{
    /// <summary>The environment variable that carries the code-signing key's passphrase for scripts (never an option).</summary>
    public const string PassphraseVariable = "TRACKER_CODESIGN_PASSPHRASE";

    /// <summary>The encrypted private key, in the CA folder.</summary>
    public const string KeyFile = "codesign.key.pem";

    /// <summary>The public key as the device reads it (the modulus, big-endian, 384 bytes), in the CA folder and every bundle.</summary>
    public const string PublicKeyFile = "codesign.pub";

    /// <summary>The public key as SubjectPublicKeyInfo PEM, for people and OpenSSL (<c>openssl pkey -pubin -in codesign.pub.pem</c>).</summary>
    public const string PublicKeyPemFile = "codesign.pub.pem";

    /// <summary>The key size.</summary>
    public const int KeyBits = 3072;

    /// <summary>Creates the key in the CA folder.</summary>
    /// <param name="caDirectory">The fleet CA folder (it must hold a CA).</param>
    /// <param name="passphrase">The key's passphrase (at least <see cref="Passphrase.MinLength"/> characters).</param>
    /// <param name="kdfIterations">PBKDF2 iterations (at least 1,000; 600,000 by default).</param>
    /// <returns>The public modulus, big-endian.</returns>
    /// <exception cref="ProvisioningException">No CA, a key already, a weak passphrase, or the folder cannot be written.</exception>
    public static byte[] Create(string caDirectory, string passphrase, int kdfIterations = 600_000)
    {
        ArgumentNullException.ThrowIfNull(caDirectory);
        string full = Path.GetFullPath(caDirectory);
        Passphrase.CheckNew(passphrase);
        if (kdfIterations < 1000)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the key's PBKDF2 iteration count must be at least 1000");
        }

        FleetCa.LoadCertificate(full).Dispose();
        if (File.Exists(Path.Combine(full, KeyFile)) || File.Exists(Path.Combine(full, PublicKeyFile)))
        {
            throw new ProvisioningException(ProvisioningFailure.SigningKeyExists, full + " already holds a code-signing key; it is never overwritten (every car trusts its public key)");
        }

        using RSA key = RSA.Create(KeyBits);
        RSAParameters parameters = key.ExportParameters(false);
        string keyPem = key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, kdfIterations));
        string tmp = Path.Combine(full, KeyFile + ".tmp");
        try
        {
            // The private key first (owner-only from the start), the public files after: a failure leaves no public
            // key a car could be given without its private half.
            File.WriteAllText(tmp, keyPem + "\n");
            FleetCa.OwnerOnly(tmp);
            File.Move(tmp, Path.Combine(full, KeyFile));
            File.WriteAllText(Path.Combine(full, PublicKeyPemFile), key.ExportSubjectPublicKeyInfoPem() + "\n");
            File.WriteAllBytes(Path.Combine(full, PublicKeyFile), parameters.Modulus!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot write the code-signing key in " + full + ": " + e.Message, e);
        }

        return parameters.Modulus!;
    }

    /// <summary>The public modulus from the CA folder, or null when the fleet has no code-signing key yet.</summary>
    /// <param name="caDirectory">The fleet CA folder.</param>
    /// <returns>The modulus, big-endian.</returns>
    public static byte[]? ReadPublicKey(string caDirectory)
    {
        string path = Path.Combine(caDirectory, PublicKeyFile);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Decrypts the private key.</summary>
    /// <param name="caDirectory">The fleet CA folder.</param>
    /// <param name="passphrase">The key's passphrase.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ProvisioningException">No key (<see cref="ProvisioningFailure.SigningKeyMissing"/>), or the wrong passphrase.</exception>
    public static RSA Load(string caDirectory, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(caDirectory);
        ArgumentNullException.ThrowIfNull(passphrase);
        string full = Path.GetFullPath(caDirectory);
        string path = Path.Combine(full, KeyFile);
        if (!File.Exists(path))
        {
            throw new ProvisioningException(ProvisioningFailure.SigningKeyMissing, "no code-signing key in " + full + " (" + KeyFile + " is missing); create it with 'codesign create'");
        }

        var key = RSA.Create();
        try
        {
            key.ImportFromEncryptedPem(File.ReadAllText(path), passphrase);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new ProvisioningException(ProvisioningFailure.WrongPassphrase, "the passphrase does not open the code-signing key in " + full, e);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new ProvisioningException(ProvisioningFailure.SigningKeyMissing, path + " is not an encrypted PEM key: " + e.Message, e);
        }

        return key;
    }

    /// <summary>
    /// Signs an image for a version, and checks the signature with the device's own verifier against the public key the
    /// cars carry (so a key that does not match the cars' is caught here, not on a thousand cars).
    /// </summary>
    /// <param name="caDirectory">The fleet CA folder.</param>
    /// <param name="passphrase">The code-signing key's passphrase.</param>
    /// <param name="image">The image's bytes.</param>
    /// <param name="version">Its version (<see cref="Tracker.Core.Control.UpdateLimits.VersionRule"/>: what the car's job reader takes).</param>
    /// <returns>What the job document carries.</returns>
    /// <exception cref="ProvisioningException">A bad image or version, no key, the wrong passphrase, or a key the cars do not trust.</exception>
    public static ImageSignature Sign(string caDirectory, string passphrase, byte[] image, string version)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Length == 0)
        {
            throw new ProvisioningException(ProvisioningFailure.BadImage, "the image is empty");
        }

        if (!Tracker.Core.Control.UpdateLimits.IsValidVersion(version))
        {
            throw new ProvisioningException(ProvisioningFailure.BadImage, "the version must be " + Tracker.Core.Control.UpdateLimits.VersionRule);
        }

        byte[]? trusted = ReadPublicKey(caDirectory);
        using RSA key = Load(caDirectory, passphrase);
        byte[] digest = SHA256.HashData(image);
        byte[] signature = key.SignHash(UpdateVerifier.SignedDigest(digest, version), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (trusted is null || UpdateVerifier.Check(digest, digest, version, signature, trusted) != UpdateCheck.Ok)
        {
            throw new ProvisioningException(ProvisioningFailure.SigningKeyMissing, "the code-signing key in " + Path.GetFullPath(caDirectory) + " does not match " + PublicKeyFile + ", the public key the cars carry: nothing was signed");
        }

        return new ImageSignature(version, image.Length, Convert.ToHexStringLower(digest), Convert.ToBase64String(signature), KeyId(trusted));
    }

    /// <summary>A short id of a public key (the first 8 bytes of its SHA-256, hex), named in the job document.</summary>
    /// <param name="modulus">The modulus.</param>
    /// <returns>16 hex digits.</returns>
    public static string KeyId(byte[] modulus) => Convert.ToHexStringLower(SHA256.HashData(modulus).AsSpan(0, 8));
}

/// <summary>An image's signature, as the job document names it.</summary>
/// <param name="Version">The version signed.</param>
/// <param name="Size">The image's bytes.</param>
/// <param name="Sha256">SHA-256 of the image, lowercase hex.</param>
/// <param name="Signature">The signature, base64.</param>
/// <param name="KeyId">The signing key's id (<see cref="CodeSigning.KeyId"/>).</param>
public sealed record ImageSignature(string Version, long Size, string Sha256, string Signature, string KeyId)
{
    /// <summary>The job document's image fields: <c>{"op":"app-update","version":...,"size":...,"sha256":...,"sig":...,"keyId":...}</c>.</summary>
    /// <returns>JSON text.</returns>
    public string ToJobJson() => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["op"] = "app-update",
        ["version"] = Version,
        ["size"] = Size,
        ["sha256"] = Sha256,
        ["sig"] = Signature,
        ["keyId"] = KeyId,
    });
}
