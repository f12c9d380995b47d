namespace Tracker.Provisioning.Inventory;

/// <summary>One issued identity in the <see cref="Ledger"/>.</summary>
public sealed record LedgerEntry
{
    /// <summary>The car id (the certificate's CN, the thing name).</summary>
    public required string CarId { get; init; }

    /// <summary>The certificate serial, upper-case hex as <c>X509Certificate2.SerialNumber</c> and <c>openssl x509 -serial</c> print it.</summary>
    public required string Serial { get; init; }

    /// <summary>SHA-256 over the DER certificate, lower-case hex: the AWS IoT certificate id.</summary>
    public required string Sha256Fingerprint { get; init; }

    /// <summary>When the certificate was issued (UTC).</summary>
    public required DateTimeOffset IssuedUtc { get; init; }

    /// <summary>When the certificate expires (UTC).</summary>
    public required DateTimeOffset NotAfterUtc { get; init; }

    /// <summary>Who issued it (the installer's name).</summary>
    public required string Installer { get; init; }

    /// <summary>Where it stands.</summary>
    public required IdentityStatus Status { get; init; }

    /// <summary>When it was rotated or revoked (UTC); null while active.</summary>
    public DateTimeOffset? StatusChangedUtc { get; init; }

    /// <summary>The bundle folder it was written to, when issued.</summary>
    public string? Bundle { get; init; }
}
