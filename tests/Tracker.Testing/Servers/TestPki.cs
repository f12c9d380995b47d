using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tracker.Testing;

/// <summary>
/// A throw-away fleet PKI made with System.Security.Cryptography for one test: a CA, a broker
/// certificate for 127.0.0.1 and localhost, and client certificates whose CN is the MQTT identity
/// (the car id, or the operator), as the provisioning tool issues them. ECDSA P-256 with SHA-256,
/// which AWS IoT Core, mosquitto (OpenSSL) and the SIM7080G all accept, and which is quick to make.
/// </summary>
public sealed class TestPki
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly ECDsa _caKey;

    private TestPki(string name)
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        CaWithKey = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(60));
        Ca = X509CertificateLoader.LoadCertificate(CaWithKey.RawData);
    }

    /// <summary>The CA certificate, without its key: the trust anchor for both sides.</summary>
    public X509Certificate2 Ca { get; }

    private X509Certificate2 CaWithKey { get; }

    /// <summary>A new CA.</summary>
    /// <param name="name">Its common name.</param>
    public static TestPki Create(string name = "Tracker Test Fleet CA") => new(name);

    /// <summary>A broker certificate for 127.0.0.1 and localhost.</summary>
    public X509Certificate2 IssueServer()
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        return Issue("CN=localhost", ServerAuth, san.Build());
    }

    /// <summary>A client certificate whose CN is <paramref name="commonName"/> (the car id).</summary>
    public X509Certificate2 IssueClient(string commonName) => Issue("CN=" + commonName, ClientAuth, null);

    /// <summary>Writes a certificate as PEM.</summary>
    public static void WriteCertificatePem(string path, X509Certificate2 certificate) =>
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    /// <summary>Writes a certificate's private key as PKCS#8 PEM.</summary>
    public static void WriteKeyPem(string path, X509Certificate2 certificate)
    {
        using ECDsa key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private X509Certificate2 Issue(string subject, Oid usage, X509Extension? subjectAltName)
    {
        // Not disposed: the issued certificate keeps using it.
        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(CaWithKey, true, false));
        if (subjectAltName is not null)
        {
            request.CertificateExtensions.Add(subjectAltName);
        }

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = request.Create(CaWithKey, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        return issued.CopyWithPrivateKey(key);
    }
}
