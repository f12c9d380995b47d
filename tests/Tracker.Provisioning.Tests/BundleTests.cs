using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Tracker.Core.Config;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Inventory;
using Tracker.Provisioning.Pki;
using Tracker.Provisioning.Tests.Support;

namespace Tracker.Provisioning.Tests;

public sealed class BundleTests
{
    [Fact]
    public void Bundle_CertificatesAndKeys_ParseInPemAndDer_AndMatch()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        using FleetCa ca = fleet.Load();

        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(bundle.PathOf(BundleFiles.CertificatePem), bundle.PathOf(BundleFiles.KeyPem));
        using X509Certificate2 der = X509CertificateLoader.LoadCertificateFromFile(bundle.PathOf(BundleFiles.CertificateDer));
        Assert.True(pem.HasPrivateKey);
        Assert.Equal(pem.RawData, der.RawData);
        Assert.Equal("CAR-0042", CertificateFacts.CommonName(der));
        Assert.Equal(bundle.Serial, der.SerialNumber);
        Assert.Equal(bundle.Sha256Fingerprint, CertificateFacts.Sha256Fingerprint(der));
        Assert.Equal(32, der.SerialNumber.Length);

        // The DER key is the same key as the PEM key, and it belongs to the certificate.
        using ECDsa derKey = ECDsa.Create();
        derKey.ImportPkcs8PrivateKey(File.ReadAllBytes(bundle.PathOf(BundleFiles.KeyDer)), out _);
        using X509Certificate2 withDerKey = der.CopyWithPrivateKey(derKey);
        byte[] data = "it reports"u8.ToArray();
        using ECDsa publicKey = der.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(data, derKey.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));

        // device.crt is the chain: the car's certificate, then the fleet CA.
        X509Certificate2[] chain = CertificateFacts.ParsePemCertificates(File.ReadAllText(bundle.PathOf(BundleFiles.CertificatePem)));
        Assert.Equal(2, chain.Length);
        Assert.Equal(ca.Certificate.RawData, chain[1].RawData);
        Assert.True(FleetCaTests.Chains(der, ca.Certificate));
        Assert.Equal(ca.Certificate.RawData, X509CertificateLoader.LoadCertificateFromFile(bundle.PathOf(BundleFiles.FleetCaDer)).RawData);
        Assert.Equal(ca.Certificate.RawData, X509Certificate2.CreateFromPem(File.ReadAllText(bundle.PathOf(BundleFiles.FleetCaPem))).RawData);

        // ca.pem / ca.der: the endpoint's root CA given with --root-ca.
        byte[] root = X509Certificate2.CreateFromPem(File.ReadAllText(fleet.RootCaPath)).RawData;
        Assert.Equal(root, X509Certificate2.CreateFromPem(File.ReadAllText(bundle.PathOf(BundleFiles.RootCaPem))).RawData);
        Assert.Equal(root, X509CertificateLoader.LoadCertificateFromFile(bundle.PathOf(BundleFiles.RootCaDer)).RawData);

        // A client certificate for mutual TLS.
        var eku = der.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Contains(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
        Assert.False(der.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void Bundle_Config_LoadsWithTheDevicesLoader()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        TrackerConfigResult loaded = TrackerConfigLoader.Load(File.ReadAllText(bundle.PathOf(BundleFiles.Config)));
        Assert.True(loaded.IsOk, loaded.Message);
        TrackerConfig c = loaded.Config!;
        Assert.Equal("CAR-0042", c.CarId);
        Assert.Equal("a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com", c.MqttEndpoint);
        Assert.Equal(8883, c.MqttPort);
        Assert.Equal(BundleFiles.RootCaPem, c.CaFile);
        Assert.Equal(BundleFiles.CertificatePem, c.CertFile);
        Assert.Equal(BundleFiles.KeyPem, c.KeyFile);
        Assert.Equal("iot.1nce.net", c.GetText(TrackerSetting.CellApn));
        Assert.Equal("tracker/CAR-0042/status", c.Topics.Status);
    }

    [Fact]
    public void Bundle_WithPolicyAndIngestRule_CarriesThemInTheConfig()
    {
        using var fleet = new Fleet();
        string policy = fleet.Root.Combine("policy.conf");
        File.WriteAllText(policy, "# city car\nreport.moving.minPeriodS = 10\n");
        using FleetCa ca = fleet.Load();
        DeviceBundle bundle = DeviceIdentities.Create(ca, fleet.Request("car-7") with { PolicyPath = policy, IngestRule = "tracker_ingest", Apn = "" });
        TrackerConfigResult loaded = TrackerConfigLoader.Load(File.ReadAllText(bundle.PathOf(BundleFiles.Config)));
        Assert.True(loaded.IsOk, loaded.Message);
        Assert.Equal("$aws/rules/tracker_ingest/tracker/car-7/fixes", loaded.Config!.Topics.Fixes);
        Assert.Contains("report.moving.minPeriodS = 10", File.ReadAllText(bundle.PathOf(BundleFiles.Config)));
        Assert.Equal("", loaded.Config.GetText(TrackerSetting.CellApn));
    }

    [Fact]
    public void Bundle_NanoffDeployment_HasTheFieldsNanoffReads_AndEverySourceExists()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(bundle.PathOf(BundleFiles.Deployment)));
        Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("SerialPort").ValueKind);
        var files = doc.RootElement.GetProperty("Files").EnumerateArray().ToArray();
        Assert.Equal(4, files.Length);
        foreach (JsonElement f in files)
        {
            string source = f.GetProperty("SourceFilePath").GetString()!;
            Assert.True(File.Exists(source), source);
            Assert.Equal(BundleFiles.DeviceDrive + Path.GetFileName(source), f.GetProperty("DestinationFilePath").GetString());
        }

        Assert.Equal(
            new[] { "I:\\tracker.conf", "I:\\ca.pem", "I:\\device.crt", "I:\\device.key" },
            files.Select(f => f.GetProperty("DestinationFilePath").GetString()).ToArray());
    }

    [Fact]
    public void BundleFileNames_AgreeWithTheFlashingProfile()
    {
        string profile = Path.Combine(Repository.Root, "nanoff.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(profile));
        JsonElement deployment = doc.RootElement.GetProperty("fileDeployment");
        Assert.Equal(BundleFiles.Deployment, deployment.GetProperty("bundleFileName").GetString());
        (string?, string?)[] Files(bool required) => deployment.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("required").GetBoolean() == required)
            .Select(f => (f.GetProperty("bundleFile").GetString(), f.GetProperty("destination").GetString())).ToArray();
        Assert.Equal(BundleFiles.Deployed.Select(n => ((string?)n, (string?)(BundleFiles.DeviceDrive + n))).ToArray(), Files(required: true));
        Assert.Equal(BundleFiles.DeployedWhenPresent.Select(n => ((string?)n, (string?)(BundleFiles.DeviceDrive + n))).ToArray(), Files(required: false));
    }

    [Fact]
    public void Create_RecordsTheIdentityInTheLedger()
    {
        using var fleet = new Fleet();
        DeviceBundle bundle = fleet.Create("CAR-0042");
        LedgerEntry entry = Assert.Single(Ledger.Load(fleet.CaDir).Entries);
        Assert.Equal("CAR-0042", entry.CarId);
        Assert.Equal(bundle.Serial, entry.Serial);
        Assert.Equal(bundle.Sha256Fingerprint, entry.Sha256Fingerprint);
        Assert.Equal("ann", entry.Installer);
        Assert.Equal(IdentityStatus.Active, entry.Status);
        Assert.Equal(DeviceBundle.Open(bundle.Directory), bundle with { RotatedTo = null });
    }

    [Fact]
    public void Create_WithAPastIssueTime_GivesAnExpiredCertificate()
    {
        using var fleet = new Fleet();
        using FleetCa ca = fleet.Load();
        DeviceBundle bundle = DeviceIdentities.Create(ca, fleet.Request("car-old") with { Now = DateTimeOffset.UtcNow.AddDays(-10), ValidDays = 2 });
        Assert.True(bundle.NotAfterUtc < DateTimeOffset.UtcNow);
    }
}
