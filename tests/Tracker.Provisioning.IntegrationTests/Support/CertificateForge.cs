using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tracker.Provisioning.IntegrationTests.Support;

/// <summary>
/// Certificates the provisioning tool never makes, made here with System.Security.Cryptography
/// from the fleet CA's certificate and key: the operator's identity (the cloud side's subscriber,
/// not a car, so not in the ledger), and tampered copies of a car's certificate (its subject
/// edited, or a bit of its signature flipped), whose private key still matches, so only the CA's
/// signature is wrong. ECDSA P-256 with SHA-256, as the fleet CA (issue 4).
/// </summary>
public static class CertificateForge
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// A client certificate (CN = <paramref name="commonName"/>, with its key) issued by
    /// <paramref name="ca"/>, valid from the CA's start for 30 days from now.
    /// </summary>
    /// <param name="ca">The issuer, with its private key.</param>
    /// <param name="commonName">The MQTT identity.</param>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string commonName)
    {
        ArgumentNullException.ThrowIfNull(ca);
        if (!ca.HasPrivateKey)
        {
            throw new ArgumentException("the CA certificate needs its private key", nameof(ca));
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = request.Create(ca, new DateTimeOffset(ca.NotBefore.ToUniversalTime(), TimeSpan.Zero), DateTimeOffset.UtcNow.AddDays(30), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// A copy of <paramref name="certificate"/> (with its key) whose subject common name is edited
    /// in place from <paramref name="from"/> to <paramref name="to"/> (same length, so the DER
    /// stays well formed): a car's certificate made to claim another car, with the CA's signature
    /// left as it was.
    /// </summary>
    public static X509Certificate2 EditSubject(X509Certificate2 certificate, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] old = Encoding.ASCII.GetBytes(from);
        byte[] replacement = Encoding.ASCII.GetBytes(to);
        if (old.Length != replacement.Length)
        {
            throw new ArgumentException("the edit must keep the length", nameof(to));
        }

        byte[] der = (byte[])certificate.RawData.Clone();
        (int tbsStart, int tbsLength) = Tbs(der);
        int at = IndexOf(der.AsSpan(tbsStart, tbsLength), old);
        if (at < 0 || IndexOf(der.AsSpan(tbsStart + at + 1, tbsLength - at - 1), old) >= 0)
        {
            throw new ArgumentException("'" + from + "' must occur exactly once in the certificate's TBS", nameof(from));
        }

        replacement.CopyTo(der, tbsStart + at);
        return WithKeyOf(certificate, der);
    }

    /// <summary>
    /// A copy of <paramref name="certificate"/> (with its key) with the lowest bit of the ECDSA
    /// signature's r flipped: still a well-formed certificate (RFC 5280 §4.1.1.3; the value is a
    /// DER INTEGER whose last byte carries no length), but not one its CA signed.
    /// </summary>
    public static X509Certificate2 FlipSignatureBit(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] der = (byte[])certificate.RawData.Clone();

        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        outer.ReadEncodedValue();
        outer.ReadEncodedValue();
        byte[] signature = outer.ReadBitString(out _);

        // Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3).
        var sig = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> r = sig.ReadIntegerBytes();
        int rLastInSignature = IndexOf(signature, r.Span) + r.Length - 1;
        int signatureInDer = IndexOf(der, signature);
        der[signatureInDer + rLastInSignature] ^= 0x01;
        return WithKeyOf(certificate, der);
    }

    /// <summary>PEM of one or more certificates, without keys.</summary>
    public static string Pem(params X509Certificate2[] certificates) =>
        string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));

    private static (int Start, int Length) Tbs(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> tbs = outer.ReadEncodedValue();
        return (IndexOf(der, tbs.Span), tbs.Length);
    }

    private static X509Certificate2 WithKeyOf(X509Certificate2 original, byte[] der)
    {
        using X509Certificate2 edited = X509CertificateLoader.LoadCertificate(der);
        using ECDsa key = original.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no ECDSA private key");
        return edited.CopyWithPrivateKey(key);
    }

    private static int IndexOf(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle);
}
