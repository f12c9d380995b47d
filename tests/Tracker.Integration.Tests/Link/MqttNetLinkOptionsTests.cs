using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.HostLink;

namespace Tracker.Integration.Tests.Link;

public sealed class MqttNetLinkOptionsTests
{
    [Fact]
    public void FromPemFiles_ReadsACaFileThatHoldsNoKey()
    {
        string dir = Directory.CreateTempSubdirectory("link-pem-").FullName;
        try
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=test ca", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            using var carKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var carRequest = new CertificateRequest("CN=car-0001", carKey, HashAlgorithmName.SHA256);
            using X509Certificate2 car = carRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
            File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "device.crt"), car.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "device.key"), carKey.ExportPkcs8PrivateKeyPem());

            MqttNetLinkOptions options = MqttNetLinkOptions.FromPemFiles("127.0.0.1", 8883, Path.Combine(dir, "device.crt"), Path.Combine(dir, "device.key"), Path.Combine(dir, "ca.pem"));

            Assert.True(options.ClientCertificate.HasPrivateKey);
            Assert.Equal(ca.Thumbprint, options.CaCertificate.Thumbprint);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
