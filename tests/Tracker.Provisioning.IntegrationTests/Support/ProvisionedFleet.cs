using System.Security.Cryptography.X509Certificates;
using Tracker.HostLink;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.IntegrationTests.Support;

/// <summary>
/// A fleet made by the provisioning library in a temporary folder, as an installer's laptop holds
/// it: the fleet CA (<c>ca/</c>, key encrypted), the bundles (<c>bundles/{car}/</c>), and the root CA
/// file given to <c>device create --root-ca</c>, which here is the CA of the local broker's
/// certificate. <see cref="StartBroker"/> starts mosquitto with the CA's certificate and CRL files.
/// </summary>
public sealed class ProvisionedFleet : IDisposable
{
    /// <summary>The CA key's passphrase in these tests.</summary>
    public const string Passphrase = "integration-test-passphrase";

    private readonly TempFolder _folder;

    private ProvisionedFleet(TempFolder folder, FleetCa ca, TestPki brokerPki, string rootCaPath)
    {
        _folder = folder;
        Ca = ca;
        BrokerPki = brokerPki;
        RootCaPath = rootCaPath;
    }

    /// <summary>The fleet CA, with its key.</summary>
    public FleetCa Ca { get; }

    /// <summary>The CA of the local broker's certificate.</summary>
    public TestPki BrokerPki { get; }

    /// <summary>Its certificate as a PEM file: the bundles' root CA.</summary>
    public string RootCaPath { get; }

    /// <summary>The bundles folder.</summary>
    public string BundlesDirectory => Path.Combine(_folder.Path, "bundles");

    /// <summary>The CRL the library keeps in the CA folder (PEM).</summary>
    public string CrlPem => File.ReadAllText(CaFiles.PathOf(Ca.Directory, CaFiles.Crl));

    /// <summary>The CA certificate file the library wrote (PEM): the broker's <c>cafile</c>.</summary>
    public string CaCertificatePem => File.ReadAllText(Ca.CertificatePath);

    /// <summary>Creates the fleet CA with the library (<c>ca create</c>).</summary>
    /// <param name="name">The CA's common name.</param>
    public static ProvisionedFleet Create(string name = "Tracker Test Fleet CA")
    {
        var folder = new TempFolder("tracker-provit-");
        try
        {
            // 1,000 PBKDF2 iterations (the library's floor) instead of 600,000: the key is still
            // encrypted at rest, and each test opens it in a millisecond instead of a second. The CA
            // dates from a week ago, as a fleet's CA would, so the library can issue a certificate
            // that has already expired (a car's validity cannot start before its CA's).
            var options = new FleetCaOptions { Name = name, KdfIterations = 1000, Now = DateTimeOffset.UtcNow.AddDays(-7) };
            FleetCa ca = FleetCa.Create(Path.Combine(folder.Path, "ca"), Passphrase, options);
            TestPki brokerPki = FleetBroker.CreateBrokerPki();
            string rootCa = Path.Combine(folder.Path, "broker-root-ca.pem");
            File.WriteAllText(rootCa, CertificateForge.Pem(brokerPki.Ca));
            return new ProvisionedFleet(folder, ca, brokerPki, rootCa);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Starts mosquitto with the CA folder's certificate and current CRL.</summary>
    /// <param name="debugLog">Log every packet (to see "Denied PUBLISH").</param>
    public FleetBroker StartBroker(bool debugLog = false) =>
        FleetBroker.Start(Ca.Certificate, CrlPem, debugLog, BrokerPki, CaCertificatePem);

    /// <summary>Issues a car's identity and bundle with the library (<c>device create</c>), for the local broker.</summary>
    /// <param name="carId">The car.</param>
    /// <param name="port">The broker's port, for the bundle's <c>tracker.conf</c>.</param>
    /// <param name="now">The moment of issue (in the past for an expired certificate); now when null.</param>
    /// <param name="validDays">Validity in days.</param>
    public DeviceBundle CreateDevice(string carId, int port = 8883, DateTimeOffset? now = null, int validDays = 30) =>
        DeviceIdentities.Create(Ca, new DeviceRequest
        {
            CarId = carId,
            BundlesDirectory = BundlesDirectory,
            Endpoint = "127.0.0.1",
            Port = port,
            Apn = "",
            RootCaPath = RootCaPath,
            Installer = "provit",
            Now = now,
            ValidDays = validDays,
        });

    /// <summary>Revokes the car's active identity as <c>device revoke</c> does: the CA opened from disk with the passphrase.</summary>
    /// <param name="carId">The car.</param>
    public LedgerEntry Revoke(string carId)
    {
        using FleetCa loaded = FleetCa.Load(Ca.Directory, Passphrase);
        return DeviceIdentities.Revoke(loaded, carId);
    }

    /// <summary>Link options from a bundle's deployed PEM files (device.crt, device.key, ca.pem).</summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="port">The broker's port.</param>
    public static MqttNetLinkOptions Options(DeviceBundle bundle, int port) =>
        PemIdentity.Options(port, bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem), bundle.PathOf(BundleFiles.RootCaPem));

    /// <summary>A bundle's certificate with its key, read from its PEM files.</summary>
    /// <param name="bundle">The bundle.</param>
    public static X509Certificate2 Identity(DeviceBundle bundle) =>
        X509Certificate2.CreateFromPemFile(bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem));

    /// <summary>Disposes the CA and deletes the folder.</summary>
    public void Dispose()
    {
        Ca.Dispose();
        _folder.Dispose();
    }
}
