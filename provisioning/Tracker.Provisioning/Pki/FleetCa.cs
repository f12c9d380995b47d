using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Provisioning.Cloud;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Storage;

namespace Tracker.Provisioning.Pki;

/// <summary>
/// The fleet CA: an ECDSA P-256 self-signed CA whose key lives encrypted in its folder
/// (<see cref="CaFiles"/>). It issues every car's certificate, which IoT Core's Just-in-Time
/// Provisioning then accepts on the car's first connection, and it signs the CRL the local broker reads.
/// </summary>
/// <remarks>
/// P-256 with SHA-256 because AWS IoT Core, mosquitto (OpenSSL) and the SIM7080G all accept it, and
/// it signs in microseconds. The key file is encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256 and
/// AES-256-CBC, RFC 8018), which OpenSSL reads too (<c>openssl pkey -in fleet-ca.key.pem</c>).
/// </remarks>
public sealed class FleetCa : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private FleetCa(string directory, X509Certificate2 certificate)
    {
        Directory = directory;
        Certificate = certificate;
    }

    /// <summary>The CA folder (full path).</summary>
    public string Directory { get; }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate's path (PEM).</summary>
    public string CertificatePath => CaFiles.PathOf(Directory, CaFiles.Certificate);

    /// <summary>
    /// Creates a fleet CA in <paramref name="directory"/>, which must not exist or be empty: the CA
    /// certificate and encrypted key, an empty ledger, an empty CRL, the JITP template and the IoT
    /// policy. Built in a staging folder and renamed into place, so a failure leaves nothing.
    /// </summary>
    /// <param name="directory">The CA folder to create.</param>
    /// <param name="passphrase">The passphrase that encrypts the key (at least <see cref="Passphrase.MinLength"/> characters).</param>
    /// <param name="options">Name, validity, KDF cost, policy name; defaults when null.</param>
    /// <returns>The CA, loaded.</returns>
    /// <exception cref="ProvisioningException">The folder holds files, the passphrase is weak, an option is out of range, or the parent folder cannot be written.</exception>
    public static FleetCa Create(string directory, string passphrase, FleetCaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new FleetCaOptions();
        string full = Path.GetFullPath(directory);
        Passphrase.CheckNew(passphrase);
        if (options.ValidDays is < 1 or > 36_500)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "--valid-days must be 1 to 36500");
        }

        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > 64)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the CA name must be 1 to 64 characters (X.520 ub-common-name)");
        }

        if (options.KdfIterations < 1000)
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the key's PBKDF2 iteration count must be at least 1000");
        }

        if (!IotPolicyDocument.IsValidPolicyName(options.PolicyName))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the policy name must be 1 to 128 of a-z A-Z 0-9 + = , . @ -");
        }

        if (File.Exists(full))
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, full + " is a file, not a folder");
        }

        if (System.IO.Directory.Exists(full) && System.IO.Directory.EnumerateFileSystemEntries(full).Any())
        {
            string what = File.Exists(CaFiles.PathOf(full, CaFiles.Certificate)) ? " already holds a fleet CA" : " is not empty";
            throw new ProvisioningException(ProvisioningFailure.CaExists, full + what + "; a CA is never overwritten");
        }

        DateTimeOffset now = options.Now ?? DateTimeOffset.UtcNow;
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(DistinguishedName(options.Name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // Backdated an hour so a car or broker whose clock runs a little behind still accepts it.
        // CreateSelfSigned returns the certificate bound to a copy of the key; the FleetCa owns it.
        var ca = new FleetCa(full, request.CreateSelfSigned(now.AddHours(-1), now.AddDays(options.ValidDays)));
        string keyPem = key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, options.KdfIterations));

        Ledger ledger = Ledger.Empty(full).WithNextCrlNumber();
        try
        {
            using StagingFolder staging = StagingFolder.Beside(full);
            File.WriteAllText(staging.File(CaFiles.Certificate), ca.Certificate.ExportCertificatePem() + "\n");
            File.WriteAllText(staging.File(CaFiles.Key), keyPem + "\n");
            OwnerOnly(staging.File(CaFiles.Key));
            File.WriteAllBytes(staging.File(CaFiles.Ledger), ledger.ToJsonBytes());
            File.WriteAllText(staging.File(CaFiles.Crl), CrlWriter.BuildPem(ca, ledger, now));
            File.WriteAllText(staging.File(CaFiles.JitpTemplate), JitpTemplate.Build(options.PolicyName));
            File.WriteAllText(staging.File(CaFiles.IotPolicy), IotPolicyDocument.Build(ingestRule: null));
            staging.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ca.Dispose();
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot write the CA folder " + full + ": " + e.Message, e);
        }
        catch
        {
            ca.Dispose();
            throw;
        }

        return ca;
    }

    /// <summary>Loads the CA certificate and decrypts its key.</summary>
    /// <param name="directory">The CA folder.</param>
    /// <param name="passphrase">The key's passphrase.</param>
    /// <returns>The CA.</returns>
    /// <exception cref="ProvisioningException">No CA in the folder (<see cref="ProvisioningFailure.CaMissing"/>), or the passphrase is wrong (<see cref="ProvisioningFailure.WrongPassphrase"/>).</exception>
    public static FleetCa Load(string directory, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(passphrase);
        string full = Path.GetFullPath(directory);
        X509Certificate2 certificate = LoadCertificate(full);
        string keyPath = CaFiles.PathOf(full, CaFiles.Key);
        if (!File.Exists(keyPath))
        {
            throw new ProvisioningException(ProvisioningFailure.CaMissing, "no fleet CA key in " + full + " (" + CaFiles.Key + " is missing)");
        }

        using ECDsa key = ECDsa.Create();
        try
        {
            key.ImportFromEncryptedPem(File.ReadAllText(keyPath), passphrase);
        }
        catch (CryptographicException e)
        {
            throw new ProvisioningException(ProvisioningFailure.WrongPassphrase, "the passphrase does not open the fleet CA key in " + full, e);
        }
        catch (ArgumentException e)
        {
            throw new ProvisioningException(ProvisioningFailure.CaMissing, CaFiles.Key + " in " + full + " is not an encrypted PEM key: " + e.Message, e);
        }

        try
        {
            return new FleetCa(full, certificate.CopyWithPrivateKey(key));
        }
        catch (ArgumentException e)
        {
            throw new ProvisioningException(ProvisioningFailure.CaMissing, CaFiles.Key + " does not belong to " + CaFiles.Certificate + " in " + full, e);
        }
    }

    /// <summary>Loads only the CA certificate (no passphrase needed): for <c>device list</c>, verification and brokers.</summary>
    /// <param name="directory">The CA folder.</param>
    /// <returns>The certificate, without its key.</returns>
    /// <exception cref="ProvisioningException">No CA certificate in the folder.</exception>
    public static X509Certificate2 LoadCertificate(string directory)
    {
        string full = Path.GetFullPath(directory);
        string path = CaFiles.PathOf(full, CaFiles.Certificate);
        if (!File.Exists(path))
        {
            throw new ProvisioningException(ProvisioningFailure.CaMissing, "no fleet CA in " + full + " (" + CaFiles.Certificate + " is missing); create one with 'ca create' or copy the fleet's CA folder here");
        }

        X509Certificate2[] certificates = CertificateFacts.ParsePemCertificates(File.ReadAllText(path));
        if (certificates.Length != 1)
        {
            throw new ProvisioningException(ProvisioningFailure.CaMissing, path + " must hold exactly one PEM certificate");
        }

        return certificates[0];
    }

    /// <summary>True when the folder holds a CA certificate and key.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>True when both files exist.</returns>
    public static bool Exists(string directory) =>
        File.Exists(CaFiles.PathOf(directory, CaFiles.Certificate)) && File.Exists(CaFiles.PathOf(directory, CaFiles.Key));

    /// <summary>
    /// Issues a car's client certificate: CN = the car id (the AWS IoT thing name, which the JITP
    /// template reads from the CN), the given serial, clientAuth, ending no later than the CA.
    /// </summary>
    /// <param name="carId">The car id; must be a valid thing name.</param>
    /// <param name="publicKeyOwner">The car's key pair (only its public key goes into the certificate).</param>
    /// <param name="serial">The serial number (big-endian, positive); see <see cref="CertificateFacts.NewSerial"/>.</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity; capped at the CA's end.</param>
    /// <returns>The certificate, without a private key.</returns>
    public X509Certificate2 IssueDevice(string carId, ECDsa publicKeyOwner, byte[] serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(publicKeyOwner);
        ArgumentNullException.ThrowIfNull(serial);
        if (!Tracker.Core.Uplink.UplinkTopics.IsValidThingName(carId))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidCarId, InvalidCarIdMessage(carId));
        }

        var request = new CertificateRequest(new X500DistinguishedName("CN=" + carId), publicKeyOwner, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        return request.Create(Certificate, notBefore, Min(notAfter, Certificate.NotAfter), serial);
    }

    /// <summary>
    /// Makes the verification certificate AWS IoT asks for when the CA is registered
    /// (<c>aws iot register-ca-certificate --verification-cert</c>): CN = the registration code from
    /// <c>aws iot get-registration-code</c>, its own new key, signed by this CA. It proves we hold the CA's key.
    /// </summary>
    /// <param name="registrationCode">The account's registration code (1 to 64 letters and digits; AWS gives 64 hex digits).</param>
    /// <param name="now">The current time; <see cref="DateTimeOffset.UtcNow"/> when null.</param>
    /// <returns>The certificate (its key is discarded: AWS needs only the certificate).</returns>
    public X509Certificate2 CreateVerificationCertificate(string registrationCode, DateTimeOffset? now = null)
    {
        if (string.IsNullOrEmpty(registrationCode) || registrationCode.Length > 64 || !registrationCode.All(char.IsAsciiLetterOrDigit))
        {
            throw new ProvisioningException(ProvisioningFailure.InvalidArgument, "the registration code must be 1 to 64 letters and digits (aws iot get-registration-code prints 64 hex digits)");
        }

        DateTimeOffset t = now ?? DateTimeOffset.UtcNow;
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + registrationCode), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        return request.Create(Certificate, t.AddHours(-1), Min(t.AddDays(30), Certificate.NotAfter), CertificateFacts.NewSerial());
    }

    /// <summary>Writes <see cref="CreateVerificationCertificate"/>'s certificate as PEM (atomically).</summary>
    /// <param name="registrationCode">The account's registration code.</param>
    /// <param name="path">Where; <see cref="CaFiles.VerificationCertificate"/> in the CA folder when null.</param>
    /// <returns>The path written.</returns>
    public string WriteVerificationCertificate(string registrationCode, string? path = null)
    {
        using X509Certificate2 certificate = CreateVerificationCertificate(registrationCode);
        string target = Path.GetFullPath(path ?? CaFiles.PathOf(Directory, CaFiles.VerificationCertificate));
        try
        {
            AtomicFile.WriteText(target, certificate.ExportCertificatePem() + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProvisioningException(ProvisioningFailure.OutputNotWritable, "cannot write " + target + ": " + e.Message, e);
        }

        return target;
    }

    /// <summary>The message for a car id that is not a thing name.</summary>
    /// <param name="carId">The rejected id.</param>
    /// <returns>The message.</returns>
    public static string InvalidCarIdMessage(string? carId) =>
        $"'{carId}' is not a valid car id: it is the AWS IoT thing name and MQTT client id, 1 to {Tracker.Core.Uplink.UplinkTopics.MaxThingNameLength} characters of a-z A-Z 0-9 : _ -";

    /// <summary>Releases the certificate and its key.</summary>
    public void Dispose() => Certificate.Dispose();

    /// <summary>Makes a file readable by its owner only, on Unix (the key files).</summary>
    /// <param name="path">The file.</param>
    internal static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static X500DistinguishedName DistinguishedName(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b)
    {
        var other = new DateTimeOffset(b.ToUniversalTime(), TimeSpan.Zero);
        return a < other ? a : other;
    }
}
