using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Provisioning.Bundles;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Tests.Support;

/// <summary>A fleet CA in a temporary folder, with a stand-in endpoint root CA, for tests.</summary>
public sealed class Fleet : IDisposable
{
    public const string Pass = "correct horse battery staple";

    // Low KDF cost keeps each CA load in milliseconds; the count lives in the key file.
    public static readonly FleetCaOptions FastOptions = new() { KdfIterations = 2000, Now = DateTimeOffset.UtcNow.AddDays(-30) };

    public Fleet()
    {
        Root = new TempFolder();
        CaDir = Root.Combine("ca");
        BundlesDir = Root.Combine("bundles");
        RootCaPath = Root.Combine("AmazonRootCA1.pem");
        using (FleetCa.Create(CaDir, Pass, FastOptions))
        {
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Stand-in Root CA 1", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        File.WriteAllText(RootCaPath, root.ExportCertificatePem() + "\n");
    }

    public TempFolder Root { get; }

    public string CaDir { get; }

    public string BundlesDir { get; }

    public string RootCaPath { get; }

    public FleetCa Load() => FleetCa.Load(CaDir, Pass);

    public DeviceRequest Request(string car) => new()
    {
        CarId = car,
        BundlesDirectory = BundlesDir,
        Endpoint = "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
        Apn = "iot.1nce.net",
        RootCaPath = RootCaPath,
        Installer = "ann",
    };

    public DeviceBundle Create(string car, bool rotate = false)
    {
        using FleetCa ca = Load();
        return DeviceIdentities.Create(ca, Request(car) with { Rotate = rotate });
    }

    public void Dispose() => Root.Dispose();
}
