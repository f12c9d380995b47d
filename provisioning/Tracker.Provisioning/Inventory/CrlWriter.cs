using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracker.Provisioning.Pki;

namespace Tracker.Provisioning.Inventory;

/// <summary>
/// Builds the fleet CA's certificate revocation list (X.509 v2 CRL, RFC 5280 §5) from the ledger's
/// revoked entries, in PEM, for the local broker's <c>crlfile</c>. IoT Core does not read CRLs: a
/// revoked car is also revoked there by its certificate id (the fingerprint).
/// </summary>
public static class CrlWriter
{
    /// <summary>
    /// How long a CRL stays current. OpenSSL (mosquitto) refuses every client once nextUpdate has
    /// passed ("CRL has expired"), so it is long, and any <c>device revoke</c> or <c>ca crl</c> renews it.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    /// <summary>The CRL for the ledger, numbered <see cref="Ledger.CrlNumber"/>, as PEM.</summary>
    /// <param name="ca">The CA, with its key.</param>
    /// <param name="ledger">The ledger (its CRL number already advanced for this CRL).</param>
    /// <param name="now">thisUpdate.</param>
    /// <returns>The PEM text ("X509 CRL").</returns>
    public static string BuildPem(FleetCa ca, Ledger ledger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(ledger);
        var builder = new CertificateRevocationListBuilder();
        foreach (LedgerEntry entry in ledger.Entries.Where(e => e.Status == IdentityStatus.Revoked))
        {
            builder.AddEntry(Convert.FromHexString(entry.Serial), entry.StatusChangedUtc ?? now);
        }

        byte[] der = builder.Build(ca.Certificate, new BigInteger(ledger.CrlNumber), now + Lifetime, HashAlgorithmName.SHA256, thisUpdate: now);
        return new string(PemEncoding.Write("X509 CRL", der)) + "\n";
    }

    /// <summary>Reads the revoked serials (upper-case hex) out of a PEM CRL, for checks and tests.</summary>
    /// <param name="pem">The CRL text.</param>
    /// <param name="crlNumber">The CRL number.</param>
    /// <returns>The serials.</returns>
    public static string[] ReadSerials(string pem, out BigInteger crlNumber)
    {
        byte[] der = PemEncoding.TryFind(pem, out PemFields fields)
            ? Convert.FromBase64String(pem[fields.Base64Data])
            : throw new ArgumentException("no PEM block", nameof(pem));
        // Load checks the structure and gives the number; its entries are private, so they are read here.
        _ = CertificateRevocationListBuilder.Load(der, out crlNumber);
        return ReadSerials(der);
    }

    private static string[] ReadSerials(byte[] der)
    {
        // RFC 5280 §5.1: CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue };
        // TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature, issuer, thisUpdate,
        // nextUpdate OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE { userCertificate, ... } OPTIONAL, [0] extensions OPTIONAL }
        var list = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var tbs = list.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence();
        tbs.ReadSequence();
        tbs.ReadEncodedValue();
        var serials = new List<string>();
        while (tbs.HasData)
        {
            System.Formats.Asn1.Asn1Tag tag = tbs.PeekTag();
            if (tag.HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.Sequence))
            {
                var revoked = tbs.ReadSequence();
                while (revoked.HasData)
                {
                    var entry = revoked.ReadSequence();
                    serials.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span));
                }
            }
            else
            {
                tbs.ReadEncodedValue();
            }
        }

        return [.. serials];
    }
}
