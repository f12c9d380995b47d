using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tracker.Provisioning.Pki;

/// <summary>Facts about a certificate in the forms the ledger, the CRL and AWS use.</summary>
public static class CertificateFacts
{
    /// <summary>
    /// The SHA-256 fingerprint of the DER certificate, lower-case hex. This is also the AWS IoT
    /// certificate id, so an operator can find (or revoke) the car's certificate in IoT Core with it.
    /// </summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>64 hex digits.</returns>
    public static string Sha256Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    /// <summary>The common name (CN) of the subject.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>The CN, or an empty string.</returns>
    public static string CommonName(X509Certificate2 certificate) =>
        certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <summary>
    /// A random positive serial number of 16 bytes (RFC 5280 §4.1.2.2: at most 20 octets, positive;
    /// CA/B Forum asks for at least 64 random bits). The first byte is 0x01..0x7F, so the DER INTEGER
    /// is exactly 16 bytes and its hex matches <see cref="X509Certificate2.SerialNumber"/>.
    /// </summary>
    /// <returns>The big-endian serial.</returns>
    public static byte[] NewSerial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    /// <summary>Parses the PEM certificates in a text (a chain file holds several).</summary>
    /// <param name="pem">The PEM text.</param>
    /// <returns>The certificates, in file order; empty when there are none.</returns>
    public static X509Certificate2[] ParsePemCertificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return [];
        }

        return [.. collection];
    }
}
