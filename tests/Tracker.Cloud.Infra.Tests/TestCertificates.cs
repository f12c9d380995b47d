using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tracker.Cloud.Infra.Tests;

/// <summary>A throw-away fleet CA and verification certificate, made the way the provisioning tool makes them (ECDSA P-256).</summary>
internal static class TestCertificates
{
    public static (string CaPem, string VerificationPem, string OtherPem) Create()
    {
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test Fleet CA, O=iCar test", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        using ECDsa verificationKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var verificationRequest = new CertificateRequest("CN=0123456789abcdef0123456789abcdef", verificationKey, HashAlgorithmName.SHA256);
        using X509Certificate2 verification = verificationRequest.Create(ca, now.AddDays(-1), now.AddDays(30), [1, 2, 3, 4]);

        using ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 other = new CertificateRequest("CN=Not a CA", otherKey, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return (ca.ExportCertificatePem(), verification.ExportCertificatePem(), other.ExportCertificatePem());
    }
}
