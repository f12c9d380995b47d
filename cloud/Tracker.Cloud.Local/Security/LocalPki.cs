using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;

namespace Tracker.Cloud.Local.Security;

/// <summary>
/// The local host's certificates, as AWS has them: an <em>endpoint CA</em> standing in for Amazon's root CA signs the
/// broker's server certificate, and the provisioning tool's <em>fleet CA</em> signs each car's client certificate
/// (CN = car id). Both are created in the data folder on first run and reused after; the cars' bundles are made by
/// the provisioning tool's own <see cref="DeviceIdentities.Create"/>, so the local fleet exercises the installer's path.
/// </summary>
public sealed class LocalPki : IDisposable
{
    private const string PassphraseFile = "ca-passphrase.txt";
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly ConcurrentDictionary<string, bool> _revoked = new(StringComparer.OrdinalIgnoreCase);
    private readonly X509Certificate2Collection _fleetTrust;
    private DateTime _ledgerStamp;

    private LocalPki(string directory, FleetCa fleetCa, X509Certificate2 endpointCa, X509Certificate2 server)
    {
        Directory = directory;
        FleetCa = fleetCa;
        EndpointCa = endpointCa;
        ServerCertificate = server;
        _fleetTrust = [fleetCa.Certificate];
        ReloadRevocations();
    }

    /// <summary>The PKI folder.</summary>
    public string Directory { get; }

    /// <summary>The fleet CA (with its key: the host issues the simulated cars' identities).</summary>
    public FleetCa FleetCa { get; }

    /// <summary>The endpoint CA certificate the cars trust (their bundle's <c>ca.pem</c>).</summary>
    public X509Certificate2 EndpointCa { get; }

    /// <summary>The endpoint CA's PEM file.</summary>
    public string EndpointCaPath => Path.Combine(Directory, "endpoint", "endpoint-ca.pem");

    /// <summary>The broker's TLS certificate, with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Where the cars' bundles live (one folder per car, as the provisioning tool writes them).</summary>
    public string BundlesDirectory => Path.Combine(Directory, "bundles");

    /// <summary>Opens the PKI in <paramref name="directory"/>, creating what is missing.</summary>
    /// <param name="directory">The PKI folder (inside the data folder).</param>
    /// <param name="bind">The address the broker listens on; it goes into the server certificate's names.</param>
    /// <param name="kdfIterations">PBKDF2 iterations protecting the fleet CA key (tests lower it).</param>
    /// <returns>The PKI.</returns>
    public static LocalPki OpenOrCreate(string directory, IPAddress bind, int kdfIterations = 600_000)
    {
        ArgumentNullException.ThrowIfNull(bind);
        string caDirectory = Path.Combine(directory, "fleet-ca");
        string passphrase = Encoding.UTF8.GetString(SecretFile.ReadOrCreate(Path.Combine(directory, PassphraseFile), () => Encoding.UTF8.GetBytes(SecretFile.NewPassword(32))));
        FleetCa fleetCa = FleetCa.Exists(caDirectory)
            ? FleetCa.Load(caDirectory, passphrase)
            : FleetCa.Create(caDirectory, passphrase, new FleetCaOptions { Name = "Tracker Local Fleet CA", KdfIterations = kdfIterations });

        string endpointDirectory = Path.Combine(directory, "endpoint");
        (X509Certificate2 endpointCa, ECDsa endpointKey) = LoadOrCreateEndpointCa(endpointDirectory);
        using (endpointKey)
        {
            X509Certificate2 server = LoadOrCreateServer(endpointDirectory, endpointCa, endpointKey, bind);
            return new LocalPki(directory, fleetCa, endpointCa, server);
        }
    }

    /// <summary>
    /// The car's bundle, issuing it with the provisioning tool on first use (the bundle folder and the fleet CA's
    /// ledger record it, as for a real car).
    /// </summary>
    /// <param name="carId">The car.</param>
    /// <param name="port">The broker's TLS port written into the car's config.</param>
    /// <returns>The bundle.</returns>
    public DeviceBundle EnsureCar(string carId, int port)
    {
        string folder = Path.Combine(BundlesDirectory, carId);
        if (File.Exists(Path.Combine(folder, BundleFiles.Identity)))
        {
            return DeviceBundle.Open(folder);
        }

        return DeviceIdentities.Create(FleetCa, new DeviceRequest
        {
            CarId = carId,
            BundlesDirectory = BundlesDirectory,
            Endpoint = "localhost",
            Port = port == 0 ? 8883 : port,
            Apn = string.Empty,
            RootCaPath = EndpointCaPath,
            Installer = "tracker-local",
        });
    }

    /// <summary>
    /// The broker's check of a car's client certificate (mutual TLS): it chains to the fleet CA alone (not the
    /// machine's roots), is valid now, allows client authentication, has a thing-name CN, and is not revoked in the
    /// fleet CA's ledger (the provisioning tool's <c>device revoke</c> takes effect on the next connection).
    /// </summary>
    /// <param name="certificate">What the client presented.</param>
    /// <param name="why">Why not, for the log; empty when accepted.</param>
    /// <returns>True when the car may connect.</returns>
    public bool IsAcceptableDevice(X509Certificate? certificate, out string why)
    {
        if (certificate is null)
        {
            why = "no client certificate";
            return false;
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_fleetTrust);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        if (!chain.Build(presented))
        {
            why = "certificate does not chain to the fleet CA: " + string.Join(", ", chain.ChainStatus.Select(s => s.Status));
            return false;
        }

        string cn = presented.GetNameInfo(X509NameType.SimpleName, false);
        if (!Tracker.Core.Uplink.UplinkTopics.IsValidThingName(cn))
        {
            why = "certificate CN is not a car id";
            return false;
        }

        ReloadRevocationsIfChanged();
        if (_revoked.ContainsKey(presented.SerialNumber))
        {
            why = "certificate " + presented.SerialNumber + " of " + cn + " is revoked";
            return false;
        }

        why = string.Empty;
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        FleetCa.Dispose();
        EndpointCa.Dispose();
        ServerCertificate.Dispose();
    }

    private void ReloadRevocationsIfChanged()
    {
        string path = CaFiles.PathOf(FleetCa.Directory, CaFiles.Ledger);
        if (File.Exists(path) && File.GetLastWriteTimeUtc(path) != _ledgerStamp)
        {
            ReloadRevocations();
        }
    }

    private void ReloadRevocations()
    {
        string path = CaFiles.PathOf(FleetCa.Directory, CaFiles.Ledger);
        _ledgerStamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;
        foreach (LedgerEntry entry in Ledger.Load(FleetCa.Directory).Entries.Where(e => e.Status == IdentityStatus.Revoked))
        {
            _revoked[entry.Serial] = true;
        }
    }

    private static (X509Certificate2, ECDsa) LoadOrCreateEndpointCa(string directory)
    {
        string certPath = Path.Combine(directory, "endpoint-ca.pem");
        string keyPath = Path.Combine(directory, "endpoint-ca.key.pem");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            // The certificate file holds the certificate alone; its key is in the key file. (CreateFromPemFile with
            // one path looks for the key in the certificate file, which made every second start fail.)
            X509Certificate2 existing = X509CertificateLoader.LoadCertificateFromFile(certPath);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(30))
            {
                var key = ECDsa.Create();
                key.ImportFromPem(File.ReadAllText(keyPath));
                return (existing, key);
            }

            existing.Dispose();
        }

        var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Tracker Local Endpoint CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 ca = request.CreateSelfSigned(now.AddHours(-1), now.AddYears(10));
        PrivateFiles.EnsureFolder(directory);
        // Key first, certificate last, each written whole (a crash between leaves no certificate, so both are made again).
        SecretFile.Write(keyPath, Encoding.ASCII.GetBytes(caKey.ExportPkcs8PrivateKeyPem()));
        SecretFile.Write(certPath, Encoding.ASCII.GetBytes(ca.ExportCertificatePem() + "\n"), SecretFile.PublicMode);
        return (X509CertificateLoader.LoadCertificate(ca.RawData), caKey);
    }

    private static X509Certificate2 LoadOrCreateServer(string directory, X509Certificate2 ca, ECDsa caKey, IPAddress bind)
    {
        string certPath = Path.Combine(directory, "server.crt");
        string keyPath = Path.Combine(directory, "server.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            X509Certificate2 existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            bool fresh = existing.NotAfter > DateTime.UtcNow.AddDays(7) && existing.Issuer == ca.Subject;
            bool namesBind = bind.Equals(IPAddress.Loopback) || bind.Equals(IPAddress.Any) || existing.MatchesHostname(bind.ToString());
            if (fresh && namesBind)
            {
                return Usable(existing);
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (!bind.Equals(IPAddress.Loopback) && !bind.Equals(IPAddress.Any))
        {
            names.AddIpAddress(bind);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddHours(-1), now.AddYears(2) < ca.NotAfter ? now.AddYears(2) : ca.NotAfter, serial);
        SecretFile.Write(keyPath, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        SecretFile.Write(certPath, Encoding.ASCII.GetBytes(issued.ExportCertificatePem() + "\n"), SecretFile.PublicMode);
        return Usable(X509Certificate2.CreateFromPemFile(certPath, keyPath));
    }

    // SslStream on Linux wants the key bound to the certificate in a form it can reuse across handshakes:
    // round-tripping through PKCS#12 gives it that (an ephemeral PEM-loaded key works for one handshake only on some platforms).
    private static X509Certificate2 Usable(X509Certificate2 certificate)
    {
        byte[] pfx = certificate.Export(X509ContentType.Pkcs12);
        certificate.Dispose();
        return X509CertificateLoader.LoadPkcs12(pfx, null);
    }

    /// <summary>A short description for the console.</summary>
    /// <returns>The fleet CA and endpoint CA subjects and fingerprints.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"fleet CA {FleetCa.Certificate.Subject} ({CertificateFacts.Sha256Fingerprint(FleetCa.Certificate)[..16]}...), endpoint CA {EndpointCa.Subject}");
}
